import Foundation
import TensorKit

// MARK: - Exercise `dropout`: inverted dropout, forward and backward
//
// Run `swift run grader check dropout` to grade this file.

// BEGIN SOLUTION
// Solution to the `dropout` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
// END SOLUTION

/// Inverted dropout: in training, zero each element independently with probability `p` and scale the survivors by
/// `1/(1 − p)`; in evaluation, return the input unchanged.
///
///     training:  maskᵢ = 0 with probability p,  1/(1 − p) with probability 1 − p;   outputᵢ = inputᵢ · maskᵢ
///     eval:      maskᵢ = 1;                                                          outputᵢ = inputᵢ
///
/// **`p` is the probability of DROPPING a unit** (PyTorch's `nn.Dropout(p)` convention). Srivastava et al. (2014)
/// and the Lecture 13 notes use p for the probability of *keeping* a unit; in this course p = 0.1 means that about
/// 10% of the elements become zero.
///
/// **Why scale during training.** A kept element appears with probability 1 − p, so without scaling the expected
/// output would be `(1 − p) · input`, and the next layer would see smaller activations in training than at test
/// time. The original paper fixes that at test time by multiplying the weights by the keep probability; *inverted*
/// dropout divides by `1 − p` during training instead, so that `E[output] = input` and evaluation needs no change
/// at all. With p = 0.5 the survivors are doubled; with p = 0.2 they are multiplied by 1.25.
///
/// Edge cases:
/// - `p = 0`: nothing is dropped and the mask is all ones.
/// - `p = 1`: everything is dropped: output and mask are all zeros. Never compute `x · (1/(1 − p))` with p = 1:
///   `1/0` is +∞ and `0 · ∞` is NaN.
/// - `training == false`: output is exactly `input`, mask all ones, for every p. Dropout is switched off at
///   evaluation; do not rescale there (that would undo the inverted scaling).
///
/// Use `generator` for all randomness (`generator.nextUniform()` is uniform on [0, 1); `Double.random(in:using:)`
/// also works). The grader tests the drop rate and the mean statistically; any correct way of drawing passes.
///
/// - Parameters:
///   - input: any shape.
///   - p: drop probability, `0 ≤ p ≤ 1`.
///   - training: whether to drop (true) or act as the identity (false).
///   - generator: the seeded source of randomness.
/// - Returns: `output`, shaped like `input`, and `mask`, shaped like `input`, holding the factor each element was
///   multiplied by (0 or 1/(1 − p) in training, 1 in evaluation) so that the backward pass can reuse it.
public func dropoutForward(_ input: Tensor, p: Double, training: Bool,
                           using generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor) {
    // BEGIN SOLUTION
    // Inverted dropout with drop probability `p`: in training each element is kept when a uniform draw on [0, 1) is at
    // least p (probability 1 − p) and then scaled by 1/(1 − p); at p = 1 no draw is ever kept, so the scale is never
    // used and nothing becomes NaN. In evaluation the input passes through unchanged.
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
    // END SOLUTION
}

/// The gradient of the loss with respect to dropout's input, given the gradient with respect to its output.
///
/// Forward multiplied each element by a constant factor, `outputᵢ = maskᵢ · inputᵢ`, so
///
///     ∂L/∂inputᵢ = maskᵢ · ∂L/∂outputᵢ
///
/// A dropped element passes no gradient back; a kept one passes it back scaled by the same `1/(1 − p)` used in
/// forward. Use the mask that forward returned; do not draw new random numbers here.
///
/// - Parameters:
///   - gradOutput: ∂L/∂output, shaped like the forward input.
///   - mask: the mask forward returned for that input.
/// - Returns: ∂L/∂input, same shape.
public func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> Tensor {
    // BEGIN SOLUTION
    // ∂L/∂input = mask ⊙ ∂L/∂output.
    precondition(gradOutput.shape == mask.shape, "The gradient and the mask must have the same shape.")
    var gradInput = gradOutput.scalars
    for i in 0..<gradInput.count { gradInput[i] *= mask.scalars[i] }
    return Tensor(shape: gradOutput.shape, scalars: gradInput)
    // END SOLUTION
}
