import GradingCore
import TensorKit
import WorkerKit

/// One output of a test, read out of the replies: `group` is the sub-check it counts toward ("probabilities",
/// "loss", "parameters"), `label` names it in messages ("parameters after step 3").
struct NamedOutput {
    var group: String
    var label: String
    var tensor: Tensor?
}

/// An extra sub-check computed from the student's replies alone (e.g. a gradient checked against the student's
/// own loss by finite differences).
struct SubCheckResult {
    var name: String
    var passed: Bool
    var message: String
}

/// Judges a deterministic test: every output is compared elementwise with the reference's output on the same input;
/// outputs are grouped into sub-checks and the test earns the fraction of sub-checks that pass (partial credit).
/// A failure is compared against each known wrong variant; a variant that reproduces every wrong output (and is
/// itself wrong there) is named as the likely misconception.
struct DeterministicJudge: Sendable {
    var calls: [WorkerCall]
    var expectedReplies: [WorkerReply]
    var tolerance: Tolerance
    var variants: [WrongVariant]
    /// Reads the named outputs out of one set of replies; must list the same labels whatever the replies hold.
    var outputs: @Sendable (_ calls: [WorkerCall], _ replies: [WorkerReply]) -> [NamedOutput]
    /// Per-label magnitude of the terms behind each expected element (see `Comparison`), if any.
    var magnitudes: [String: Tensor] = [:]
    /// Extra sub-checks on the student's replies.
    var extraChecks: @Sendable (_ calls: [WorkerCall], _ replies: [WorkerReply]) -> [SubCheckResult] = { _, _ in [] }

    init(calls: [WorkerCall], tolerance: Tolerance, variants: [WrongVariant],
         outputs: @escaping @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput]) {
        self.calls = calls
        self.expectedReplies = calls.map { simulate($0, using: .reference) }
        self.tolerance = tolerance
        self.variants = variants
        self.outputs = outputs
    }

    func judge(_ rawReplies: [WorkerReply]) -> Judgement {
        let replies = calls.indices.map { $0 < rawReplies.count ? rawReplies[$0] : WorkerReply() }
        let got = outputs(calls, replies)
        let expected = outputs(calls, expectedReplies)
        var groupOrder: [String] = []
        var groupPassed: [String: Bool] = [:]
        var failures: [String] = []
        var worst: WorstElement?
        var wrongLabels: Set<String> = []
        for (g, e) in zip(got, expected) {
            guard let expectedTensor = e.tensor else { continue }
            if groupPassed[g.group] == nil { groupOrder.append(g.group); groupPassed[g.group] = true }
            let result = Comparison.compare(g.tensor, expected: expectedTensor, name: g.label, tolerance: tolerance,
                                            magnitude: magnitudes[g.label])
            if !result.passed {
                wrongLabels.insert(g.label)
                // Report the first wrong output of each group only: later steps usually inherit the first error.
                if groupPassed[g.group] == true { failures.append(result.message) }
                groupPassed[g.group] = false
                if worst == nil { worst = result.worst }
            }
        }
        let extra = extraChecks(calls, replies)
        let total = groupOrder.count + extra.count
        let passedCount = groupOrder.filter { groupPassed[$0] == true }.count + extra.filter(\.passed).count
        failures += extra.filter { !$0.passed }.map(\.message)
        if failures.isEmpty {
            let names = groupOrder + extra.map(\.name)
            let all = total == 1 ? "The one check passed" : "All \(total) checks passed"
            return .pass("\(all) (\(names.joined(separator: ", "))) within \(ScoreFormatting.rule(tolerance)).",
                         tolerance: tolerance)
        }
        let message = "\(passedCount) of \(DisplayFormat.count(total, "check")) passed. " + failures.joined(separator: " ")
        let misconception = diagnose(got: got, expected: expected, wrongLabels: wrongLabels)
        return Judgement(fraction: Double(passedCount) / Double(Swift.max(total, 1)), message: message, worst: worst,
                         misconception: misconception, tolerance: tolerance)
    }

    /// The variant the student's outputs point to: the one known variant that reproduces every output of this test,
    /// the ones the student got wrong and the ones they got right, and is itself wrong on at least one of the wrong
    /// ones. None when no variant fits (a bug nobody listed: the numbers explain it without a name), or when variants
    /// of different misconceptions fit (this input cannot tell them apart, so a name would be a guess).
    private func diagnose(got: [NamedOutput], expected: [NamedOutput], wrongLabels: Set<String>) -> Misconception? {
        guard !wrongLabels.isEmpty else { return nil }
        let fitting = variants.filter { variant in
            let predicted = outputs(calls, calls.map { simulate($0, using: variant.implementation) })
            guard Self.reproduces(got, predicted) else { return false }
            return zip(predicted, expected).contains { v, e in
                guard wrongLabels.contains(e.label), let variantTensor = v.tensor, let expectedTensor = e.tensor else { return false }
                return !Comparison.compare(variantTensor, expected: expectedTensor, name: "", tolerance: tolerance,
                                           magnitude: magnitudes[e.label]).passed
            }
        }
        return Set(fitting.map(\.misconception.id)).count == 1 ? fitting[0].misconception : nil
    }

    /// Whether a variant with misconception `id` would have replied as the student did on this test (nil: no such
    /// variant here). A misconception may have several variants, one per common way of writing the same mistake.
    func explains(_ id: String, _ rawReplies: [WorkerReply]) -> Bool? {
        let candidates = variants.filter { $0.misconception.id == id }
        guard !candidates.isEmpty else { return nil }
        let replies = calls.indices.map { $0 < rawReplies.count ? rawReplies[$0] : WorkerReply() }
        let got = outputs(calls, replies)
        return candidates.contains { variant in
            Self.reproduces(got, outputs(calls, calls.map { simulate($0, using: variant.implementation) }))
        }
    }

    /// Whether every output in `got` resembles the one in `predicted` (both present, same shape, close).
    private static func reproduces(_ got: [NamedOutput], _ predicted: [NamedOutput]) -> Bool {
        got.count == predicted.count && zip(got, predicted).allSatisfy { g, v in
            guard let gotTensor = g.tensor, let variantTensor = v.tensor else { return g.tensor == nil && v.tensor == nil }
            return Comparison.resembles(gotTensor, variantTensor)
        }
    }

    /// The test case this judge decides.
    func testCase(spec: TestSpec, summary: String) -> TestCase {
        TestCase(spec: spec, summary: summary, calls: calls, explains: { explains($0, $1) }, judge: { judge($0) })
    }
}

extension WorkerReply {
    func tensor(_ index: Int) -> Tensor? { index < tensors.count ? tensors[index] : nil }
    func number(_ index: Int) -> Double? { index < numbers.count ? numbers[index] : nil }
}
