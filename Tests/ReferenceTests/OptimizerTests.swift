import Reference
import TensorKit
import XCTest

final class OptimizerTests: XCTestCase {
    let fixtures = Fixtures.shared.optimizers

    func testAdamTrajectoryMatchesNumpy() {
        for (run, decoupled) in [(fixtures.adam, false), (fixtures.adamW, true)] {
            var theta = Tensor(fixtures.initial)
            var state = AdamState(like: theta)
            for (t, expected) in run.steps.enumerated() {
                let g = Tensor(fixtures.gradients[t])
                if decoupled {
                    adamWStep(parameters: &theta, gradient: g, state: &state, learningRate: run.learningRate,
                              beta1: run.beta1, beta2: run.beta2, epsilon: run.epsilon, weightDecay: run.weightDecay!)
                } else {
                    adamStep(parameters: &theta, gradient: g, state: &state, learningRate: run.learningRate,
                             beta1: run.beta1, beta2: run.beta2, epsilon: run.epsilon)
                }
                XCTAssertEqual(state.t, t + 1, "the step counter is incremented once per step")
                assertClose(theta.scalars, expected.parameters, absolute: 1e-14, relative: 1e-12, "θ after step \(t + 1)")
                assertClose(state.m.scalars, expected.m, absolute: 1e-15, relative: 1e-12, "m after step \(t + 1)")
                assertClose(state.v.scalars, expected.v, absolute: 1e-15, relative: 1e-12, "v after step \(t + 1)")
            }
        }
    }

    func testAdamFirstStepMovesByLearningRateTimesSign() {
        // With bias correction m̂₁ = g and v̂₁ = g², so the first step is lr·g/(|g| + ε) ≈ lr·sign(g), whatever |g|.
        let g = Tensor([3.0, -0.02, 1e-3, -400, 0])
        var theta = Tensor([1.0, 1, 1, 1, 1])
        var state = AdamState(like: theta)
        adamStep(parameters: &theta, gradient: g, state: &state, learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        assertClose(theta.scalars, [0.9, 1.1, 0.9, 1.1, 1], absolute: 1e-6, relative: 0, "first Adam step")
        XCTAssertEqual(state.t, 1)
        // Without the correction the step would be (1 − β1)/√(1 − β2) ≈ 3.16 times smaller: the lecture's 10× on m.
        assertClose(state.m.scalars, (g * 0.1).scalars, absolute: 1e-18, relative: 1e-15, "m₁ = (1 − β1)·g")
    }

    func testMomentumFamilyMatchesNumpy() {
        var theta = Tensor(fixtures.initial), nesterovTheta = theta, rmsTheta = theta, adaTheta = theta
        var momentumState = MomentumState(like: theta), nesterovState = momentumState
        var rmsState = SquaredGradientState(like: theta), adaState = rmsState
        for t in 0..<fixtures.gradients.count {
            let g = Tensor(fixtures.gradients[t])
            sgdMomentumStep(parameters: &theta, gradient: g, state: &momentumState,
                            learningRate: fixtures.momentum.learningRate, momentum: fixtures.momentum.momentum)
            nesterovStep(parameters: &nesterovTheta, gradient: g, state: &nesterovState,
                         learningRate: fixtures.nesterov.learningRate, momentum: fixtures.nesterov.momentum)
            rmsPropStep(parameters: &rmsTheta, gradient: g, state: &rmsState, learningRate: fixtures.rmsProp.learningRate,
                        decay: fixtures.rmsProp.decay, epsilon: fixtures.rmsProp.epsilon)
            adaGradStep(parameters: &adaTheta, gradient: g, state: &adaState, learningRate: fixtures.adaGrad.learningRate,
                        epsilon: fixtures.adaGrad.epsilon)
            assertClose(theta.scalars, fixtures.momentum.steps[t], absolute: 1e-14, relative: 1e-12, "momentum step \(t + 1)")
            assertClose(nesterovTheta.scalars, fixtures.nesterov.steps[t], absolute: 1e-14, relative: 1e-12, "Nesterov step \(t + 1)")
            assertClose(rmsTheta.scalars, fixtures.rmsProp.steps[t], absolute: 1e-14, relative: 1e-12, "RMSProp step \(t + 1)")
            assertClose(adaTheta.scalars, fixtures.adaGrad.steps[t], absolute: 1e-14, relative: 1e-12, "AdaGrad step \(t + 1)")
        }
    }

    func testPlainSGD() {
        var theta = Tensor([1.0, -2])
        sgdStep(parameters: &theta, gradient: Tensor([0.5, -4]), learningRate: 0.1)
        XCTAssertEqual(theta.scalars, [0.95, -1.6])
    }

    func testAdamConvergesOnAQuadratic() {
        // f(θ) = Σ cᵢ(θᵢ − 1)² with very different curvatures: Adam's per-coordinate scaling reaches θ = 1 in all.
        let curvature = Tensor([100.0, 1, 0.01])
        var theta = Tensor(zeros: [3])
        var state = AdamState(like: theta)
        for _ in 0..<3000 {
            let g = 2 * curvature * (theta - 1.0)
            adamStep(parameters: &theta, gradient: g, state: &state, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        }
        assertClose(theta.scalars, [1, 1, 1], absolute: 1e-2, relative: 0, "Adam minimum")
    }
}
