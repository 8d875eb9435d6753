import Foundation
import TensorKit

public func adamStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState,
                     learningRate: Double, beta1: Double, beta2: Double, epsilon: Double) {
    state.t += 1
    for i in 0..<parameters.scalars.count {
        let g = gradient.scalars[i]
        state.m.scalars[i] = beta1 * state.m.scalars[i] + (1 - beta1) * g
        state.v.scalars[i] = beta2 * state.v.scalars[i] + (1 - beta2) * g * g
        parameters.scalars[i] -= learningRate * state.m.scalars[i] / (sqrt(state.v.scalars[i]) + epsilon)
    }
}
