import Foundation
import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write conv2d's backward pass, each as runnable code that never traps (reads out of range
/// count as zero).
public enum Conv2DBackwardMisconceptions {
    public static let flippedWeightGradient = Misconception(
        id: "flipped-weight-gradient",
        summary: "Your ∂L/∂weight is rotated by 180° (index KH−1−a, KW−1−b); the forward pass is a cross-correlation, so the weight gradient is the correlation of the padded input with G, not rotated.",
        fix: "Accumulate G[n, f, i, j]·x̃[n, c, i·s + a, j·s + b] into gradWeight[f, c, a, b] with the same a, b that index the input window.")
    public static let unrotatedKernelInInputGradient = Misconception(
        id: "unrotated-kernel-in-input-gradient",
        summary: "Your ∂L/∂input is a full convolution of G with the kernel as it is; written as a convolution it needs the kernel rotated by 180° (each pixel gets G·weight[a, b] from the window that read it through tap (a, b)).",
        fix: "Loop over the forward's taps and add G[n, f, i, j]·weight[f, c, a, b] into the gradient of input pixel (i·s + a − p, j·s + b − p); or rotate the kernel before the full convolution.")
    public static let paddingNotCropped = Misconception(
        id: "padding-not-cropped",
        summary: "Your ∂L/∂input has the padded shape [N, C, H + 2p, W + 2p]; the padding is not an input, so its gradient must be cropped off to give the input's shape [N, C, H, W].",
        fix: "Return the gradient of x̃ without its first and last p rows and columns (or skip taps that land on the padding).")
    public static let biasGradientAveraged = Misconception(
        id: "bias-gradient-averaged",
        summary: "Your ∂L/∂bias averages over the batch (divides by N); the bias is shared by every image, so its gradient is the sum over n, i and j of G[n, f, i, j].",
        fix: "Use gradBias[f] = Σ_n Σ_i Σ_j G[n, f, i, j], without dividing by N.")
    public static let strideIgnored = Misconception(
        id: "stride-ignored",
        summary: "Your backward pass ignores the stride: output position (i, j) is taken to read the window at (i, j) instead of (i·s, j·s).",
        fix: "Use the forward's index: output (i, j) reads input row i·s + a − p and column j·s + b − p, in backward too.")

    public static let variants: [WrongVariant] = [
        WrongVariant(flippedWeightGradient, with(Switches(flipWeightGradient: true))),
        WrongVariant(unrotatedKernelInInputGradient, with(Switches(flipKernelForInput: true))),
        WrongVariant(paddingNotCropped, with(Switches(keepPadding: true))),
        WrongVariant(biasGradientAveraged, with(Switches(averageBias: true))),
        WrongVariant(strideIgnored, with(Switches(ignoreStride: true))),
    ]

    struct Switches {
        var flipWeightGradient = false, flipKernelForInput = false, keepPadding = false, averageBias = false, ignoreStride = false
    }

    static func with(_ switches: Switches) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.conv2dBackward = { x, w, g, s, p in backward(x, w, g, s, p, switches) }
        return implementation
    }

    /// The backward pass as the forward's loops run backwards, with switches for each mistake.
    static func backward(_ x: Tensor, _ w: Tensor, _ g: Tensor, _ s: Int, _ p: Int,
                         _ sw: Switches) -> (gradInput: Tensor, gradWeight: Tensor, gradBias: Tensor) {
        guard x.rank == 4, w.rank == 4, g.rank == 4, s > 0, p >= 0 else { return (Tensor(zeros: [0]), Tensor(zeros: [0]), Tensor(zeros: [0])) }
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (f, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let (ho, wo) = (g.shape[2], g.shape[3])
        let stride = sw.ignoreStride ? 1 : s
        let (ph, pw) = (h + 2 * p, wd + 2 * p)
        var padded = Tensor(zeros: [n, c, ph, pw])
        var gradWeight = Tensor(zeros: w.shape), gradBias = Tensor(zeros: [f])
        for image in 0..<n { for oc in 0..<f { for i in 0..<ho { for j in 0..<wo {
            let upstream = g.scalars[((image * f + oc) * ho + i) * wo + j]
            gradBias.scalars[oc] += upstream
            for ic in 0..<c { for a in 0..<kh { for b in 0..<kw {
                let (r, q) = (i * stride + a, j * stride + b)       // in the padded input
                guard r < ph, q < pw else { continue }
                let (row, column) = (r - p, q - p)
                let inside = row >= 0 && row < h && column >= 0 && column < wd
                let pixel = inside ? x.scalars[((image * c + ic) * h + row) * wd + column] : 0
                let (wa, wb) = sw.flipWeightGradient ? (kh - 1 - a, kw - 1 - b) : (a, b)
                gradWeight.scalars[((oc * c + ic) * kh + wa) * kw + wb] += upstream * pixel
                let (ka, kb) = sw.flipKernelForInput ? (kh - 1 - a, kw - 1 - b) : (a, b)
                padded.scalars[((image * c + ic) * ph + r) * pw + q] += upstream * w.scalars[((oc * c + ic) * kh + ka) * kw + kb]
            } } }
        } } } }
        if sw.averageBias { gradBias = gradBias / Double(Swift.max(n, 1)) }
        if sw.keepPadding { return (padded, gradWeight, gradBias) }
        let gradInput = Tensor(shape: x.shape) { index in
            let (plane, rest) = index.quotientAndRemainder(dividingBy: h * wd)
            let (row, column) = rest.quotientAndRemainder(dividingBy: wd)
            return padded.scalars[(plane * ph + row + p) * pw + column + p]
        }
        return (gradInput, gradWeight, gradBias)
    }
}
