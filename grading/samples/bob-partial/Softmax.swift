import Foundation
import TensorKit

public func softmax(_ logits: Tensor) -> Tensor {
    let classes = logits.shape[logits.shape.count - 1]
    var result = logits.scalars
    var start = 0
    while start < result.count {
        var total = 0.0
        for k in start..<(start + classes) {
            result[k] = exp(logits.scalars[k])
            total += result[k]
        }
        for k in start..<(start + classes) {
            result[k] /= total
        }
        start += classes
    }
    return Tensor(shape: logits.shape, scalars: result)
}

public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
    let n = logits.shape[0]
    let c = logits.shape[1]
    let probs = softmax(logits)
    var grad = probs.scalars
    var loss = 0.0
    for i in 0..<n {
        loss -= log(probs.scalars[i * c + labels[i]])
        grad[i * c + labels[i]] -= 1
    }
    for k in 0..<grad.count {
        grad[k] /= Double(n)
    }
    return (loss / Double(n), Tensor(shape: logits.shape, scalars: grad))
}
