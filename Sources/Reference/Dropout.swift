import TensorKit

// Inverted dropout, PyTorch's convention: `p` is the probability of DROPPING a unit.
//
// Training: each element is kept independently with probability 1 − p and survivors are scaled by 1/(1 − p), so
// E[output] = input and evaluation needs no rescaling. The mask stores the factor applied to each element
// (0 or 1/(1 − p)), which makes the backward pass a plain elementwise product. p = 1 drops everything: the mask
// is all zeros (the 1/(1 − p) = ∞ factor is never formed, so no 0·∞ = NaN). Evaluation: identity, mask all ones.

/// Inverted dropout forward. Draws one uniform u per element (in row-major order) and keeps it when u ≥ p.
///
/// - Precondition: 0 ≤ p ≤ 1.
public func dropoutForward(_ input: Tensor, p: Double, training: Bool,
                           using generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor) {
    precondition(p >= 0 && p <= 1, "Dropout probability p must be in [0, 1]; got \(p).")
    guard training else { return (input, Tensor(ones: input.shape)) }
    let scale = p < 1 ? 1 / (1 - p) : 0
    var mask = Tensor(zeros: input.shape)
    for i in 0..<mask.count where generator.nextUniform() >= p {
        mask.scalars[i] = scale
    }
    // A dropped element is exactly 0 even when the input is not finite.
    return (input.zipMap(mask) { x, factor in factor == 0 ? 0 : x * factor }, mask)
}

/// Inverted dropout backward: `∂L/∂input = ∂L/∂output ⊙ mask` (the forward is linear in the input).
public func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> Tensor {
    precondition(gradOutput.shape == mask.shape,
                 "dropoutBackward: gradOutput \(Tensor.describe(shape: gradOutput.shape)) and mask \(Tensor.describe(shape: mask.shape)) differ in shape.")
    return gradOutput * mask
}
