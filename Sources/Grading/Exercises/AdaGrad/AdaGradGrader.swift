import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Tests for `adagradStep`: trajectories (parameters and cache after each step), so a cache that is not stored or
/// is updated after the step shows at once; gradients near ε = 1e-10, where ε's placement and the square root
/// decide the step; a resumed non-zero cache; and a long run where the steps must keep shrinking.
public struct AdaGradGrader: ExerciseGrader, TypedTests {
    public let id = "adagrad"
    public let fileName = "AdaGrad.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case fiveSteps = "five-steps", tinyGradients = "tiny-gradients", resume, manySteps = "many-steps"
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        let test = test(spec)
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let (shape, steps, scale, note): ([Int], Int, Double, String) = switch test {
        case .fiveSteps: ([3, 4], 5, 1, "from a zero cache")
        case .tinyGradients: ([2, 3], 5, 1e-10, "gradients around 1e-10, where ε = 1e-10 is comparable to √h")
        case .resume: ([2, 2], 4, 1, "resuming a non-zero cache")
        case .manySteps: ([5], 60, 0.5, "60 steps, over which the step sizes shrink")
        }
        let parameters = Tensor.randomNormal(shape: shape, using: &g)
        // Gradients of mixed sign and size within the test's scale (a factor of 10 either way).
        let gradients = (0..<steps).map { _ in Tensor(shape: shape) { _ in scale * g.nextNormal() * pow(10, 2 * g.nextUniform() - 1) } }
        let cache = test == .resume ? Tensor(shape: shape) { _ in 0.5 + 3 * g.nextUniform() } : Tensor(zeros: shape)
        let learningRate = 0.1, epsilon = 1e-10
        let call = WorkerCalls.adagradSteps(parameters: parameters, cache: cache, gradients: gradients,
                                            learningRate: learningRate, epsilon: epsilon)
        let judge = DeterministicJudge(calls: [call], tolerance: spec.tolerance, variants: variants) { _, replies in
            (0..<steps).flatMap { k in
                [NamedOutput(group: "parameters", label: "parameters after step \(k + 1)", tensor: replies[0].tensor(2 * k)),
                 NamedOutput(group: "cache", label: "cache after step \(k + 1)", tensor: replies[0].tensor(2 * k + 1))]
            }
        }
        return judge.testCase(spec: spec, summary: "\(steps) AdaGrad steps on parameters \(Tensor.describe(shape: shape)) (\(note)); lr = \(DisplayFormat.value(learningRate)), ε = \(DisplayFormat.value(epsilon)).")
    }
}
