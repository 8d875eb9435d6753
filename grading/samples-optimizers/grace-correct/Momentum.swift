import Foundation
import TensorKit

public func sgdMomentumStep(parameters: inout Tensor, gradient: Tensor, velocity: inout Tensor,
                            learningRate: Double, momentum: Double) {
    precondition(parameters.shape == gradient.shape && velocity.shape == gradient.shape,
                 "The gradient and the velocity must have the parameters' shape.")
    for i in 0..<parameters.scalars.count {
        velocity.scalars[i] = momentum * velocity.scalars[i] + gradient.scalars[i]
        parameters.scalars[i] -= learningRate * velocity.scalars[i]
    }
}

public func nesterovMomentumStep(parameters: inout Tensor, gradient: Tensor, velocity: inout Tensor,
                                 learningRate: Double, momentum: Double) {
    precondition(parameters.shape == gradient.shape && velocity.shape == gradient.shape,
                 "The gradient and the velocity must have the parameters' shape.")
    for i in 0..<parameters.scalars.count {
        let g = gradient.scalars[i]
        velocity.scalars[i] = momentum * velocity.scalars[i] + g
        parameters.scalars[i] -= learningRate * (g + momentum * velocity.scalars[i])
    }
}
