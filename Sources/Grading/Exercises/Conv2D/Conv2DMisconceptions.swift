import Foundation
import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write conv2d's forward pass, each as runnable code that never traps (any index it would
/// read out of range counts as zero), so diagnosis can run them on any test input.
public enum Conv2DMisconceptions {
    public static let flippedKernel = Misconception(
        id: "flipped-kernel",
        summary: "Your conv2d flips the kernel (true mathematical convolution), but every deep-learning framework computes cross-correlation: out[f, i, j] = Σ w[f, c, u, v]·x[c, i·s + u, j·s + v].",
        fix: "Index the weight as w[f, c, u, v] with the same u, v that index the input window; do not use w[f, c, KH−1−u, KW−1−v].")
    public static let missingBias = Misconception(
        id: "missing-bias",
        summary: "Your conv2d never adds the bias: every output channel f is off by exactly bias[f].",
        fix: "Add bias[f] once to every output element of channel f (after summing over c, u, v).")
    public static let paddingOnce = Misconception(
        id: "padding-once",
        summary: "Your conv2d counts the padding once: the output size uses H + p instead of H + 2p (padding on one side only).",
        fix: "Zero padding goes on all four sides: H_out = ⌊(H + 2p − KH)/s⌋ + 1, and input row i·s + u − p is read (zero when outside).")
    public static let ceilOutput = Misconception(
        id: "ceil-output",
        summary: "Your conv2d rounds the output size up; the windows that would hang past the padded input must not be computed.",
        fix: "Use the floor: H_out = ⌊(H + 2p − KH)/s⌋ + 1 (integer division of non-negative numbers in Swift already floors).")
    public static let strideIgnored = Misconception(
        id: "stride-ignored",
        summary: "Your conv2d ignores the stride: it slides the window one pixel at a time and returns the stride-1 output.",
        fix: "Step the window by s: use H_out = ⌊(H + 2p − KH)/s⌋ + 1 and read input row i·s + u − p.")
    public static let weightLayoutCF = Misconception(
        id: "weight-layout-cf",
        summary: "Your conv2d reads the weight as [C, F, KH, KW], but the layout is [F, C, KH, KW] (output channels first, as in PyTorch).",
        fix: "The weight of output channel f and input channel c starts at ((f·C + c)·KH)·KW.")

    public static let variants: [WrongVariant] = [
        WrongVariant(flippedKernel, with { conv($0, $1, $2, $3, $4, flip: true) }),
        WrongVariant(missingBias, with { conv($0, $1, Tensor(zeros: $2.shape), $3, $4) }),
        WrongVariant(strideIgnored, with { conv($0, $1, $2, 1, $4) }),
        WrongVariant(paddingOnce, with { conv($0, $1, $2, $3, $4, paddingOnce: true) }),
        WrongVariant(ceilOutput, with { conv($0, $1, $2, $3, $4, ceiling: true) }),
        WrongVariant(weightLayoutCF, with { conv($0, $1, $2, $3, $4, layoutCF: true) }),
    ]

    static func with(_ forward: @escaping @Sendable (Tensor, Tensor, Tensor, Int, Int) -> Tensor) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.conv2dForward = forward
        return implementation
    }

    /// A direct convolution with switches for each mistake. Reads outside the (padded) input are zero.
    static func conv(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ s: Int, _ p: Int, flip: Bool = false,
                     paddingOnce: Bool = false, ceiling: Bool = false, layoutCF: Bool = false) -> Tensor {
        guard x.rank == 4, w.rank == 4, s > 0 else { return Tensor(zeros: [0]) }
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (f, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let span = paddingOnce ? p : 2 * p
        func size(_ extent: Int, _ k: Int) -> Int {
            let room = extent + span - k
            guard room >= 0 else { return 0 }
            return (ceiling ? (room + s - 1) / s : room / s) + 1
        }
        let (ho, wo) = (size(h, kh), size(wd, kw))
        var out = Tensor(zeros: [n, f, ho, wo])
        let offset = paddingOnce ? p : p
        for image in 0..<n { for oc in 0..<f { for i in 0..<ho { for j in 0..<wo {
            var sum = oc < b.count ? b.scalars[oc] : 0
            for ic in 0..<c { for u in 0..<kh { for v in 0..<kw {
                let row = i * s + u - offset, column = j * s + v - offset
                guard row >= 0, row < h, column >= 0, column < wd else { continue }
                let (uu, vv) = flip ? (kh - 1 - u, kw - 1 - v) : (u, v)
                let weightIndex = layoutCF ? ((ic * f + oc) * kh + uu) * kw + vv : ((oc * c + ic) * kh + uu) * kw + vv
                guard weightIndex < w.scalars.count else { continue }
                sum += w.scalars[weightIndex] * x.scalars[((image * c + ic) * h + row) * wd + column]
            } } }
            out.scalars[((image * f + oc) * ho + i) * wo + j] = sum
        } } } }
        return out
    }
}
