import Foundation
import TensorKit

/// He normal initialization: every weight ~ N(0, 2/fanIn).
public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    let fanIn = shape.dropFirst().reduce(1, *)
    let std = sqrt(2 / fanIn)
    var weights = [Double]()
    for _ in 0..<shape.reduce(1, *) {
        weights.append(std * generator.nextNormal())
    }
    return Tensor(shape: shape, scalars: weights)
}
