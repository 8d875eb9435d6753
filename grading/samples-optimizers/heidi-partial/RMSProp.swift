import Foundation
import TensorKit

public func rmspropStep(parameters: inout Tensor, gradient: Tensor, cache: inout Tensor,
                        learningRate: Double, decay: Double, epsilon: Double) {
    for i in 0..<parameters.scalars.count {
        let g = gradient.scalars[i]
        cache.scalars[i] = decay * cache.scalars[i] + (1 - decay) * g * g
        parameters.scalars[i] -= learningRate * g / (cache.scalars[i].squareRoot() + epsilon)
    }
}
