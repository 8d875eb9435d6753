import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Tests for `batchNormForward` and `batchNormBackward`.
///
/// The inputs are built to separate right from each known mistake: small batches (m = 4 to 8, so m and m − 1 differ
/// by 12–25 %), one feature whose values vary by about 3e-3 (σ² ≈ ε, where ε's placement changes the output by
/// percent), features with offsets and scales far from 0 and 1, several training steps before an evaluation pass
/// (the running averages' momentum and unbiasing, and whether evaluation uses them), [N, C, H, W] inputs (per-channel
/// statistics), and random upstream gradients (so the mean's and the variance's terms in ∂L/∂x do not vanish).
/// Every backward test also checks the student's gradients against their own training-mode forward pass by a
/// central difference along a random direction of (input, γ, β) (`DirectionalGradientCheck`).
public struct BatchNormGrader: ExerciseGrader, TypedTests {
    public let id = "batchnorm"
    public let fileName = "BatchNorm.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case trainingForward = "training-forward", runningStatistics = "running-statistics", evaluation,
             backward, convFeatures = "conv-features", convBackward = "conv-backward", smallBatch = "small-batch",
             otherHyperparameters = "other-hyperparameters"
    }

    /// One test's plan: forward passes (training flags) on inputs of `shape`, and/or one backward pass.
    struct Plan {
        var shape: [Int]
        var forward: [Bool] = []
        var backward = false
        var momentum = 0.1, epsilon = 1e-5
        /// Start from random running statistics instead of PyTorch's (0, 1).
        var randomRunning = false
        /// Give feature 0 a spread of about 3e-3 (σ² ≈ ε). Never in a backward test: the finite difference would
        /// need a far smaller step there.
        var tinyFeature = false
        var note: String
    }

    static func plan(_ test: Test) -> Plan {
        switch test {
        case .trainingForward:
            return Plan(shape: [8, 5], forward: [true], tinyFeature: true, note: "one training-mode forward pass on a batch [8, 5] whose feature 0 varies by only about 3e-3")
        case .runningStatistics:
            return Plan(shape: [6, 4], forward: [true, true, true, true, false], tinyFeature: true, note: "four training batches [6, 4] from running statistics (0, 1), then one evaluation batch")
        case .evaluation:
            return Plan(shape: [5, 3], forward: [false, false], randomRunning: true, note: "two evaluation-mode passes on batches [5, 3] with running statistics far from (0, 1)")
        case .backward:
            return Plan(shape: [8, 5], backward: true, note: "the backward pass of a training-mode forward on a batch [8, 5] with a random upstream gradient")
        case .convFeatures:
            return Plan(shape: [4, 3, 5, 6], forward: [true, true, false], randomRunning: true, tinyFeature: true, note: "two training batches [4, 3, 5, 6] (per-channel statistics over N·H·W = 120 values), then one evaluation batch")
        case .convBackward:
            return Plan(shape: [3, 2, 4, 5], backward: true, note: "the backward pass on an input [3, 2, 4, 5] (per-channel statistics over N·H·W = 60 values)")
        case .smallBatch:
            return Plan(shape: [4, 6], forward: [true, true, false], backward: true, tinyFeature: false, note: "a batch of 4 (where m − 1 = 3 and m = 4 differ by a third): two training passes, one evaluation pass, and the backward pass")
        case .otherHyperparameters:
            return Plan(shape: [7, 3], forward: [true, true, true, false], momentum: 0.3, epsilon: 1e-3, randomRunning: true, note: "momentum 0.3 and ε = 1e-3: three training batches [7, 3] and one evaluation batch")
        }
    }

    /// A batch whose feature f has its own offset and scale (offsets up to ±3, scales 0.5 to 3; when `tinyFeature`,
    /// feature 0 has scale 3e-3 and an offset of at most ±3 of those). The offsets stay within a few spreads, so a
    /// one-pass variance E[x²] − μ² (correct, and common) loses no more than a digit to cancellation.
    static func batch(_ shape: [Int], tinyFeature: Bool, using g: inout SeededGenerator) -> Tensor {
        let features = shape[1]
        let offsets = (0..<features).map { f in (6 * g.nextUniform() - 3) * (tinyFeature && f == 0 ? 3e-3 : 1) }
        let scales = (0..<features).map { f in tinyFeature && f == 0 ? 3e-3 : 0.5 + 2.5 * g.nextUniform() }
        let inner = shape.dropFirst(2).reduce(1, *)
        return Tensor(shape: shape) { index in
            let f = (index / inner) % features
            return offsets[f] + scales[f] * g.nextNormal()
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let plan = Self.plan(test(spec))
        let features = plan.shape[1]
        let gamma = Tensor(shape: [features]) { _ in (g.nextUniform() < 0.5 ? -1 : 1) * (0.5 + 1.5 * g.nextUniform()) }
        let beta = Tensor(shape: [features]) { _ in 4 * g.nextUniform() - 2 }
        var runningMean = Tensor(zeros: [features]), runningVariance = Tensor(ones: [features])
        if plan.randomRunning {
            runningMean = Tensor(shape: [features]) { _ in 4 * g.nextUniform() - 2 }
            runningVariance = Tensor(shape: [features]) { _ in 0.2 + 3 * g.nextUniform() }
        }
        var calls: [WorkerCall] = []
        let forwardCount = plan.forward.count
        if forwardCount > 0 {
            let inputs = plan.forward.map { (Self.batch(plan.shape, tinyFeature: plan.tinyFeature, using: &g), $0) }
            calls.append(WorkerCalls.batchNormForward(inputs: inputs, gamma: gamma, beta: beta, runningMean: runningMean,
                                                      runningVariance: runningVariance, momentum: plan.momentum, epsilon: plan.epsilon))
        }
        var gradientCheck: DirectionalGradientCheck?
        if plan.backward {
            let input = Self.batch(plan.shape, tinyFeature: false, using: &g)
            let upstream = Tensor.randomNormal(shape: plan.shape, using: &g)
            let backwardIndex = calls.count
            calls.append(WorkerCalls.batchNormBackward(gradOutput: upstream, input: input, gamma: gamma, epsilon: plan.epsilon))
            // With h = 1e-5, features that vary by 0.5 to 3 and |γ| ≤ 2, the truncation error h²·L‴/6 stays below
            // 1e-7 and the rounding error ε·Σ|upstream·y|/h below 1e-9: 1e-6 + 1e-4·|numerical| leaves a wide margin
            // for correct code, while leaving out the mean's or the variance's term changes ⟨∂L/∂x, u⟩ by order one.
            let check = DirectionalGradientCheck(
                step: 1e-5, upstream: upstream, directions: DirectionalGradientCheck.directions(like: [input, gamma, beta], using: &g),
                gradients: [(backwardIndex, 0), (backwardIndex, 1), (backwardIndex, 2)], plusCall: calls.count, minusCall: calls.count + 1,
                absolute: 1e-6, relative: 1e-4, arguments: "(input, γ, β)")
            for sign in [1.0, -1.0] {
                let moved = check.perturbed([input, gamma, beta], sign: sign)
                calls.append(WorkerCalls.batchNormForward(inputs: [(moved[0], true)], gamma: moved[1], beta: moved[2],
                                                          runningMean: Tensor(zeros: gamma.shape), runningVariance: Tensor(ones: gamma.shape),
                                                          momentum: plan.momentum, epsilon: plan.epsilon))
            }
            gradientCheck = check
        }
        let flags = plan.forward
        let hasBackward = plan.backward
        let outputs: @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput] = { _, replies in
            var result: [NamedOutput] = []
            if !flags.isEmpty {
                for (k, training) in flags.enumerated() {
                    let pass = flags.count == 1 ? "" : " of pass \(k + 1) (\(training ? "training" : "evaluation"))"
                    result.append(NamedOutput(group: training ? "training output" : "evaluation output",
                                              label: "output" + pass, tensor: replies[0].tensor(3 * k)))
                    result.append(NamedOutput(group: "running statistics", label: "runningMean after pass \(k + 1)", tensor: replies[0].tensor(3 * k + 1)))
                    result.append(NamedOutput(group: "running statistics", label: "runningVariance after pass \(k + 1)", tensor: replies[0].tensor(3 * k + 2)))
                }
            }
            if hasBackward {
                let reply = replies[flags.isEmpty ? 0 : 1]
                result.append(NamedOutput(group: "input gradient", label: "∂L/∂input", tensor: reply.tensor(0)))
                result.append(NamedOutput(group: "gamma and beta gradients", label: "∂L/∂gamma", tensor: reply.tensor(1)))
                result.append(NamedOutput(group: "gamma and beta gradients", label: "∂L/∂beta", tensor: reply.tensor(2)))
            }
            return result
        }
        var judge = DeterministicJudge(calls: calls, tolerance: spec.tolerance, variants: variants, outputs: outputs)
        if let gradientCheck { judge.gradientChecks = [gradientCheck] }
        let frozen = judge
        let summary = "Batch norm: \(plan.note); γ and β far from 1 and 0, momentum \(plan.momentum), ε = \(plan.epsilon)."
        return frozen.testCase(spec: spec, summary: summary)
    }
}
