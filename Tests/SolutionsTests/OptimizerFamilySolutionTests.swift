import Foundation
import XCTest
import Reference
import Solutions
import TensorKit

/// The optimizer-family solutions (momentum, AdaGrad, RMSProp, AdamW, the schedules) against hand-checked values,
/// against the reference engine, and against the other conventions the notes use, where the handouts say how they
/// relate.
final class OptimizerFamilySolutionTests: XCTestCase {
    static func random(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor(shape: shape) { _ in scale * g.nextNormal() }
    }

    func assertClose(_ a: Tensor, _ b: Tensor, _ tolerance: Double, _ message: String = "", line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, message, line: line)
        for (x, y) in zip(a.scalars, b.scalars) { XCTAssertEqual(x, y, accuracy: tolerance * Swift.max(1, abs(y)), message, line: line) }
    }

    /// The momentum handout's convention is PyTorch's buffer: after one step from zero, v = g and θ moves by −lr·g
    /// (classical) or −lr·(1 + ρ)·g (Nesterov).
    func testMomentumFirstStepFromZero() {
        var classical = Tensor([1, -2, 0.5]), nesterov = classical
        var v1 = Tensor(zeros: [3]), v2 = v1
        let g = Tensor([0.5, -1, 4])
        Solutions.sgdMomentumStep(parameters: &classical, gradient: g, velocity: &v1, learningRate: 0.1, momentum: 0.9)
        Solutions.nesterovMomentumStep(parameters: &nesterov, gradient: g, velocity: &v2, learningRate: 0.1, momentum: 0.9)
        assertClose(v1, g, 1e-15)
        assertClose(v2, g, 1e-15)
        assertClose(classical, Tensor([0.95, -1.9, 0.1]), 1e-15)
        assertClose(nesterov, Tensor([1 - 0.095, -2 + 0.19, 0.5 - 0.76]), 1e-15)
    }

    /// With a constant learning rate the lecture's form (v ← ρv − lr·g, θ ← θ + v) moves θ identically and stores
    /// −lr times the velocity; with a changing learning rate the parameters part ways. This is what the momentum
    /// exercise's `velocity-as-step` misconception and its changing-learning-rate tests rest on.
    func testMomentumFormsAgreeOnParametersOnlyWhileTheLearningRateIsConstant() {
        for nesterov in [false, true] {
            for rates in [[0.05, 0.05, 0.05, 0.05], [0.1, 0.05, 0.2, 0.02]] {
                var theta = Self.random([2, 3], seed: 1), lectureTheta = theta
                var velocity = Tensor(zeros: [2, 3]), lecture = MomentumState(like: theta)
                for (k, lr) in rates.enumerated() {
                    let g = Self.random([2, 3], seed: 10 + UInt64(k))
                    if nesterov {
                        Solutions.nesterovMomentumStep(parameters: &theta, gradient: g, velocity: &velocity, learningRate: lr, momentum: 0.9)
                        Reference.nesterovStep(parameters: &lectureTheta, gradient: g, state: &lecture, learningRate: lr, momentum: 0.9)
                    } else {
                        Solutions.sgdMomentumStep(parameters: &theta, gradient: g, velocity: &velocity, learningRate: lr, momentum: 0.9)
                        Reference.sgdMomentumStep(parameters: &lectureTheta, gradient: g, state: &lecture, learningRate: lr, momentum: 0.9)
                    }
                }
                let gap = zip(theta.scalars, lectureTheta.scalars).map { abs($0 - $1) }.max()!
                if Set(rates).count == 1 {
                    XCTAssertLessThan(gap, 1e-13, "nesterov \(nesterov)")
                    assertClose(lecture.velocity, -rates[0] * velocity, 1e-13)
                } else {
                    XCTAssertGreaterThan(gap, 1e-3, "nesterov \(nesterov): a changing lr must separate the forms")
                }
            }
        }
    }

    func testMomentumMatchesTheReferenceBuffer() {
        for nesterov in [false, true] {
            var theta = Self.random([4], seed: 2), referenceTheta = theta
            var velocity = Self.random([4], seed: 3), buffer = velocity
            for k in 0..<5 {
                let g = Self.random([4], seed: 20 + UInt64(k)), lr = 0.01 * Double(k + 1)
                if nesterov {
                    Solutions.nesterovMomentumStep(parameters: &theta, gradient: g, velocity: &velocity, learningRate: lr, momentum: 0.5)
                } else {
                    Solutions.sgdMomentumStep(parameters: &theta, gradient: g, velocity: &velocity, learningRate: lr, momentum: 0.5)
                }
                Reference.momentumBufferStep(parameters: &referenceTheta, gradient: g, buffer: &buffer, learningRate: lr,
                                             momentum: 0.5, nesterov: nesterov)
            }
            assertClose(theta, referenceTheta, 1e-14)
            assertClose(velocity, buffer, 1e-14)
        }
    }

    func testAdaGradAndRMSPropMatchTheReferenceAndTheirFirstSteps() {
        // From a zero cache AdaGrad's first step is lr·g/(|g| + ε) ≈ lr·sign(g).
        var theta = Tensor([1, 1]), cache = Tensor(zeros: [2])
        Solutions.adagradStep(parameters: &theta, gradient: Tensor([3, -0.25]), cache: &cache, learningRate: 0.1, epsilon: 1e-10)
        assertClose(theta, Tensor([0.9, 1.1]), 1e-9)
        assertClose(cache, Tensor([9, 0.0625]), 1e-15)

        var ada = Self.random([6], seed: 4), adaReference = ada, rms = ada, rmsReference = ada
        var adaCache = Tensor(zeros: [6]), rmsCache = adaCache
        var adaState = SquaredGradientState(like: ada), rmsState = adaState
        for k in 0..<6 {
            let g = Self.random([6], seed: 40 + UInt64(k))
            Solutions.adagradStep(parameters: &ada, gradient: g, cache: &adaCache, learningRate: 0.1, epsilon: 1e-10)
            Reference.adaGradStep(parameters: &adaReference, gradient: g, state: &adaState, learningRate: 0.1, epsilon: 1e-10)
            Solutions.rmspropStep(parameters: &rms, gradient: g, cache: &rmsCache, learningRate: 0.01, decay: 0.9, epsilon: 1e-8)
            Reference.rmsPropStep(parameters: &rmsReference, gradient: g, state: &rmsState, learningRate: 0.01, decay: 0.9, epsilon: 1e-8)
        }
        assertClose(ada, adaReference, 1e-14)
        assertClose(adaCache, adaState.sumOfSquares, 1e-14)
        assertClose(rms, rmsReference, 1e-14)
        assertClose(rmsCache, rmsState.sumOfSquares, 1e-14)
    }

    /// AdamW is Adam after θ ← θ·(1 − lr·λ); with λ = 0 it is Adam; L2 in the gradient is not the same thing.
    func testAdamWIsDecoupledDecayThenAdam() {
        let start = Self.random([5], seed: 5)
        var adamW = start, reference = start, adam = start, l2 = start
        var s1 = AdamState(like: start), s2 = s1, s3 = s1, s4 = s1
        for k in 0..<4 {
            let g = Self.random([5], seed: 50 + UInt64(k))
            Solutions.adamWStep(parameters: &adamW, gradient: g, state: &s1, learningRate: 0.05, beta1: 0.9, beta2: 0.999,
                                epsilon: 1e-8, weightDecay: 0.3)
            Reference.adamWStep(parameters: &reference, gradient: g, state: &s2, learningRate: 0.05, beta1: 0.9, beta2: 0.999,
                                epsilon: 1e-8, weightDecay: 0.3)
            Solutions.adamWStep(parameters: &adam, gradient: g, state: &s3, learningRate: 0.05, beta1: 0.9, beta2: 0.999,
                                epsilon: 1e-8, weightDecay: 0)
            Reference.adamStep(parameters: &l2, gradient: g, state: &s4, learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        }
        assertClose(adamW, reference, 1e-14)
        assertClose(s1.m, s2.m, 1e-14)
        XCTAssertEqual(s1.t, 4)
        assertClose(adam, l2, 1e-14, "λ = 0 is plain Adam")
    }

    /// The worked numbers in the lr-schedule handout, and the solution against the reference over long ranges.
    func testSchedulesMatchTheHandoutsWorkedNumbersAndTheReference() {
        XCTAssertEqual((0...7).map { Solutions.stepDecay(step: $0, initial: 0.1, gamma: 0.5, every: 3) },
                       [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025])
        XCTAssertEqual(Solutions.exponentialDecay(step: 2, initial: 0.1, gamma: 0.9), 0.081, accuracy: 1e-15)
        let cosine = (0...5).map { Solutions.cosineAnnealing(step: $0, initial: 0.1, minimum: 0, totalSteps: 4) }
        for (value, want) in zip(cosine, [0.1, 0.0853553390593, 0.05, 0.0146446609407, 0, 0]) { XCTAssertEqual(value, want, accuracy: 1e-12) }
        XCTAssertEqual((0...5).map { Solutions.linearWarmup(step: $0, initial: 0.1, warmupSteps: 4) },
                       [0, 0.025, 0.05, 0.07500000000000001, 0.1, 0.1])
        for step in 0..<120 {
            XCTAssertEqual(Solutions.stepDecay(step: step, initial: 0.3, gamma: 0.1, every: 30),
                           Reference.stepDecayRate(step: step, initial: 0.3, gamma: 0.1, every: 30), accuracy: 1e-15)
            XCTAssertEqual(Solutions.exponentialDecay(step: step, initial: 0.3, gamma: 0.97),
                           Reference.exponentialDecayRate(step: step, initial: 0.3, gamma: 0.97), accuracy: 1e-15)
            XCTAssertEqual(Solutions.cosineAnnealing(step: step, initial: 0.3, minimum: 0.01, totalSteps: 100),
                           Reference.cosineAnnealingRate(step: step, initial: 0.3, minimum: 0.01, totalSteps: 100), accuracy: 1e-15)
            XCTAssertEqual(Solutions.linearWarmup(step: step, initial: 0.3, warmupSteps: 50),
                           Reference.linearWarmupRate(step: step, initial: 0.3, warmupSteps: 50), accuracy: 1e-15)
        }
        XCTAssertEqual(Reference.cosineAnnealingRate(step: 100, initial: 0.3, minimum: 0.01, totalSteps: 100), 0.01, accuracy: 1e-17)
        XCTAssertEqual(Reference.cosineAnnealingRate(step: 150, initial: 0.3, minimum: 0.01, totalSteps: 100), 0.01, accuracy: 1e-17,
                       "held at the minimum after T")
    }
}
