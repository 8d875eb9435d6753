import Foundation
import TensorKit

// MARK: - Exercise `conv2d`: the forward pass of a 2-D convolution layer
//
// Run `swift run grader check conv2d` to grade this file.

// BEGIN SOLUTION
// Solution to the `conv2d` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
// END SOLUTION

/// The forward pass of a convolution layer with F filters, stride `stride` and zero padding `padding`.
///
///     out[n, f, i, j] = bias[f] + Σ_c Σ_a Σ_b  weight[f, c, a, b] · x̃[n, c, i·s + a, j·s + b]
///
/// where `x̃` is the input with `padding` rows/columns of zeros added on **all four** sides (so `x̃[n, c, r, q] =
/// input[n, c, r − padding, q − padding]`, and 0 outside the input), `s` is the stride, `a` runs over `0..<KH` and
/// `b` over `0..<KW`.
///
/// **Output size.** Along the height (and likewise the width with W and KW):
///
///     H_out = ⌊(H + 2·padding − KH) / stride⌋ + 1
///
/// Lecture 13's example: a 3×3 filter over a 7×7 image with padding 0 and stride 1 gives a 5×5 feature map. The
/// lecture's formula assumes the stride divides `H + 2p − KH`; when it does not, round **down**: windows that
/// would stick out past the padded input are not computed. For example H = 7, KH = 3, padding 1, stride 2 gives
/// ⌊6/2⌋ + 1 = 4 rows, and H = 6 gives ⌊5/2⌋ + 1 = 3 (not 4).
///
/// Conventions that trip people up:
/// - This is **cross-correlation**, as in every deep-learning framework: the kernel is *not* flipped. The
///   mathematical convolution, which flips it, gives different numbers for any non-symmetric kernel.
/// - The weight layout is `[F, C, KH, KW]` (output channels first, as in PyTorch's `Conv2d`), not `[C, F, …]`.
/// - Kernels need not be square (KH ≠ KW) and the stride applies to both spatial axes.
/// - Every output channel f adds its own `bias[f]` to every position.
/// - Row-major storage: `input[n, c, h, w]` is `input.scalars[((n·C + c)·H + h)·W + w]`.
///
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - weight: `[F, C, KH, KW]`; its C must equal the input's.
///   - bias: `[F]`.
///   - stride: `s ≥ 1`.
///   - padding: `p ≥ 0` zeros on each side; `H + 2p ≥ KH` and `W + 2p ≥ KW`.
/// - Returns: `[N, F, H_out, W_out]`.
public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> Tensor {
    // BEGIN SOLUTION
    // Direct (loop) cross-correlation: out[n, f, i, j] = bias[f] + Σ weight[f, c, a, b] · x̃[n, c, i·s + a, j·s + b],
    // where positions of x̃ outside the input are the zero padding.
    precondition(input.shape.count == 4 && weight.shape.count == 4, "conv2dForward expects 4-D input and weight.")
    let (n, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (filters, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[2], weight.shape[3])
    precondition(weight.shape[1] == channels, "The weight has \(weight.shape[1]) channels; the input has \(channels).")
    precondition(bias.scalars.count == filters, "There must be one bias per filter.")
    precondition(stride >= 1 && padding >= 0, "Stride must be at least 1 and padding at least 0.")
    let outHeight = (height + 2 * padding - kernelHeight) / stride + 1
    let outWidth = (width + 2 * padding - kernelWidth) / stride + 1
    precondition(outHeight >= 1 && outWidth >= 1, "The kernel is larger than the padded input.")

    var output = [Double](repeating: 0, count: n * filters * outHeight * outWidth)
    for image in 0..<n {
        for f in 0..<filters {
            for i in 0..<outHeight {
                for j in 0..<outWidth {
                    var total = bias.scalars[f]
                    for c in 0..<channels {
                        for a in 0..<kernelHeight {
                            let row = i * stride + a - padding
                            if row < 0 || row >= height { continue }
                            for b in 0..<kernelWidth {
                                let column = j * stride + b - padding
                                if column < 0 || column >= width { continue }
                                let x = input.scalars[((image * channels + c) * height + row) * width + column]
                                let w = weight.scalars[((f * channels + c) * kernelHeight + a) * kernelWidth + b]
                                total += w * x
                            }
                        }
                    }
                    output[((image * filters + f) * outHeight + i) * outWidth + j] = total
                }
            }
        }
    }
    return Tensor(shape: [n, filters, outHeight, outWidth], scalars: output)
    // END SOLUTION
}
