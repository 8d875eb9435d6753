import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Tests for `adamStep`: whole trajectories of K steps (parameters, m, v and t after every step), so a mistake that
/// only shows on the second step (moments not stored) or at step 1 (the counter's order) is caught, and
/// gradients from 1e-8 to 1e6 in scale, where ε's placement and bias correction change the answer.
public struct AdamGrader: ExerciseGrader, TypedTests {
    public let id = "adam"
    public let fileName = "Adam.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these (a test name it lacks is a manifest error, never a
    /// silent stand-in for another test).
    public enum Test: String, CaseIterable, Sendable {
        case firstStep = "first-step", tenSteps = "ten-steps", tinyGradients = "tiny-gradients",
             hugeGradients = "huge-gradients", resumeFromState = "resume-from-state", manySteps = "many-steps",
             otherHyperparameters = "other-hyperparameters"
    }


    struct Setup {
        var shape: [Int]
        var steps: Int
        var gradientScale: Double
        var learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
        var resume = false
        var note: String
    }

    static func setup(_ test: Test) -> Setup {
        switch test {
        case .firstStep: return Setup(shape: [3, 4], steps: 1, gradientScale: 1, note: "one step from a fresh state")
        case .tenSteps: return Setup(shape: [5], steps: 10, gradientScale: 1, note: "ten steps from a fresh state")
        case .tinyGradients: return Setup(shape: [2, 3], steps: 5, gradientScale: 1e-8, note: "gradients around 1e-8, where ε = 1e-8 is comparable to √v̂")
        case .hugeGradients: return Setup(shape: [4], steps: 5, gradientScale: 1e6, note: "gradients around 1e6")
        case .resumeFromState: return Setup(shape: [2, 2], steps: 4, gradientScale: 1, resume: true, note: "four steps resuming a state with t = 7 and non-zero moments")
        case .manySteps: return Setup(shape: [2, 3], steps: 200, gradientScale: 0.1, learningRate: 1e-2, note: "200 steps with lr = 0.01")
        case .otherHyperparameters: return Setup(shape: [3, 2], steps: 6, gradientScale: 2, learningRate: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-4, note: "lr = 0.1, β1 = 0.5, β2 = 0.9, ε = 1e-4")
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let s = Self.setup(test(spec))
        let parameters = Tensor.randomNormal(shape: s.shape, using: &g)
        // Gradients of mixed sign and size within the test's scale (a factor of 10 either way).
        let gradients = (0..<s.steps).map { _ in
            Tensor(shape: s.shape) { _ in s.gradientScale * g.nextNormal() * pow(10, 2 * g.nextUniform() - 1) }
        }
        var state = AdamState(like: parameters)
        if s.resume {
            state.t = 7
            state.m = Tensor.randomNormal(shape: s.shape, standardDeviation: 0.3, using: &g)
            state.v = Tensor(shape: s.shape) { _ in 0.05 + g.nextUniform() }
        }
        let call = WorkerCalls.adamSteps(parameters: parameters, state: state, gradients: gradients, learningRate: s.learningRate,
                                         beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon)
        let outputs = Self.trajectoryOutputs(steps: s.steps)
        let judge = DeterministicJudge(calls: [call], tolerance: spec.tolerance, variants: AdamMisconceptions.variants, outputs: outputs)
        let summary = "\(s.steps) Adam step\(s.steps == 1 ? "" : "s") on parameters \(Tensor.describe(shape: s.shape)) (\(s.note)); lr = \(s.learningRate), β1 = \(s.beta1), β2 = \(s.beta2), ε = \(s.epsilon)."
        return judge.testCase(spec: spec, summary: summary)
    }

    /// The outputs of a K-step trajectory in the `adamStep` reply layout (θ, m, v per step, t in the integers), in
    /// four groups; the `adamw` exercise replies in the same layout.
    static func trajectoryOutputs(steps: Int) -> @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput] {
        { _, replies in
            var result: [NamedOutput] = []
            for k in 0..<steps {
                let suffix = steps == 1 ? " after the step" : " after step \(k + 1)"
                result.append(NamedOutput(group: "parameters", label: "parameters" + suffix, tensor: replies[0].tensor(3 * k)))
                result.append(NamedOutput(group: "first moment m", label: "state.m" + suffix, tensor: replies[0].tensor(3 * k + 1)))
                result.append(NamedOutput(group: "second moment v", label: "state.v" + suffix, tensor: replies[0].tensor(3 * k + 2)))
                let t = k < replies[0].integers.count ? Tensor(scalar: Double(replies[0].integers[k])) : nil
                result.append(NamedOutput(group: "step counter t", label: "state.t" + suffix, tensor: t))
            }
            return result
        }
    }
}
