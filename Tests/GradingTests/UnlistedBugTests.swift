import Foundation
import Grading
import GradingCore
import Reference
import TensorKit
import XCTest

/// Bugs that are not among the known variants, and unusual ones close to a known variant: each must lose points,
/// and none may be given the name of a misconception its code does not have. A wrong name misleads a student more
/// than no name, so these assert the absence of a name, test by test, for several seeds.
final class UnlistedBugTests: XCTestCase {
    static let seeds: [UInt64] = [1, 2, 3, 2026]

    /// Grades `implementation` on every test of `exercise` and checks it loses points and is never named (or only
    /// with one of `allowed`).
    func assertLosesPointsUnnamed(_ exercise: String, _ bug: String, _ implementation: ExerciseImplementation,
                                  allowed: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) {
        for seed in Self.seeds {
            let results = JudgeTests.grade(exercise, implementation, seed: seed)
            XCTAssertLessThan(results.map(\.1.fraction).reduce(0, +), Double(results.count),
                              "\(exercise) \(bug) seed \(seed) lost no points", file: file, line: line)
            for (name, judgement) in results {
                if let found = judgement.misconception {
                    XCTAssertTrue(allowed.contains(found.id),
                                  "\(exercise) \(bug) seed \(seed): test \(name) named it \(found.id): \(judgement.message)", file: file, line: line)
                }
            }
        }
    }

    static func adam(_ body: @escaping @Sendable (_ m: Double, _ v: Double, _ t: Int, _ lr: Double, _ b1: Double, _ b2: Double,
                                                  _ eps: Double) -> Double) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.adamStep = { parameters, gradient, state, lr, b1, b2, eps in
            state.t += 1
            for i in 0..<parameters.count {
                let g = gradient.scalars[i]
                state.m.scalars[i] = b1 * state.m.scalars[i] + (1 - b1) * g
                state.v.scalars[i] = b2 * state.v.scalars[i] + (1 - b2) * g * g
                parameters.scalars[i] -= body(state.m.scalars[i], state.v.scalars[i], state.t, lr, b1, b2, eps)
            }
        }
        return implementation
    }

    func testEpsilonAfterTheDivisionIsNotNamedEpsilonInsideTheSquareRoot() {
        assertLosesPointsUnnamed("adam", "ε after the division", Self.adam { m, v, t, lr, b1, b2, eps in
            let mHat = m / (1 - pow(b1, Double(t))), vHat = v / (1 - pow(b2, Double(t)))
            return lr * (mHat / vHat.squareRoot() + eps)
        })
    }

    func testTensorFlowsEpsilonHatFormIsNotNamedEpsilonInsideTheSquareRoot() {
        // Kingma & Ba's "more efficient" ordering, as TensorFlow writes it: a corrected step size and ε̂ on the raw v.
        assertLosesPointsUnnamed("adam", "TensorFlow's ε̂ form", Self.adam { m, v, t, lr, b1, b2, eps in
            let stepSize = lr * (1 - pow(b2, Double(t))).squareRoot() / (1 - pow(b1, Double(t)))
            return stepSize * m / (v.squareRoot() + eps)
        })
    }

    func testATruncatedNormalIsNotNamedXavier() {
        var truncated = ExerciseImplementation.reference
        truncated.heNormal = { shape, g in
            let std = (2 / Double(Reference.fans(shape: shape).fanIn)).squareRoot()
            return Tensor(shape: shape) { _ in
                var z = g.nextNormal()
                while abs(z) > 2 { z = g.nextNormal() }
                return z * std
            }
        }
        assertLosesPointsUnnamed("he-init", "normal truncated at ±2σ", truncated)
    }

    func testAZeroOneMaskBesideScaledOutputsIsNotNamedNoScaling() {
        var implementation = ExerciseImplementation.reference
        implementation.dropoutForward = { x, p, training, g in
            guard training else { return (x, Tensor(ones: x.shape)) }
            if p >= 1 { return (Tensor(zeros: x.shape), Tensor(zeros: x.shape)) }
            let mask = Tensor(shape: x.shape) { _ in g.nextUniform() >= p ? 1 : 0 }
            return (x * mask / (1 - p), mask)
        }
        assertLosesPointsUnnamed("dropout", "0/1 mask with scaled outputs", implementation)
    }

    func testAMeanLossWithAnUndividedGradientIsNotNamedLossSummed() {
        var implementation = ExerciseImplementation.reference
        implementation.softmaxCrossEntropy = { logits, labels in
            let (loss, gradient) = Reference.softmaxCrossEntropy(logits: logits, labels: labels)
            return (loss, gradient * Double(labels.count))
        }
        assertLosesPointsUnnamed("softmax", "mean loss, gradient not divided by N", implementation)
    }

    func testARowMeanShiftIsNotNamedNoMaxShift() {
        var implementation = ExerciseImplementation.reference
        let softmax: @Sendable (Tensor) -> Tensor = { logits in
            let width = logits.shape.last ?? 1
            var scalars: [Double] = []
            for start in stride(from: 0, to: logits.count, by: width) {
                let row = logits.scalars[start..<(start + width)]
                let mean = row.reduce(0, +) / Double(width)
                let e = row.map { exp($0 - mean) }
                let total = e.reduce(0, +)
                scalars += e.map { $0 / total }
            }
            return Tensor(shape: logits.shape, scalars: scalars)
        }
        implementation.softmax = softmax
        implementation.softmaxCrossEntropy = { logits, labels in
            var p = softmax(logits)
            let c = logits.shape[1]
            var loss = 0.0
            for (i, label) in labels.enumerated() {
                loss -= log(p.scalars[i * c + label])
                p.scalars[i * c + label] -= 1
            }
            return (loss / Double(labels.count), p / Double(labels.count))
        }
        assertLosesPointsUnnamed("softmax", "row-mean shift", implementation)
    }

    /// A shuffled fixed count keeps the pooled rate right and looks independent unit by unit; only the number kept
    /// per call gives it away. It must lose points on every seed, and may only be named as itself.
    func testAFixedCountPerCallLosesPointsAndIsNamedOnlyAsItself() {
        let implementation = try! XCTUnwrap(DropoutMisconceptions.variants.first { $0.misconception.id == "fixed-count" }).implementation
        assertLosesPointsUnnamed("dropout", "fixed count per call", implementation, allowed: ["fixed-count"])
        for seed in Self.seeds {
            let results = JudgeTests.grade("dropout", implementation, seed: seed)
            let train = try! XCTUnwrap(results.first { $0.0 == "train-half" }?.1)
            XCTAssertLessThan(train.fraction, 1, "seed \(seed): \(train.message)")
        }
    }

    /// Moving θ with the old velocity and storing the new one afterwards lags a gradient behind; the velocity it
    /// returns is right, so it must not be called `velocity-not-stored` (or anything else).
    func testUpdatingBeforeTheVelocityIsNotNamedVelocityNotStored() {
        var implementation = ExerciseImplementation.reference
        implementation.sgdMomentumStep = { parameters, gradient, velocity, learningRate, momentum in
            parameters = parameters - learningRate * velocity
            velocity = momentum * velocity + gradient
        }
        assertLosesPointsUnnamed("momentum", "θ moved by the old velocity", implementation)
    }

    /// An Int division in the warm-up returns 0 until step W: wrong at every warm-up step but the first, and not
    /// the one-based-step variant.
    func testAnIntegerDivisionWarmupIsNotNamedOneBasedStep() {
        var implementation = ExerciseImplementation.reference
        implementation.linearWarmup = { step, initial, warmupSteps in initial * Double(Swift.min(1, step / warmupSteps)) }
        assertLosesPointsUnnamed("lr-schedule", "Int division in the warm-up", implementation)
    }
}
