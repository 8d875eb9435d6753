import Foundation
import TensorKit

/// The softmax along the last axis, stable for any finite logits: each row is shifted by its own maximum before
/// exponentiating, so the largest exponential is exp(0) = 1 and the row sum is at least 1.
public func softmax(_ logits: Tensor) -> Tensor {
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
}

/// Mean softmax cross-entropy over the batch and its gradient with respect to the logits.
///
/// The loss of row i is `log Σⱼ exp(sᵢⱼ − mᵢ) − (sᵢ,yᵢ − mᵢ)` with `mᵢ` the row maximum (log-sum-exp), which stays
/// finite even when the correct class's probability underflows to zero. The gradient is
/// `(softmax(sᵢ) − onehot(yᵢ)) / N`.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
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
}
