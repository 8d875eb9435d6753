import GradingCore
import TensorKit
import WorkerKit

/// Judges a deterministic test: every output is compared elementwise with the reference's output on the same input;
/// outputs are grouped into sub-checks and the test earns the fraction of sub-checks that pass (partial credit).
/// A failure is compared against each known wrong variant; a variant that reproduces every wrong output (and is
/// itself wrong there) is named as the likely misconception. The judging itself is `OutputJudging`'s, shared with the
/// student kit's recorded tests (`recorded()` turns this judge into one).
struct DeterministicJudge: Sendable {
    var calls: [WorkerCall]
    var expectedReplies: [WorkerReply]
    var tolerance: Tolerance
    var variants: [WrongVariant]
    /// Reads the named outputs out of one set of replies; must list the same labels whatever the replies hold, and
    /// only pick values out of the replies (a tensor; a number or integer as a scalar tensor; or all of a reply's
    /// numbers as one vector), so that it can be recorded.
    var outputs: @Sendable (_ calls: [WorkerCall], _ replies: [WorkerReply]) -> [NamedOutput]
    /// Per-label magnitude of the terms behind each expected element (see `Comparison`), if any.
    var magnitudes: [String: Tensor] = [:]
    /// Gradients checked against the student's own function (no expected values needed).
    var directionalChecks: [DirectionalDerivativeCheck] = []
    /// Gradients checked against the student's own forward pass (no expected values needed).
    var gradientChecks: [DirectionalGradientCheck] = []

    init(calls: [WorkerCall], tolerance: Tolerance, variants: [WrongVariant],
         outputs: @escaping @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput]) {
        self.calls = calls
        self.expectedReplies = calls.map { simulate($0, using: .reference) }
        self.tolerance = tolerance
        self.variants = variants
        self.outputs = outputs
    }

    private func padded(_ rawReplies: [WorkerReply]) -> [WorkerReply] {
        calls.indices.map { $0 < rawReplies.count ? rawReplies[$0] : WorkerReply() }
    }

    /// The outputs `variants` would have given on this test (simulated only when needed: on a failure).
    private func outputs(of variants: [WrongVariant]) -> [VariantOutputs] {
        variants.map { variant in
            VariantOutputs(misconception: variant.misconception,
                           outputs: outputs(calls, calls.map { simulate($0, using: variant.implementation) }))
        }
    }

    func judge(_ rawReplies: [WorkerReply]) -> Judgement {
        let replies = padded(rawReplies)
        return OutputJudging.judge(got: outputs(calls, replies), expected: outputs(calls, expectedReplies),
                                   extra: directionalChecks.map { $0.evaluate(replies) } + gradientChecks.map { $0.judge(replies) },
                                   tolerance: tolerance,
                                   magnitudes: magnitudes, variants: { outputs(of: variants) })
    }

    /// Whether a variant with misconception `id` would have replied as the student did on this test (nil: no such
    /// variant here).
    func explains(_ id: String, _ rawReplies: [WorkerReply]) -> Bool? {
        OutputJudging.explains(id, got: outputs(calls, padded(rawReplies)),
                               variants: outputs(of: variants.filter { $0.misconception.id == id }))
    }

    /// The test case this judge decides.
    func testCase(spec: TestSpec, summary: String) -> TestCase {
        var test = TestCase(spec: spec, summary: summary, calls: calls, explains: { explains($0, $1) }, judge: { judge($0) })
        test.record = { .outputs(try recorded()) }
        return test
    }

    enum RecordingError: Error, CustomStringConvertible {
        case unlocatable(label: String)
        case notASelection(label: String)
        var description: String {
            switch self {
            case let .unlocatable(label):
                return "the output '\(label)' could not be located in the replies (the outputs closure must pick a tensor, number or integer of a reply)"
            case let .notASelection(label):
                return "reading the outputs by their place in the replies does not give what the outputs closure gives (first at '\(label)'); the closure must only pick values out of the replies"
            }
        }
    }

    /// This judge as data (`OutputJudge`): the expected outputs, every wrong variant's outputs, and where each output
    /// sits in the replies. Where it sits is found by running `outputs` on replies of the expected layout whose every
    /// slot holds its own code number, and then checked: on the reference's and every variant's replies, reading by
    /// place must give exactly what `outputs` gives.
    func recorded() throws -> OutputJudge {
        func code(_ kind: Int, _ reply: Int, _ index: Int) -> Double { Double(kind * 10_000_000_000 + reply * 100_000 + index) }
        let probe = expectedReplies.enumerated().map { r, reply in
            WorkerReply(tensors: reply.tensors.enumerated().map { i, t in
                            Tensor(shape: t.shape, scalars: Array(repeating: code(1, r, i) + 0.5, count: t.scalars.count)) },
                        numbers: reply.numbers.indices.map { code(2, r, $0) + 0.5 },
                        integers: reply.integers.indices.map { Int(code(3, r, $0)) })
        }
        let locators: [OutputLocator] = try outputs(calls, probe).map { output in
            guard let value = output.tensor?.scalars.first, value >= 1e10 else { throw RecordingError.unlocatable(label: output.label) }
            let whole = Int(value.rounded(.down))
            let kind = whole / 10_000_000_000, reply = whole % 10_000_000_000 / 100_000, index = whole % 100_000
            let slot: OutputLocator.Slot
            let scalars = output.tensor?.scalars ?? []
            let isNumberSequence = output.tensor?.shape == [scalars.count] && index == 0
                && scalars.indices.allSatisfy { scalars[$0] == code(2, reply, $0) + 0.5 }
            switch (kind, value != value.rounded(.down)) {
            case (1, true): slot = .tensor
            case (2, true) where isNumberSequence: slot = .numbers
            case (2, true): slot = .number
            case (3, false): slot = .integer
            default: throw RecordingError.unlocatable(label: output.label)
            }
            return OutputLocator(group: output.group, label: output.label, reply: reply, slot: slot, index: index)
        }
        let encoder = ReportIO.encoder()
        for replies in [expectedReplies] + variants.map({ variant in calls.map { simulate($0, using: variant.implementation) } }) {
            let byPlace = locators.map { $0.read(replies) }, byClosure = outputs(calls, padded(replies))
            for (a, b) in zip(byPlace, byClosure) where (try? encoder.encode(a)) != (try? encoder.encode(b)) {
                throw RecordingError.notASelection(label: b.label)
            }
            if byPlace.count != byClosure.count { throw RecordingError.notASelection(label: byClosure.last?.label ?? "") }
        }
        return OutputJudge(locators: locators, expected: outputs(calls, expectedReplies), variants: outputs(of: variants),
                           tolerance: tolerance, magnitudes: magnitudes, directionalChecks: directionalChecks,
                           gradientChecks: gradientChecks)
    }
}
