import Foundation
import TensorKit

public func sgdMomentumStep(parameters: inout Tensor, gradient: Tensor, velocity: inout Tensor,
                            learningRate: Double, momentum: Double) {
    for i in 0..<parameters.scalars.count {
        velocity.scalars[i] = momentum * velocity.scalars[i] - learningRate * gradient.scalars[i]
        parameters.scalars[i] += velocity.scalars[i]
    }
}

public func nesterovMomentumStep(parameters: inout Tensor, gradient: Tensor, velocity: inout Tensor,
                                 learningRate: Double, momentum: Double) {
    for i in 0..<parameters.scalars.count {
        let old = velocity.scalars[i]
        velocity.scalars[i] = momentum * old - learningRate * gradient.scalars[i]
        parameters.scalars[i] += -momentum * old + (1 + momentum) * velocity.scalars[i]
    }
}
