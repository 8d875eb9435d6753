import Foundation
import TensorKit

// MARK: - Exercise `softmax`: softmax and softmax cross-entropy
//
// Run `swift run grader check softmax` to grade this file.

// BEGIN SOLUTION
// Solution to the `softmax` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
// END SOLUTION

/// The softmax of each row: turns raw class scores (logits) into probabilities that are positive and sum to one.
///
/// For one row of scores `s = (s₁, …, s_C)`:
///
///     softmax(s)ₖ = exp(sₖ) / Σⱼ exp(sⱼ)
///
/// Lecture 3's worked example: scores `[3.2, 1.3, 2.2]` have exponentials `[24.53, 3.67, 9.03]`, which sum to
/// 37.23, so the probabilities are `[0.659, 0.099, 0.243]`.
///
/// **Numerical stability (required).** `exp(1000)` overflows a Double to +∞ (the largest finite result is near
/// `exp(709.78)`), and ∞/∞ is NaN. Because `exp(sₖ − c) / Σⱼ exp(sⱼ − c)` equals the formula above for *any*
/// constant `c` (the factor `exp(−c)` cancels), subtract the row's maximum first: then the largest exponent is
/// `exp(0) = 1`, nothing overflows, and the sum is at least 1, so nothing divides by zero either. The logits
/// `[1000, 999, 998]` must give the same answer as `[2, 1, 0]`: `[0.665, 0.245, 0.090]`.
///
/// Conventions that trip people up:
/// - Normalize along the **last** axis (each row of an `[N, C]` matrix is one example), not along axis 0.
/// - Subtract each row's **own** maximum. One maximum for the whole batch is not enough: with rows `[1000, 999]`
///   and `[0, −1]`, shifting both by 1000 sends every exponential of the second row to 0, and 0/0 is NaN.
///
/// - Parameter logits: any shape with at least one axis; most often `[N, C]` (N examples, C classes).
/// - Returns: a tensor of the same shape whose slices along the last axis are probability distributions.
public func softmax(_ logits: Tensor) -> Tensor {
    // BEGIN SOLUTION
    // The softmax along the last axis, stable for any finite logits: each row is shifted by its own maximum before
    // exponentiating, so the largest exponential is exp(0) = 1 and the row sum is at least 1.
    let width = logits.shape.last ?? 1
    guard width > 0 else { return logits }
    var probabilities = [Double](repeating: 0, count: logits.scalars.count)
    for start in stride(from: 0, to: logits.scalars.count, by: width) {
        let row = start..<(start + width)
        let rowMax = logits.scalars[row].max()!
        var total = 0.0
        for i in row {
            probabilities[i] = exp(logits.scalars[i] - rowMax)
            total += probabilities[i]
        }
        for i in row { probabilities[i] /= total }
    }
    return Tensor(shape: logits.shape, scalars: probabilities)
    // END SOLUTION
}

/// The mean softmax cross-entropy loss of a batch, and its gradient with respect to the logits.
///
/// For example `i` with logits `sᵢ` (a row of length C) and correct class `yᵢ`:
///
///     Lᵢ = −log softmax(sᵢ)_{yᵢ} = log Σⱼ exp(sᵢⱼ) − sᵢ,yᵢ            (loss)
///     L  = (1/N) Σᵢ Lᵢ                                                 (mean over the batch)
///     ∂L/∂sᵢⱼ = (softmax(sᵢ)ⱼ − 1[j = yᵢ]) / N                         (gradient)
///
/// With the worked example's scores `[3.2, 1.3, 2.2]` and label 0 the loss is `−log 0.659 ≈ 0.417`.
///
/// **Numerical stability (required).** Compute the loss from the *log-sum-exp* form above, with the row maximum
/// `mᵢ` pulled out: `log Σⱼ exp(sᵢⱼ) = mᵢ + log Σⱼ exp(sᵢⱼ − mᵢ)`. Taking `−log` of an already computed probability
/// is not safe: when the correct class trails the best one by more than about 745, its probability rounds to
/// exactly 0 and `−log 0 = +∞`, although the true loss (for logits `[0, 1000]` and label 0 it is 1000) is finite.
///
/// Conventions that trip people up:
/// - The loss is the **mean** over the N examples, not the sum, and so the gradient carries the factor `1/N`.
/// - `labels[i]` is a class index in `0..<C`, not a one-hot row.
///
/// - Parameters:
///   - logits: `[N, C]` raw scores, any finite values (including ±1000).
///   - labels: N class indices, each in `0..<C`.
/// - Returns: `loss`, a finite number ≥ 0, and `gradient`, shaped `[N, C]` like `logits`.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
    // BEGIN SOLUTION
    // Mean softmax cross-entropy over the batch and its gradient with respect to the logits.
    //
    // The loss of row i is `log Σⱼ exp(sᵢⱼ − mᵢ) − (sᵢ,yᵢ − mᵢ)` with `mᵢ` the row maximum (log-sum-exp), which stays
    // finite even when the correct class's probability underflows to zero. The gradient is
    // `(softmax(sᵢ) − onehot(yᵢ)) / N`.
    precondition(logits.shape.count == 2, "softmaxCrossEntropy expects logits of shape [N, C].")
    let (count, classes) = (logits.shape[0], logits.shape[1])
    precondition(labels.count == count, "softmaxCrossEntropy needs one label per row.")
    var gradient = [Double](repeating: 0, count: count * classes)
    var totalLoss = 0.0
    for i in 0..<count {
        let label = labels[i]
        precondition(label >= 0 && label < classes, "Label \(label) is not a class index in 0..<\(classes).")
        let row = (i * classes)..<((i + 1) * classes)
        let rowMax = logits.scalars[row].max()!
        var sumOfExponentials = 0.0
        for j in row { sumOfExponentials += exp(logits.scalars[j] - rowMax) }
        let logSumExp = log(sumOfExponentials)
        totalLoss += logSumExp - (logits.scalars[row.lowerBound + label] - rowMax)
        for j in row {
            gradient[j] = exp(logits.scalars[j] - rowMax - logSumExp) / Double(count)
        }
        gradient[row.lowerBound + label] -= 1 / Double(count)
    }
    return (totalLoss / Double(count), Tensor(shape: logits.shape, scalars: gradient))
    // END SOLUTION
}
