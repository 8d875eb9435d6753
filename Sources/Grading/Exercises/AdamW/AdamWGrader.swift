import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Tests for `adamWStep`: trajectories in the `adam` exercise's layout (parameters, m, v and t after every step),
/// with weight decays large enough (lr·λ up to 0.05) that decoupled decay, L2-in-the-gradient, decay without lr
/// and decay after the Adam update all land far apart; gradients spread over six orders of magnitude, where the
/// adaptive denominator rescales an L2 term most; and zero gradients, where only decoupled decay moves θ.
public struct AdamWGrader: ExerciseGrader, TypedTests {
    public let id = "adamw"
    public let fileName = "AdamW.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case firstStep = "first-step", tenSteps = "ten-steps", strongDecay = "strong-decay",
             resumeFromState = "resume-from-state", zeroGradients = "zero-gradients",
             otherHyperparameters = "other-hyperparameters"
    }

    struct Setup {
        var shape: [Int]
        var steps: Int
        var learningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0.1
        var decades = 2.0          // gradients spread over this many powers of ten around 1
        var zeroFraction = 0.0     // this fraction of gradient entries is exactly 0
        var resume = false
        var note: String
    }

    static func setup(_ test: Test) -> Setup {
        switch test {
        case .firstStep: return Setup(shape: [3, 4], steps: 1, note: "one step from a fresh state")
        case .tenSteps: return Setup(shape: [5], steps: 10, note: "ten steps from a fresh state")
        case .strongDecay:
            return Setup(shape: [2, 3], steps: 5, learningRate: 0.1, weightDecay: 0.5, decades: 6,
                         note: "strong decay, gradients from 1e-3 to 1e3")
        case .resumeFromState:
            return Setup(shape: [2, 2], steps: 4, weightDecay: 0.05, resume: true, note: "resuming a state with t = 5 and non-zero moments")
        case .zeroGradients:
            return Setup(shape: [8], steps: 5, learningRate: 0.05, weightDecay: 0.2, zeroFraction: 0.5,
                         note: "about half the gradient entries exactly 0")
        case .otherHyperparameters:
            return Setup(shape: [3, 2], steps: 6, learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 1e-4, weightDecay: 0.3,
                         note: "other hyperparameters")
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let s = Self.setup(test(spec))
        let parameters = Tensor.randomNormal(shape: s.shape, using: &g)
        let gradients = (0..<s.steps).map { _ in
            Tensor(shape: s.shape) { _ in
                let value = g.nextNormal() * pow(10, s.decades * (g.nextUniform() - 0.5))
                return g.nextUniform() < s.zeroFraction ? 0 : value
            }
        }
        var state = AdamState(like: parameters)
        if s.resume {
            state.t = 5
            state.m = Tensor.randomNormal(shape: s.shape, standardDeviation: 0.3, using: &g)
            state.v = Tensor(shape: s.shape) { _ in 0.05 + g.nextUniform() }
        }
        let call = WorkerCalls.adamWSteps(parameters: parameters, state: state, gradients: gradients, learningRate: s.learningRate,
                                          beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, weightDecay: s.weightDecay)
        let judge = DeterministicJudge(calls: [call], tolerance: spec.tolerance, variants: variants,
                                       outputs: AdamGrader.trajectoryOutputs(steps: s.steps))
        let hyperparameters = [("lr", s.learningRate), ("λ", s.weightDecay), ("β1", s.beta1), ("β2", s.beta2), ("ε", s.epsilon)]
            .map { "\($0.0) = \(DisplayFormat.value($0.1))" }.joined(separator: ", ")
        let summary = "\(DisplayFormat.count(s.steps, "AdamW step")) on parameters \(Tensor.describe(shape: s.shape)) (\(s.note)); \(hyperparameters)."
        return judge.testCase(spec: spec, summary: summary)
    }
}
