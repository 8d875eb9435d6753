import Foundation
import TensorKit

/// Direct (loop) cross-correlation: out[n, f, i, j] = bias[f] + Σ weight[f, c, a, b] · x̃[n, c, i·s + a, j·s + b],
/// where positions of x̃ outside the input are the zero padding.
public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> Tensor {
    precondition(input.shape.count == 4 && weight.shape.count == 4, "conv2dForward expects 4-D input and weight.")
    let (n, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (filters, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[2], weight.shape[3])
    precondition(weight.shape[1] == channels, "The weight has \(weight.shape[1]) channels; the input has \(channels).")
    precondition(bias.scalars.count == filters, "There must be one bias per filter.")
    precondition(stride >= 1 && padding >= 0, "Stride must be at least 1 and padding at least 0.")
    let outHeight = (height + 2 * padding - kernelHeight) / stride + 1
    let outWidth = (width + 2 * padding - kernelWidth) / stride + 1
    precondition(outHeight >= 1 && outWidth >= 1, "The kernel is larger than the padded input.")

    var output = [Double](repeating: 0, count: n * filters * outHeight * outWidth)
    for image in 0..<n {
        for f in 0..<filters {
            for i in 0..<outHeight {
                for j in 0..<outWidth {
                    var total = bias.scalars[f]
                    for c in 0..<channels {
                        for a in 0..<kernelHeight {
                            let row = i * stride + a - padding
                            if row < 0 || row >= height { continue }
                            for b in 0..<kernelWidth {
                                let column = j * stride + b - padding
                                if column < 0 || column >= width { continue }
                                let x = input.scalars[((image * channels + c) * height + row) * width + column]
                                let w = weight.scalars[((f * channels + c) * kernelHeight + a) * kernelWidth + b]
                                total += w * x
                            }
                        }
                    }
                    output[((image * filters + f) * outHeight + i) * outWidth + j] = total
                }
            }
        }
    }
    return Tensor(shape: [n, filters, outHeight, outWidth], scalars: output)
}
