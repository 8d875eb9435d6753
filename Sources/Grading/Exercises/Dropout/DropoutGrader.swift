import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Tests for inverted dropout. Training-mode outputs are judged on the student's own mask: every mask value is 0 or
/// 1/(1 − p), the output is input · mask, the number kept is Binomial(n, 1 − p) (exact interval), neighbouring
/// units and two consecutive calls are independent (runs test, correlation), the same seed reproduces the mask, and
/// on a tiny input called many times the number kept per call follows Binomial(n, 1 − p) (not a fixed count).
/// Eval mode, p = 0 and p = 1 are exact. Backward is checked on a mask the grader supplies. The random stream is
/// never replayed, so keeping when u < 1 − p is as correct as keeping when u ≥ p.
public struct DropoutGrader: ExerciseGrader, TypedTests {
    public let id = "dropout"
    public let fileName = "Dropout.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these (a test name it lacks is a manifest error, never a
    /// silent stand-in for another test).
    public enum Test: String, CaseIterable, Sendable {
        case trainHalf = "train-half", evalMode = "eval-mode", backward, pExtremes = "p-extremes",
             pNearZero = "p-near-zero", pNearOne = "p-near-one", rank4 = "rank-4", independence
    }


    enum Kind { case train(p: Double, shape: [Int]), eval(p: Double), backward(p: Double), extremes }

    static func kind(_ test: Test) -> Kind {
        switch test {
        case .trainHalf: return .train(p: 0.5, shape: [200, 300])
        case .evalMode: return .eval(p: 0.4)
        case .backward: return .backward(p: 0.3)
        case .pExtremes: return .extremes
        case .pNearZero: return .train(p: 0.05, shape: [200, 250])
        case .pNearOne: return .train(p: 0.95, shape: [200, 250])
        case .rank4: return .train(p: 0.3, shape: [8, 16, 20, 20])
        case .independence: return .train(p: 0.5, shape: [500, 100])
        }
    }

    /// The tiny input of the per-call check, and how many times it is called: 300 calls of 10 units.
    static let tinyShape = [2, 5]
    static let tinyCalls = DropoutJudge.tinyCalls

    /// Inputs bounded away from zero, so a dropped unit is never confused with a kept zero.
    static func input(_ shape: [Int], _ g: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { _ in (g.nextUniform() < 0.5 ? -1 : 1) * (0.5 + 2 * g.nextUniform()) }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let alpha = spec.alpha ?? 1e-7
        let tolerance = spec.tolerance
        switch Self.kind(test(spec)) {
        case let .train(p, shape):
            let x = Self.input(shape, &g)
            let drawSeed = g.next()
            let tiny = Self.input(Self.tinyShape, &g)
            let calls = [WorkerCalls.dropoutForward(x, p: p, training: true, seed: drawSeed, repeats: 2),
                         WorkerCalls.dropoutForward(x, p: p, training: true, seed: drawSeed, repeats: 1),
                         WorkerCalls.dropoutForward(tiny, p: p, training: true, seed: g.next(), repeats: Self.tinyCalls)]
            let summary = "dropoutForward in training mode with p = \(p) (probability of dropping) on an input of shape \(Tensor.describe(shape: shape)) whose entries are all at least 0.5 in size; two calls on one generator, then one more with the same seed; then \(Self.tinyCalls) calls on one generator with a tiny input of shape \(Tensor.describe(shape: Self.tinyShape))."
            return TestCase(spec: spec, summary: summary, calls: calls,
                            recorded: .dropout(.training(input: x, tiny: tiny, p: p, alpha: alpha, tolerance: tolerance)))
        case let .eval(p):
            let x = Self.input([30, 40], &g)
            let calls = [WorkerCalls.dropoutForward(x, p: p, training: false, seed: g.next(), repeats: 1)]
            let summary = "dropoutForward with training = false and p = \(p) on an input of shape [30, 40]."
            return TestCase(spec: spec, summary: summary, calls: calls, recorded: .dropout(.eval(input: x, p: p, tolerance: tolerance)))
        case let .backward(p):
            let shape = [20, 30]
            let mask = Tensor(shape: shape) { _ in g.nextUniform() < p ? 0 : 1 / (1 - p) }
            let upstream = Tensor.randomNormal(shape: shape, using: &g)
            let calls = [WorkerCalls.dropoutBackward(upstream, mask: mask)]
            let summary = "dropoutBackward of an upstream gradient [20, 30] with a mask of zeros and 1/(1 − \(p)) values (about \(Int(p * 100))% zeros)."
            return TestCase(spec: spec, summary: summary, calls: calls,
                            recorded: .dropout(.backward(upstream: upstream, expected: upstream * mask, tolerance: tolerance)))
        case .extremes:
            let x = Self.input([12, 25], &g)
            let calls = [WorkerCalls.dropoutForward(x, p: 0, training: true, seed: g.next(), repeats: 1),
                         WorkerCalls.dropoutForward(x, p: 1, training: true, seed: g.next(), repeats: 1)]
            let summary = "dropoutForward in training mode with p = 0 (nothing dropped) and with p = 1 (everything dropped) on an input [12, 25]."
            return TestCase(spec: spec, summary: summary, calls: calls, recorded: .dropout(.extremes(input: x, tolerance: tolerance)))
        }
    }
}
