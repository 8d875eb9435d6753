import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Tests for `rmspropStep`: trajectories of several steps (parameters and cache after each), so a cache that is
/// not stored, or that sums instead of averaging, shows from step 2; gradients near 1e-8, where ε's placement
/// changes the step completely; and a resumed non-zero cache.
public struct RMSPropGrader: ExerciseGrader, TypedTests {
    public let id = "rmsprop"
    public let fileName = "RMSProp.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case fiveSteps = "five-steps", tinyGradients = "tiny-gradients", resume
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        let test = test(spec)
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let (shape, steps, scale, decay): ([Int], Int, Double, Double) = switch test {
        case .fiveSteps: ([3, 4], 5, 1, 0.9)
        case .tinyGradients: ([2, 3], 5, 1e-8, 0.9)
        case .resume: ([2, 2], 4, 1, 0.99)
        }
        let parameters = Tensor.randomNormal(shape: shape, using: &g)
        // Gradients of mixed sign and size within the test's scale (a factor of 10 either way).
        let gradients = (0..<steps).map { _ in Tensor(shape: shape) { _ in scale * g.nextNormal() * pow(10, 2 * g.nextUniform() - 1) } }
        let cache = test == .resume ? Tensor(shape: shape) { _ in 0.05 + g.nextUniform() } : Tensor(zeros: shape)
        let learningRate = 1e-2, epsilon = 1e-8
        let call = WorkerCalls.rmspropSteps(parameters: parameters, cache: cache, gradients: gradients,
                                            learningRate: learningRate, decay: decay, epsilon: epsilon)
        let judge = DeterministicJudge(calls: [call], tolerance: spec.tolerance, variants: variants) { _, replies in
            (0..<steps).flatMap { k in
                [NamedOutput(group: "parameters", label: "parameters after step \(k + 1)", tensor: replies[0].tensor(2 * k)),
                 NamedOutput(group: "cache", label: "cache after step \(k + 1)", tensor: replies[0].tensor(2 * k + 1))]
            }
        }
        let note = switch test {
        case .fiveSteps: "from a zero cache"
        case .tinyGradients: "gradients around 1e-8, where ε = 1e-8 is comparable to √h"
        case .resume: "resuming a non-zero cache"
        }
        return judge.testCase(spec: spec, summary: "\(steps) RMSProp steps on parameters \(Tensor.describe(shape: shape)) (\(note)); lr = \(DisplayFormat.value(learningRate)), decay = \(DisplayFormat.value(decay)), ε = \(DisplayFormat.value(epsilon)).")
    }
}
