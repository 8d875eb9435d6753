import TensorKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Softmax, log-softmax and softmax cross-entropy along the last axis, forward and backward side by side.
//
// Stability: softmax(x) = softmax(x − c) for any constant c, so each row is shifted by its maximum m before
// exponentiating. Every exponent is then ≤ 0 (no overflow) and the largest term is exactly e⁰ = 1, so the row sum
// is in [1, C] (no division by zero) for any finite logits, however large or widely spread.

/// Softmax along the last axis: `y_k = exp(x_k − m) / Σ_j exp(x_j − m)` with `m = max_j x_j`.
///
/// Finite for any finite input; each slice along the last axis sums to 1 up to rounding. Rows far below their
/// maximum underflow to exactly 0, which is the correctly rounded answer.
public func softmax(_ logits: Tensor) -> Tensor {
    rowwise(logits) { row, out in
        let m = rowMaximum(row)
        var total = 0.0
        for j in 0..<row.count {
            let e = exp(row[j] - m)
            out[j] = e
            total += e
        }
        let inverse = 1 / total
        for j in 0..<row.count { out[j] *= inverse }
    }
}

/// Log-softmax along the last axis: `x_k − m − log Σ_j exp(x_j − m)`.
///
/// Computed directly rather than as `log(softmax(x))`, so a probability that underflows to 0 still gets its
/// finite log (e.g. −2000 for logits [1000, −1000]) instead of −∞.
public func logSoftmax(_ logits: Tensor) -> Tensor {
    rowwise(logits) { row, out in
        let m = rowMaximum(row)
        var total = 0.0
        for j in 0..<row.count { total += exp(row[j] - m) }
        let logNormalizer = m + log(total)
        for j in 0..<row.count { out[j] = row[j] - logNormalizer }
    }
}

/// The backward pass of softmax: with `y = softmax(x)` and upstream `g = ∂L/∂y`,
/// `∂L/∂x_k = y_k · (g_k − Σ_j g_j y_j)` (the Jacobian `diag(y) − y yᵀ` applied to g), row by row.
public func softmaxBackward(output: Tensor, gradOutput: Tensor) -> Tensor {
    precondition(output.shape == gradOutput.shape,
                 "softmaxBackward: output \(Tensor.describe(shape: output.shape)) and gradOutput \(Tensor.describe(shape: gradOutput.shape)) differ in shape.")
    var result = Tensor(zeros: output.shape)
    let width = output.shape.last ?? 1
    guard width > 0 else { return result }
    output.scalars.withUnsafeBufferPointer { y in
        gradOutput.scalars.withUnsafeBufferPointer { g in
            result.scalars.withUnsafeMutableBufferPointer { dx in
                for start in stride(from: 0, to: y.count, by: width) {
                    var dot = 0.0
                    for j in start..<(start + width) { dot += g[j] * y[j] }
                    for j in start..<(start + width) { dx[j] = y[j] * (g[j] - dot) }
                }
            }
        }
    }
    return result
}

/// The backward pass of log-softmax: with `z = logSoftmax(x)` and `g = ∂L/∂z`,
/// `∂L/∂x_k = g_k − exp(z_k) · Σ_j g_j`.
public func logSoftmaxBackward(output: Tensor, gradOutput: Tensor) -> Tensor {
    precondition(output.shape == gradOutput.shape,
                 "logSoftmaxBackward: output \(Tensor.describe(shape: output.shape)) and gradOutput \(Tensor.describe(shape: gradOutput.shape)) differ in shape.")
    var result = Tensor(zeros: output.shape)
    let width = output.shape.last ?? 1
    guard width > 0 else { return result }
    output.scalars.withUnsafeBufferPointer { z in
        gradOutput.scalars.withUnsafeBufferPointer { g in
            result.scalars.withUnsafeMutableBufferPointer { dx in
                for start in stride(from: 0, to: z.count, by: width) {
                    var total = 0.0
                    for j in start..<(start + width) { total += g[j] }
                    for j in start..<(start + width) { dx[j] = g[j] - exp(z[j]) * total }
                }
            }
        }
    }
    return result
}

/// Mean softmax cross-entropy over a batch, and its gradient with respect to the logits.
///
/// For logits `x` of shape [N, C] and labels `y_i ∈ 0..<C`:
/// `loss = −(1/N) Σ_i logSoftmax(x_i)[y_i]` and `∂loss/∂x_i = (softmax(x_i) − onehot(y_i)) / N`.
/// Going through log-softmax keeps the loss finite for any finite logits: a correct class 2000 below the best
/// one costs exactly 2000, never `−log(0) = ∞`.
///
/// - Precondition: `logits` is [N, C] with N ≥ 1, C ≥ 1, `labels.count == N`, and every label is in `0..<C`.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
    precondition(logits.rank == 2, "softmaxCrossEntropy needs logits of shape [N, C]; got \(Tensor.describe(shape: logits.shape)).")
    let (n, c) = (logits.shape[0], logits.shape[1])
    precondition(n > 0 && c > 0, "softmaxCrossEntropy needs at least one row and one class; got \(Tensor.describe(shape: logits.shape)).")
    precondition(labels.count == n, "softmaxCrossEntropy: \(labels.count) labels for \(n) rows of logits.")
    precondition(labels.allSatisfy { (0..<c).contains($0) }, "softmaxCrossEntropy: every label must be in 0..<\(c); got \(labels).")
    let logProbabilities = logSoftmax(logits)
    var gradient = logProbabilities.map { exp($0) }
    var loss = 0.0
    for i in 0..<n {
        loss -= logProbabilities.scalars[i * c + labels[i]]
        gradient.scalars[i * c + labels[i]] -= 1
    }
    let inverseN = 1 / Double(n)
    return (loss * inverseN, gradient * inverseN)
}

/// Calls `body(row, out)` for every slice along the last axis, with `out` the matching slice of a fresh tensor.
private func rowwise(_ input: Tensor,
                     _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) -> Tensor {
    var result = Tensor(zeros: input.shape)
    let width = input.shape.last ?? 1
    guard width > 0, input.count > 0 else { return result }
    input.scalars.withUnsafeBufferPointer { x in
        result.scalars.withUnsafeMutableBufferPointer { y in
            for start in stride(from: 0, to: x.count, by: width) {
                body(UnsafeBufferPointer(rebasing: x[start..<(start + width)]),
                     UnsafeMutableBufferPointer(rebasing: y[start..<(start + width)]))
            }
        }
    }
    return result
}

@inline(__always) private func rowMaximum(_ row: UnsafeBufferPointer<Double>) -> Double {
    var m = -Double.infinity
    for value in row where value > m { m = value }
    return m
}
