import Foundation
import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write max pooling, each as runnable code that never traps.
public enum MaxPoolMisconceptions {
    public static let gradientToAllTies = Misconception(
        id: "gradient-to-all-ties",
        summary: "Your backward pass gives the full upstream gradient to every element that ties for a window's maximum; it must go to one of them only (the first in row-major order within the window), or the gradient is counted twice.",
        fix: "Find the window's winner once — scan in row-major order and replace it only on a strictly larger value (>) — and add the upstream gradient to that element alone.")
    public static let lastTiedMaximum = Misconception(
        id: "last-tied-maximum",
        summary: "Your max pooling breaks ties toward the last maximum of the window (a >= comparison); the convention here is the first in row-major order.",
        fix: "Compare with a strict >, so that a later element equal to the current best does not take over.")
    public static let gradientToWholeWindow = Misconception(
        id: "gradient-to-whole-window",
        summary: "Your backward pass adds the upstream gradient to every element of the window; only the element that won the max affects the output.",
        fix: "Route each upstream gradient g[n, c, i, j] to the single argmax of window (i, j); the other elements of the window get nothing from it.")
    public static let overlappingGradientsOverwritten = Misconception(
        id: "overlapping-gradients-overwritten",
        summary: "Your backward pass assigns the upstream gradient (=) to the winning element; with overlapping windows (stride < kernel size) one element can win several windows, and its gradient is the sum of theirs.",
        fix: "Accumulate: gradInput[winner] += gradOutput[n, c, i, j], starting from zeros.")
    public static let strideEqualsKernel = Misconception(
        id: "stride-equals-kernel",
        summary: "Your max pooling ignores the stride and steps the window by its own size (non-overlapping windows), so the output size and the windows are wrong whenever stride ≠ kernel size.",
        fix: "Window (i, j) starts at row i·stride and column j·stride, and H_out = ⌊(H − k)/stride⌋ + 1.")

    public static let variants: [WrongVariant] = [
        WrongVariant(gradientToAllTies, with(Switches(allTies: true))),
        WrongVariant(lastTiedMaximum, with(Switches(lastTie: true))),
        WrongVariant(gradientToWholeWindow, with(Switches(wholeWindow: true))),
        WrongVariant(overlappingGradientsOverwritten, with(Switches(overwrite: true))),
        WrongVariant(strideEqualsKernel, with(Switches(strideIsKernel: true))),
    ]

    struct Switches {
        var allTies = false, lastTie = false, wholeWindow = false, overwrite = false, strideIsKernel = false
    }

    static func with(_ switches: Switches) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.maxPool2dForward = { x, k, s in pool(x, nil, k, s, switches) }
        implementation.maxPool2dBackward = { g, x, k, s in pool(x, g, k, s, switches) }
        return implementation
    }

    /// Forward (when `gradOutput` is nil) or backward, with switches for each mistake.
    static func pool(_ x: Tensor, _ gradOutput: Tensor?, _ k: Int, _ s: Int, _ sw: Switches) -> Tensor {
        let stride = sw.strideIsKernel ? k : s
        guard x.rank == 4, k >= 1, stride >= 1, x.shape[2] >= k, x.shape[3] >= k else { return Tensor(zeros: [0]) }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = ((h - k) / stride + 1, (w - k) / stride + 1)
        var output = Tensor(zeros: [n, c, ho, wo])
        var gradInput = Tensor(zeros: x.shape)
        for plane in 0..<(n * c) { for i in 0..<ho { for j in 0..<wo {
            let window = (0..<k).flatMap { a in (0..<k).map { b in (plane * h + i * stride + a) * w + j * stride + b } }
            var best = window[0]
            for index in window where sw.lastTie ? x.scalars[index] >= x.scalars[best] : x.scalars[index] > x.scalars[best] { best = index }
            let o = (plane * ho + i) * wo + j
            output.scalars[o] = x.scalars[best]
            guard let gradOutput, o < gradOutput.count else { continue }
            let upstream = gradOutput.scalars[o]
            let targets = sw.wholeWindow ? window : sw.allTies ? window.filter { x.scalars[$0] == x.scalars[best] } : [best]
            for target in targets {
                if sw.overwrite { gradInput.scalars[target] = upstream } else { gradInput.scalars[target] += upstream }
            }
        } } }
        return gradOutput == nil ? output : gradInput
    }
}
