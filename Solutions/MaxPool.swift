import Foundation
import TensorKit

// MARK: - Exercise `maxpool`: 2-D max pooling, forward and backward
//
// Run `swift run grader check maxpool` to grade this file.

// BEGIN SOLUTION
// Solution to the `maxpool` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).

/// The flat index of the first maximum, in row-major order, of window (i, j) of channel plane `plane`.
private func maxPoolWinner(_ input: Tensor, plane: Int, i: Int, j: Int, kernelSize: Int, stride: Int) -> Int {
    let (h, w) = (input.shape[2], input.shape[3])
    var best = (plane * h + i * stride) * w + j * stride
    for a in 0..<kernelSize {
        for b in 0..<kernelSize {
            let index = (plane * h + i * stride + a) * w + j * stride + b
            if input.scalars[index] > input.scalars[best] { best = index }
        }
    }
    return best
}
// END SOLUTION

/// Max pooling over k×k windows of an `[N, C, H, W]` input, stride s, **no padding**, each channel on its own:
///
///     out[n, c, i, j] = max over 0 ≤ a < k, 0 ≤ b < k of  input[n, c, i·s + a, j·s + b]
///
/// with `H_out = ⌊(H − k)/s⌋ + 1` and `W_out = ⌊(W − k)/s⌋ + 1` (windows that would stick out past the input are
/// not computed). The stride need not equal the window: s < k gives overlapping windows, s > k skips pixels.
///
/// - Returns: `[N, C, H_out, W_out]`.
public func maxPool2dForward(_ input: Tensor, kernelSize: Int, stride: Int) -> Tensor {
    // BEGIN SOLUTION
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (outH, outW) = ((h - kernelSize) / stride + 1, (w - kernelSize) / stride + 1)
    var output = Tensor(zeros: [n, c, outH, outW])
    for plane in 0..<(n * c) {
        for i in 0..<outH {
            for j in 0..<outW {
                let winner = maxPoolWinner(input, plane: plane, i: i, j: j, kernelSize: kernelSize, stride: stride)
                output.scalars[(plane * outH + i) * outW + j] = input.scalars[winner]
            }
        }
    }
    return output
    // END SOLUTION
}

/// The backward pass of `maxPool2dForward(input, kernelSize:, stride:)`, given g = ∂L/∂out `[N, C, H_out, W_out]`.
///
/// The max is a selection, so each upstream gradient g[n, c, i, j] goes, whole, to the **one** input element that
/// won window (i, j); every other element of the window gets nothing from it. The result has the input's shape.
///
/// Conventions that trip people up:
/// - **Ties.** When several elements of a window share the maximum, the gradient goes to exactly one of them: the
///   **first in row-major order within the window** (smallest a, then smallest b), as PyTorch's CPU kernel does.
///   Not to all of them (that would count the gradient twice), and not split between them. Compare with `>`
///   while scanning, so that a later equal value does not take over.
/// - **Overlapping windows** (s < k): one input element can win several windows. Its gradient is the *sum* of
///   theirs: add (`+=`), never assign.
/// - The window (i, j) starts at row i·s and column j·s of the input, not at i·k.
/// - Elements that win no window get 0 (with s > k some are read by no window at all).
///
/// The max has a kink where two elements tie; a numerical gradient check is only meaningful on inputs without ties
/// (the grader checks your backward against your forward on such inputs, and judges ties by the rule above).
public func maxPool2dBackward(_ gradOutput: Tensor, input: Tensor, kernelSize: Int, stride: Int) -> Tensor {
    // BEGIN SOLUTION
    let (outH, outW) = (gradOutput.shape[2], gradOutput.shape[3])
    var gradInput = Tensor(zeros: input.shape)
    for plane in 0..<(input.shape[0] * input.shape[1]) {
        for i in 0..<outH {
            for j in 0..<outW {
                let winner = maxPoolWinner(input, plane: plane, i: i, j: j, kernelSize: kernelSize, stride: stride)
                gradInput.scalars[winner] += gradOutput.scalars[(plane * outH + i) * outW + j]
            }
        }
    }
    return gradInput
    // END SOLUTION
}
