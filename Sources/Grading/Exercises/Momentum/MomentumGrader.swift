import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Tests for `sgdMomentumStep` and `nesterovMomentumStep`: whole trajectories (parameters and velocity after every
/// step), so a velocity that is not stored shows from step 2 on. The three ways the notes write the velocity move
/// the parameters identically while the learning rate is constant; the stored velocity tells them apart on every
/// test, and the tests with a changing learning rate (a schedule) tell them apart in the parameters too.
public struct MomentumGrader: ExerciseGrader, TypedTests {
    public let id = "momentum"
    public let fileName = "Momentum.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case classicalSteps = "classical-steps", nesterovSteps = "nesterov-steps",
             changingLearningRate = "changing-learning-rate", nesterovChangingLearningRate = "nesterov-changing-learning-rate",
             resume, heavyMomentum = "heavy-momentum"
    }

    struct Setup {
        var shape: [Int]
        var steps: Int
        var functions: [Bool]              // nesterov or not, one call each
        var learningRates: [Double]?       // nil: `learningRate` at every step
        var learningRate = 0.05
        var momentum = 0.9
        var resume = false
        var note: String
    }

    static func setup(_ test: Test) -> Setup {
        let schedule = [0.1, 0.1, 0.05, 0.2, 0.02, 0.08]
        switch test {
        case .classicalSteps: return Setup(shape: [3, 4], steps: 6, functions: [false], note: "classical momentum from a zero velocity")
        case .nesterovSteps: return Setup(shape: [3, 4], steps: 6, functions: [true], note: "Nesterov momentum from a zero velocity")
        case .changingLearningRate:
            return Setup(shape: [2, 5], steps: 6, functions: [false], learningRates: schedule,
                         note: "classical momentum with the learning rate changing between steps")
        case .nesterovChangingLearningRate:
            return Setup(shape: [5, 2], steps: 6, functions: [true], learningRates: schedule,
                         note: "Nesterov momentum with the learning rate changing between steps")
        case .resume:
            return Setup(shape: [2, 3], steps: 4, functions: [false, true], learningRate: 0.03, momentum: 0.5, resume: true,
                         note: "classical and Nesterov momentum resuming from a non-zero velocity")
        case .heavyMomentum:
            return Setup(shape: [7], steps: 20, functions: [false, true], learningRate: 0.01, momentum: 0.99,
                         note: "classical and Nesterov momentum with ρ = 0.99")
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let s = Self.setup(test(spec))
        let parameters = Tensor.randomNormal(shape: s.shape, using: &g)
        // Gradients of mixed sign and size (a factor of 10 either way around 1).
        let gradients = (0..<s.steps).map { _ in Tensor(shape: s.shape) { _ in g.nextNormal() * pow(10, 2 * g.nextUniform() - 1) } }
        let velocity = s.resume ? Tensor.randomNormal(shape: s.shape, standardDeviation: 2, using: &g) : Tensor(zeros: s.shape)
        let learningRates = s.learningRates ?? Array(repeating: s.learningRate, count: s.steps)
        let calls = s.functions.map { nesterov in
            WorkerCalls.momentumSteps(nesterov: nesterov, parameters: parameters, velocity: velocity, gradients: gradients,
                                      learningRates: learningRates, momentum: s.momentum)
        }
        let steps = s.steps, kinds = s.functions
        let outputs: @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput] = { _, replies in
            var result: [NamedOutput] = []
            for (c, nesterov) in kinds.enumerated() {
                let prefix = kinds.count == 1 ? "" : (nesterov ? "Nesterov " : "classical ")
                for k in 0..<steps {
                    result.append(NamedOutput(group: prefix + "parameters", label: prefix + "parameters after step \(k + 1)",
                                              tensor: replies[c].tensor(2 * k)))
                    result.append(NamedOutput(group: prefix + "velocity", label: prefix + "velocity after step \(k + 1)",
                                              tensor: replies[c].tensor(2 * k + 1)))
                }
            }
            return result
        }
        let judge = DeterministicJudge(calls: calls, tolerance: spec.tolerance, variants: variants, outputs: outputs)
        let rates = s.learningRates.map { "lr = " + $0.map { DisplayFormat.value($0) }.joined(separator: ", ") + " at steps 1–\(s.steps)" }
            ?? "lr = \(DisplayFormat.value(s.learningRate))"
        let summary = "\(s.steps) steps on parameters \(Tensor.describe(shape: s.shape)) (\(s.note)); \(rates), ρ = \(DisplayFormat.value(s.momentum))."
        return judge.testCase(spec: spec, summary: summary)
    }
}
