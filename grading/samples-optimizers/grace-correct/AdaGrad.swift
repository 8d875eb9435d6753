import Foundation
import TensorKit

public func adagradStep(parameters: inout Tensor, gradient: Tensor, cache: inout Tensor,
                        learningRate: Double, epsilon: Double) {
    for i in 0..<parameters.scalars.count {
        let g = gradient.scalars[i]
        cache.scalars[i] += g * g
        parameters.scalars[i] -= learningRate * g / (cache.scalars[i].squareRoot() + epsilon)
    }
}
