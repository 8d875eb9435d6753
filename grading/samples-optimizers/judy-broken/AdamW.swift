import Foundation
import TensorKit

public func adamWStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState,
                      learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double) {
    state.step += 1
    let firstCorrection = 1 - pow(beta1, Double(state.t))
    let secondCorrection = 1 - pow(beta2, Double(state.t))
    for i in 0..<parameters.scalars.count {
        let g = gradient.scalars[i]
        parameters.scalars[i] -= learningRate * weightDecay * parameters.scalars[i]
        state.m.scalars[i] = beta1 * state.m.scalars[i] + (1 - beta1) * g
        state.v.scalars[i] = beta2 * state.v.scalars[i] + (1 - beta2) * g * g
        let mHat = state.m.scalars[i] / firstCorrection
        let vHat = state.v.scalars[i] / secondCorrection
        parameters.scalars[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
    }
}
