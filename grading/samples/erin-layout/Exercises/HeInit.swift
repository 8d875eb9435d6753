import Foundation
import TensorKit

/// Independent draws from N(0, 2/fanIn), fanIn = shape[1] × (product of shape[2...]).
public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    precondition(shape.count >= 2, "heNormal needs a weight shape of rank 2 or more; got \(shape).")
    let fanIn = shape[1...].reduce(1, *)
    let standardDeviation = (2.0 / Double(fanIn)).squareRoot()
    let count = shape.reduce(1, *)
    var weights = [Double]()
    weights.reserveCapacity(count)
    for _ in 0..<count {
        weights.append(standardDeviation * generator.nextNormal())
    }
    return Tensor(shape: shape, scalars: weights)
}
