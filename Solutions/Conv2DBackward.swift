import Foundation
import TensorKit

// MARK: - Exercise `conv2d-backward`: the backward pass of a 2-D convolution layer
//
// Run `swift run grader check conv2d-backward` to grade this file.

// BEGIN SOLUTION
// Solution to the `conv2d-backward` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
// END SOLUTION

/// The gradients of the `conv2d` exercise's forward pass (cross-correlation, weight `[F, C, KH, KW]`, zero padding
/// `padding` on all four sides, stride `stride`):
///
///     out[n, f, i, j] = bias[f] + Σ_c Σ_a Σ_b  weight[f, c, a, b] · x̃[n, c, i·s + a, j·s + b]
///
/// where x̃ is the zero-padded input (x̃[n, c, r, q] = input[n, c, r − p, q − p], 0 outside the input). Given
/// G = ∂L/∂out (`gradOutput`, shaped like the forward's output `[N, F, H_out, W_out]`):
///
///     ∂L/∂bias[f]             = Σ_n Σ_i Σ_j  G[n, f, i, j]                                  (over the batch too)
///     ∂L/∂weight[f, c, a, b]  = Σ_n Σ_i Σ_j  G[n, f, i, j] · x̃[n, c, i·s + a, j·s + b]
///     ∂L/∂x̃[n, c, r, q]       = Σ over every (f, i, j, a, b) with i·s + a = r and j·s + b = q of G[n, f, i, j] · weight[f, c, a, b]
///
/// and ∂L/∂input is ∂L/∂x̃ with the padding cropped off: `gradInput[n, c, h, w] = ∂L/∂x̃[n, c, h + p, w + p]`,
/// shaped `[N, C, H, W]` like the input (gradient that lands on the padding belongs to no input and is dropped).
///
/// Conventions that trip people up:
/// - The simplest correct way is the forward loop run backwards: for every output position and every tap
///   (c, a, b) that touched an input pixel, *add* G·weight into that pixel's gradient and G·pixel into the weight's.
///   Overlapping windows (stride < kernel) reach the same pixel several times; the contributions add.
/// - If you write ∂L/∂x as a convolution, it is a "full" convolution of G (dilated by the stride) with the kernel
///   rotated by 180° — the rotation is easy to forget. ∂L/∂weight is a correlation of x̃ with G and is *not*
///   rotated.
/// - The stride sits in the index i·s + a, in backward exactly as in forward.
/// - The bias and weight gradients sum over the whole batch: there is one weight, shared by every image.
/// - The output size is H_out = ⌊(H + 2p − KH)/s⌋ + 1: when the stride does not divide H + 2p − KH, the last rows
///   (columns) of the input are read by no window and their gradient is 0.
///
/// - Parameters:
///   - input: `[N, C, H, W]`, the forward's input.
///   - weight: `[F, C, KH, KW]`, the forward's weight (kernels need not be square).
///   - gradOutput: `[N, F, H_out, W_out]`.
///   - stride: `s ≥ 1`.
///   - padding: `p ≥ 0`.
/// - Returns: ∂L/∂input `[N, C, H, W]`, ∂L/∂weight `[F, C, KH, KW]`, ∂L/∂bias `[F]`.
public func conv2dBackward(input: Tensor, weight: Tensor, gradOutput: Tensor, stride: Int,
                           padding: Int) -> (gradInput: Tensor, gradWeight: Tensor, gradBias: Tensor) {
    // BEGIN SOLUTION
    let (n, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (filters, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[2], weight.shape[3])
    let (outHeight, outWidth) = (gradOutput.shape[2], gradOutput.shape[3])
    var gradInput = Tensor(zeros: input.shape)
    var gradWeight = Tensor(zeros: weight.shape)
    var gradBias = Tensor(zeros: [filters])
    for image in 0..<n {
        for f in 0..<filters {
            for i in 0..<outHeight {
                for j in 0..<outWidth {
                    let g = gradOutput.scalars[((image * filters + f) * outHeight + i) * outWidth + j]
                    gradBias.scalars[f] += g
                    for c in 0..<channels {
                        for a in 0..<kernelHeight {
                            let row = i * stride + a - padding
                            if row < 0 || row >= height { continue }   // a tap on the zero padding
                            for b in 0..<kernelWidth {
                                let column = j * stride + b - padding
                                if column < 0 || column >= width { continue }
                                let x = ((image * channels + c) * height + row) * width + column
                                let w = ((f * channels + c) * kernelHeight + a) * kernelWidth + b
                                gradWeight.scalars[w] += g * input.scalars[x]
                                gradInput.scalars[x] += g * weight.scalars[w]
                            }
                        }
                    }
                }
            }
        }
    }
    return (gradInput, gradWeight, gradBias)
    // END SOLUTION
}
