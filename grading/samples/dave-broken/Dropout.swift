import Foundation
import TensorKit

/// Inverted dropout with drop probability `p`: in training each element is kept when a uniform draw on [0, 1) is at
/// least p (probability 1 − p) and then scaled by 1/(1 − p); at p = 1 no draw is ever kept, so the scale is never
/// used and nothing becomes NaN. In evaluation the input passes through unchanged.
public func dropoutForward(_ input: Tensor, p: Double, training: Bool,
                           using generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor) {
    precondition(p >= 0 && p <= 1, "The drop probability must lie in [0, 1]; got \(p).")
    guard training else {
        return (input, Tensor(shape: input.shape, scalars: Array(repeating: 1, count: input.scalars.count)))
    }
    let keptScale = 1 / (1 - p)
    var mask = [Double](repeating: 0, count: input.scalars.count)
    var output = [Double](repeating: 0, count: input.scalars.count)
    for i in 0..<input.scalars.count where generator.nextUniform() >= p {
        mask[i] = keptScale
        output[i] = input.scalars[i] * keptScale
    }
    return (Tensor(shape: input.shape, scalars: output), Tensor(shape: input.shape, scalars: mask))
}

/// ∂L/∂input = mask ⊙ ∂L/∂output.
public func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> Tensor {
    precondition(gradOutput.shape == mask.shape, "The gradient and the mask must have the same shape.")
    var gradInput = gradOutput.scalars
    for i in 0..<gradInput.count { gradInput[i] *= mask.scalars[i] }
    return Tensor(shape: gradOutput.shape, scalars: gradInput)
}
