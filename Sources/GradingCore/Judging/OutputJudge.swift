import Foundation
import TensorKit
import WorkerKit

/// One output of a test, read out of the replies: `group` is the sub-check it counts toward ("probabilities",
/// "loss", "parameters"), `label` names it in messages ("parameters after step 3").
public struct NamedOutput: Codable, Sendable, Equatable {
    public var group: String
    public var label: String
    public var tensor: Tensor?
    public init(group: String, label: String, tensor: Tensor?) {
        self.group = group
        self.label = label
        self.tensor = tensor
    }
}

/// An extra sub-check computed from the student's replies alone (e.g. a gradient checked against the student's
/// own loss by finite differences).
public struct SubCheckResult: Sendable {
    public var name: String
    public var passed: Bool
    public var message: String
    public init(name: String, passed: Bool, message: String) {
        self.name = name
        self.passed = passed
        self.message = message
    }
}

/// Where one named output sits in a test's replies: reply `reply`, its tensor, number or integer at `index` (a number
/// or an integer is read as a scalar tensor). What a recorded test needs to read a student's replies without the
/// exercise's code.
public struct OutputLocator: Codable, Sendable, Equatable {
    /// `numbers`: every number of the reply as one vector (absent when the reply has none), for a function called
    /// once per step whose replies are read as a sequence.
    public enum Slot: String, Codable, Sendable { case tensor, number, integer, numbers }
    public var group: String
    public var label: String
    public var reply: Int
    public var slot: Slot
    public var index: Int

    public init(group: String, label: String, reply: Int, slot: Slot, index: Int) {
        self.group = group
        self.label = label
        self.reply = reply
        self.slot = slot
        self.index = index
    }

    public func read(_ replies: [WorkerReply]) -> NamedOutput {
        let reply = self.reply < replies.count ? replies[self.reply] : WorkerReply()
        let tensor: Tensor?
        switch slot {
        case .tensor: tensor = index < reply.tensors.count ? reply.tensors[index] : nil
        case .number: tensor = index < reply.numbers.count ? Tensor(scalar: reply.numbers[index]) : nil
        case .integer: tensor = index < reply.integers.count ? Tensor(scalar: Double(reply.integers[index])) : nil
        case .numbers: tensor = reply.numbers.isEmpty ? nil : Tensor(shape: [reply.numbers.count], scalars: reply.numbers)
        }
        return NamedOutput(group: group, label: label, tensor: tensor)
    }
}

/// A gradient checked against the student's own function by a central difference along a direction u:
/// ⟨gradient, u⟩ against (f(x + hu) − f(x − hu)) / 2h, both read from the replies. It needs no expected values.
public struct DirectionalDerivativeCheck: Codable, Sendable, Equatable {
    public var name: String
    /// The gradient: tensor `gradientTensor` of reply `gradientReply`.
    public var gradientReply: Int
    public var gradientTensor: Int
    /// f(x + hu) and f(x − hu): number `valueNumber` of replies `plusReply` and `minusReply`.
    public var plusReply: Int
    public var minusReply: Int
    public var valueNumber: Int
    public var direction: Tensor
    public var step: Double
    /// The check passes when |analytic − numerical| ≤ atol + rtol·|numerical|.
    public var tolerance: Tolerance
    /// What is being checked against what, for the failure sentence ("your own loss").
    public var against: String

    public init(name: String, gradientReply: Int, gradientTensor: Int, plusReply: Int, minusReply: Int, valueNumber: Int,
                direction: Tensor, step: Double, tolerance: Tolerance, against: String) {
        self.name = name
        self.gradientReply = gradientReply
        self.gradientTensor = gradientTensor
        self.plusReply = plusReply
        self.minusReply = minusReply
        self.valueNumber = valueNumber
        self.direction = direction
        self.step = step
        self.tolerance = tolerance
        self.against = against
    }

    public func evaluate(_ replies: [WorkerReply]) -> SubCheckResult {
        func reply(_ i: Int) -> WorkerReply { i < replies.count ? replies[i] : WorkerReply() }
        let gradient = reply(gradientReply).tensors.indices.contains(gradientTensor) ? reply(gradientReply).tensors[gradientTensor] : nil
        let plus = reply(plusReply).numbers.indices.contains(valueNumber) ? reply(plusReply).numbers[valueNumber] : nil
        let minus = reply(minusReply).numbers.indices.contains(valueNumber) ? reply(minusReply).numbers[valueNumber] : nil
        guard let gradient, gradient.shape == direction.shape, gradient.scalars.count == direction.count,
              let plus, let minus else {
            return SubCheckResult(name: name, passed: false, message: "The gradient could not be checked against \(against) because the reply lacked the value or a gradient of the input's shape.")
        }
        let analytic = zip(gradient.scalars, direction.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        let numerical = (plus - minus) / (2 * step)
        let passed = analytic.isFinite && numerical.isFinite
            && abs(analytic - numerical) <= tolerance.atol + tolerance.rtol * abs(numerical)
        return SubCheckResult(name: name, passed: passed, message: passed ? "" :
            "Your gradient disagrees with \(against): along a random ±1 direction u, ⟨gradient, u⟩ = \(DisplayFormat.significant(analytic, digits: 6)) but the central difference (L(x + hu) − L(x − hu))/2h with h = \(DisplayFormat.value(step)) is \(DisplayFormat.significant(numerical, digits: 6)).")
    }
}

/// A known wrong variant's outputs on one test, for naming the misconception without the variant's code.
public struct VariantOutputs: Codable, Sendable, Equatable {
    public var misconception: Misconception
    public var outputs: [NamedOutput]
    public init(misconception: Misconception, outputs: [NamedOutput]) {
        self.misconception = misconception
        self.outputs = outputs
    }
}

/// Judges a deterministic test from its outputs: every output is compared elementwise with the expected one;
/// outputs are grouped into sub-checks and the test earns the fraction of sub-checks that pass (partial credit).
/// A failure is compared against each known wrong variant's outputs; a variant that reproduces every output (and is
/// itself wrong there) is named as the likely misconception.
///
/// The instructor's `DeterministicJudge` computes the expected and variant outputs from the reference and the
/// variants' code and judges through these functions; a recorded test (`OutputJudge`) carries them as data. Both
/// therefore give the same verdict on the same replies.
public enum OutputJudging {
    public static func judge(got: [NamedOutput], expected: [NamedOutput], extra: [SubCheckResult], tolerance: Tolerance,
                             magnitudes: [String: Tensor], variants: () -> [VariantOutputs]) -> Judgement {
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
        let misconception = diagnose(got: got, expected: expected, wrongLabels: wrongLabels, tolerance: tolerance,
                                     magnitudes: magnitudes, variants: variants())
        return Judgement(fraction: Double(passedCount) / Double(Swift.max(total, 1)), message: message, worst: worst,
                         misconception: misconception, tolerance: tolerance)
    }

    /// The variant the student's outputs point to: the one known variant that reproduces every output of this test,
    /// the ones the student got wrong and the ones they got right, and is itself wrong on at least one of the wrong
    /// ones. None when no variant fits (a bug nobody listed: the numbers explain it without a name), or when variants
    /// of different misconceptions fit (this input cannot tell them apart, so a name would be a guess).
    static func diagnose(got: [NamedOutput], expected: [NamedOutput], wrongLabels: Set<String>, tolerance: Tolerance,
                         magnitudes: [String: Tensor], variants: [VariantOutputs]) -> Misconception? {
        guard !wrongLabels.isEmpty else { return nil }
        let fitting = variants.filter { variant in
            guard reproduces(got, variant.outputs) else { return false }
            return zip(variant.outputs, expected).contains { v, e in
                guard wrongLabels.contains(e.label), let variantTensor = v.tensor, let expectedTensor = e.tensor else { return false }
                return !Comparison.compare(variantTensor, expected: expectedTensor, name: "", tolerance: tolerance,
                                           magnitude: magnitudes[e.label]).passed
            }
        }
        return Set(fitting.map(\.misconception.id)).count == 1 ? fitting[0].misconception : nil
    }

    /// Whether a variant with misconception `id` would have replied as the student did (nil: no such variant here).
    /// A misconception may have several variants, one per common way of writing the same mistake.
    public static func explains(_ id: String, got: [NamedOutput], variants: [VariantOutputs]) -> Bool? {
        let candidates = variants.filter { $0.misconception.id == id }
        guard !candidates.isEmpty else { return nil }
        return candidates.contains { reproduces(got, $0.outputs) }
    }

    /// Whether every output in `got` resembles the one in `predicted` (both present, same shape, close).
    static func reproduces(_ got: [NamedOutput], _ predicted: [NamedOutput]) -> Bool {
        got.count == predicted.count && zip(got, predicted).allSatisfy { g, v in
            guard let gotTensor = g.tensor, let variantTensor = v.tensor else { return g.tensor == nil && v.tensor == nil }
            return Comparison.resembles(gotTensor, variantTensor)
        }
    }
}

/// A deterministic test as recorded data: where its outputs sit in the replies, their expected values, the known
/// wrong variants' outputs, the tolerance and the checks made on the student's replies alone. It holds no code of the
/// exercise, only numbers, and judges exactly as the instructor's `DeterministicJudge` did when it was recorded.
public struct OutputJudge: Codable, Sendable, Equatable {
    public var locators: [OutputLocator]
    public var expected: [NamedOutput]
    public var variants: [VariantOutputs]
    public var tolerance: Tolerance
    public var magnitudes: [String: Tensor]
    public var directionalChecks: [DirectionalDerivativeCheck]
    /// Gradients checked against the student's own forward pass (`DirectionalGradientCheck`).
    public var gradientChecks: [DirectionalGradientCheck]

    public init(locators: [OutputLocator], expected: [NamedOutput], variants: [VariantOutputs], tolerance: Tolerance,
                magnitudes: [String: Tensor], directionalChecks: [DirectionalDerivativeCheck],
                gradientChecks: [DirectionalGradientCheck] = []) {
        self.locators = locators
        self.expected = expected
        self.variants = variants
        self.tolerance = tolerance
        self.magnitudes = magnitudes
        self.directionalChecks = directionalChecks
        self.gradientChecks = gradientChecks
    }

    public func judge(_ replies: [WorkerReply]) -> Judgement {
        OutputJudging.judge(got: locators.map { $0.read(replies) }, expected: expected,
                            extra: directionalChecks.map { $0.evaluate(replies) } + gradientChecks.map { $0.judge(replies) },
                            tolerance: tolerance,
                            magnitudes: magnitudes, variants: { variants })
    }

    public func explains(_ id: String, _ replies: [WorkerReply]) -> Bool? {
        OutputJudging.explains(id, got: locators.map { $0.read(replies) }, variants: variants)
    }
}

extension WorkerReply {
    /// Tensor `index` of the reply, if there is one.
    public func tensor(_ index: Int) -> Tensor? { index < tensors.count ? tensors[index] : nil }
    /// Number `index` of the reply, if there is one.
    public func number(_ index: Int) -> Double? { index < numbers.count ? numbers[index] : nil }
}
