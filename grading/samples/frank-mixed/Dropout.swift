import Foundation
import TensorKit

public func dropoutForward(_ input: Tensor, p: Double, training: Bool,
                           using generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor) {
    if !training {
        return (input, Tensor(shape: input.shape, scalars: Array(repeating: 1.0, count: input.scalars.count)))
    }
    var mask = [Double](repeating: 0, count: input.scalars.count)
    for i in 0..<mask.count {
        if generator.nextUniform() < p {
            mask[i] = 1 / p
        }
    }
    let output = zip(input.scalars, mask).map { $0 * $1 }
    return (Tensor(shape: input.shape, scalars: output), Tensor(shape: input.shape, scalars: mask))
}

public func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> Tensor {
    Tensor(shape: gradOutput.shape, scalars: zip(gradOutput.scalars, mask.scalars).map { $0 * $1 })
}
