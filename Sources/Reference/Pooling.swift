import TensorKit

// Max pooling over square windows of an NCHW tensor, no padding:
//   out[n, c, i, j] = max_{0 ≤ a, b < k} x[n, c, i·s + a, j·s + b],   Hout = ⌊(H − k)/s⌋ + 1 (same for W).
// The backward pass routes each upstream gradient to the single input element that won the max; when several
// elements tie, the first in row-major window order wins (and gets all of it), so the result is deterministic.
// Overlapping windows (s < k) can route several gradients to the same input element; they add.

/// Max-pool forward. Returns the output and, for each output element, the flat input index that won.
public func maxPool2dForward(_ input: Tensor, kernelSize: Int, stride: Int) -> (output: Tensor, winners: [Int]) {
    precondition(input.rank == 4, "maxPool2d needs an input [N, C, H, W]; got \(Tensor.describe(shape: input.shape)).")
    precondition(kernelSize >= 1 && stride >= 1, "maxPool2d: kernel size and stride must be ≥ 1; got \(kernelSize) and \(stride).")
    let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    precondition(h >= kernelSize && w >= kernelSize, "maxPool2d: a \(kernelSize)×\(kernelSize) window does not fit a \(h)×\(w) input.")
    let (outH, outW) = ((h - kernelSize) / stride + 1, (w - kernelSize) / stride + 1)
    var output = Tensor(zeros: [n, c, outH, outW])
    var winners = [Int](repeating: 0, count: output.count)
    var o = 0
    for plane in 0..<(n * c) {
        let base = plane * h * w
        for i in 0..<outH {
            for j in 0..<outW {
                var best = base + (i * stride) * w + j * stride
                for a in 0..<kernelSize {
                    for b in 0..<kernelSize {
                        let index = base + (i * stride + a) * w + j * stride + b
                        if input.scalars[index] > input.scalars[best] { best = index }
                    }
                }
                output.scalars[o] = input.scalars[best]
                winners[o] = best
                o += 1
            }
        }
    }
    return (output, winners)
}

/// Max-pool backward: each upstream gradient goes to the input element that won its window.
public func maxPool2dBackward(gradOutput: Tensor, winners: [Int], inputShape: [Int]) -> Tensor {
    precondition(gradOutput.count == winners.count, "maxPool2dBackward: \(gradOutput.count) gradients for \(winners.count) windows.")
    var gradInput = Tensor(zeros: inputShape)
    for (o, index) in winners.enumerated() { gradInput.scalars[index] += gradOutput.scalars[o] }
    return gradInput
}
