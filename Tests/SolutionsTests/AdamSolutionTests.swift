import Foundation
import XCTest
import TensorKit
import Solutions

final class AdamSolutionTests: XCTestCase {
    /// After bias correction the first step is lr · g/(|g| + ε) ≈ lr · sign(g), whatever the gradient's size.
    func testFirstStepMovesByTheLearningRateAgainstTheGradient() {
        var parameters = Tensor([1, -2, 0.5, 3])
        let gradient = Tensor([0.001, -250, 4, -0.02])
        var state = AdamState(like: parameters)
        adamStep(parameters: &parameters, gradient: gradient, state: &state,
                 learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        let expected = [0.99, -1.99, 0.49, 3.01]
        for (value, want) in zip(parameters.scalars, expected) { XCTAssertEqual(value, want, accuracy: 1e-7) }
        XCTAssertEqual(state.t, 1)
    }

    /// Two steps compared with numpy, including a tiny gradient (where ε's position matters) and a zero one.
    func testTwoStepsMatchNumpyAndStoreTheState() {
        var parameters = Tensor([1.0, -2.0, 0.5, 0.0])
        var state = AdamState(like: parameters)
        for gradient in [Tensor([0.1, -3.0, 1e-6, 0.0]), Tensor([-0.2, 1.0, 2e-6, 5.0])] {
            adamStep(parameters: &parameters, gradient: gradient, state: &state,
                     learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        }
        let expected = [0.9936610360388488, -1.985997814331691, 0.48050784042323597, -0.007441368214627715]
        for (value, want) in zip(parameters.scalars, expected) { XCTAssertEqual(value, want, accuracy: 1e-12) }
        XCTAssertEqual(state.t, 2)
        let expectedM = [-0.010999999999999998, -0.16999999999999998, 2.899999999999999e-07, 0.4999999999999999]
        let expectedV = [4.9990000000000055e-05, 0.009991000000000009, 4.999000000000004e-15, 0.025000000000000022]
        for (value, want) in zip(state.m.scalars, expectedM) { XCTAssertEqual(value, want, accuracy: 1e-15) }
        for (value, want) in zip(state.v.scalars, expectedV) { XCTAssertEqual(value, want, accuracy: 1e-15) }
    }

    func testResumesFromAGivenStepCount() {
        var parameters = Tensor([0.0])
        var state = AdamState(m: Tensor([0.5]), v: Tensor([0.25]), t: 9)
        adamStep(parameters: &parameters, gradient: Tensor([1.0]), state: &state,
                 learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        let m = 0.9 * 0.5 + 0.1, v = 0.999 * 0.25 + 0.001
        let expected = -0.1 * (m / (1 - pow(0.9, 10))) / ((v / (1 - pow(0.999, 10))).squareRoot() + 1e-8)
        XCTAssertEqual(state.t, 10)
        XCTAssertEqual(parameters.scalars[0], expected, accuracy: 1e-14)
    }
}
