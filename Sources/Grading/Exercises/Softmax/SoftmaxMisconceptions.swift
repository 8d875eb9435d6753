import Foundation
import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write softmax and softmax cross-entropy, each as runnable code.
public enum SoftmaxMisconceptions {
    public static let noMaxShift = Misconception(
        id: "no-max-shift",
        summary: "Your softmax exponentiates the raw logits, so exp(1000) overflows to infinity and the probabilities become NaN.",
        fix: "Subtract each row's maximum before exponentiating (softmax(x) = softmax(x − max x)); the result is mathematically the same and every exponent is ≤ 0.")
    public static let globalMaxShift = Misconception(
        id: "global-max-shift",
        summary: "Your softmax subtracts the maximum of the whole batch instead of each row's own maximum, so a row far below the batch maximum underflows to 0/0 = NaN.",
        fix: "Take the maximum along the last axis, separately for every row, and subtract that row's maximum.")
    public static let wrongAxis = Misconception(
        id: "wrong-axis",
        summary: "Your softmax normalizes over the first axis (down the columns), so each column sums to one instead of each row.",
        fix: "Normalize along the LAST axis: for logits [N, C] every row of C class scores must sum to one.")
    public static let ceSummed = Misconception(
        id: "ce-summed",
        summary: "Your cross-entropy sums the loss over the batch (and the gradient is not divided by N), while the convention here is the MEAN over the N rows.",
        fix: "Divide the summed loss by N and the gradient (softmax − onehot) by N as well.")
    public static let ceLogOfSoftmax = Misconception(
        id: "ce-log-of-softmax",
        summary: "Your cross-entropy computes −log(softmax(x)[y]); when the correct class is far below the best one its probability underflows to 0 and the loss becomes infinite.",
        fix: "Use log-softmax directly: loss = logsumexp(x) − x[y] with the row maximum subtracted inside logsumexp, which stays finite for any finite logits.")

    /// The variants. A misconception may have more than one: without a max shift, cross-entropy is written either
    /// as an unshifted log-sum-exp or as −log of the (unshifted) softmax, which overflow differently (inf vs NaN).
    public static let variants: [WrongVariant] = [
        WrongVariant(noMaxShift, shifted { _ in 0 }),
        WrongVariant(noMaxShift, with(softmax: { logits in
            rowwise(logits) { row in let e = row.map { exp($0) }; let total = e.reduce(0, +); return e.map { $0 / total } }
        })),
        WrongVariant(globalMaxShift, shifted { $0.scalars.max() ?? 0 }),
        WrongVariant(wrongAxis, with(softmax: { softmaxOverFirstAxis($0) })),
        WrongVariant(ceSummed, {
            var implementation = ExerciseImplementation.reference
            implementation.softmaxCrossEntropy = { logits, labels in
                let (loss, gradient) = Reference.softmaxCrossEntropy(logits: logits, labels: labels)
                let n = Double(labels.count)
                return (loss * n, gradient * n)
            }
            return implementation
        }()),
        WrongVariant(ceLogOfSoftmax, {
            var implementation = ExerciseImplementation.reference
            implementation.softmaxCrossEntropy = { logits, labels in
                let probabilities = Reference.softmax(logits)
                let c = logits.shape[1]
                let loss = labels.enumerated().reduce(0.0) { $0 - log(probabilities.scalars[$1.offset * c + $1.element]) }
                return (loss / Double(labels.count), Reference.softmaxCrossEntropy(logits: logits, labels: labels).gradient)
            }
            return implementation
        }()),
    ]

    /// Softmax and cross-entropy that subtract `shift(logits)` (one number for the whole batch) instead of each row's
    /// maximum: p = exp(x − s)/Σ exp(x − s), loss = log Σ exp(x − s) + s − x[y], gradient (p − onehot)/N.
    static func shifted(_ shift: @escaping @Sendable (Tensor) -> Double) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        let softmax: @Sendable (Tensor) -> Tensor = { logits in
            let s = shift(logits)
            return rowwise(logits) { row in let e = row.map { exp($0 - s) }; let total = e.reduce(0, +); return e.map { $0 / total } }
        }
        implementation.softmax = softmax
        implementation.softmaxCrossEntropy = { logits, labels in
            let s = shift(logits)
            var p = softmax(logits)
            let (n, c) = (logits.shape[0], logits.shape[1])
            var loss = 0.0
            for i in 0..<n {
                let row = logits.scalars[(i * c)..<(i * c + c)]
                loss += log(row.reduce(0) { $0 + exp($1 - s) }) + s - logits.scalars[i * c + labels[i]]
                p.scalars[i * c + labels[i]] -= 1
            }
            return (loss / Double(n), p / Double(n))
        }
        return implementation
    }

    /// The reference, with softmax replaced by `softmax` and cross-entropy built on that softmax the usual way
    /// (loss −mean log p[y], gradient (p − onehot)/N), as a student who reuses their own softmax would write it.
    static func with(softmax: @escaping @Sendable (Tensor) -> Tensor) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.softmax = softmax
        implementation.softmaxCrossEntropy = { logits, labels in
            var p = softmax(logits)
            let (n, c) = (logits.shape[0], logits.shape[1])
            var loss = 0.0
            for i in 0..<n {
                loss -= log(p.scalars[i * c + labels[i]])
                p.scalars[i * c + labels[i]] -= 1
            }
            return (loss / Double(n), p / Double(n))
        }
        return implementation
    }

    static func rowwise(_ tensor: Tensor, _ body: ([Double]) -> [Double]) -> Tensor {
        let width = Swift.max(tensor.shape.last ?? 1, 1)
        var scalars: [Double] = []
        scalars.reserveCapacity(tensor.count)
        for start in stride(from: 0, to: tensor.count, by: width) {
            scalars += body(Array(tensor.scalars[start..<(start + width)]))
        }
        return Tensor(shape: tensor.shape, scalars: scalars)
    }

    /// Stable softmax, but over axis 0.
    static func softmaxOverFirstAxis(_ tensor: Tensor) -> Tensor {
        guard tensor.rank >= 2 else { return Reference.softmax(tensor) }
        let outer = tensor.shape[0], inner = tensor.count / Swift.max(outer, 1)
        var result = tensor
        for j in 0..<inner {
            let column = (0..<outer).map { tensor.scalars[$0 * inner + j] }
            let m = column.max() ?? 0
            let e = column.map { exp($0 - m) }
            let s = e.reduce(0, +)
            for i in 0..<outer { result.scalars[i * inner + j] = e[i] / s }
        }
        return result
    }
}
