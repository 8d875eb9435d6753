import Foundation
import TensorKit

public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> Tensor {
    let N = input.shape[0], C = input.shape[1], H = input.shape[2], W = input.shape[3]
    let F = weight.shape[0], KH = weight.shape[2], KW = weight.shape[3]
    let outH = (H + 2 * padding - KH) / stride + 1
    let outW = (W + 2 * padding - KW) / stride + 1
    var out = Tensor(zeros: [N, F, outH, outW])
    for n in 0..<N {
        for f in 0..<F {
            for i in 0..<outH {
                for j in 0..<outW {
                    var sum = bias.scalars[f]
                    for c in 0..<C {
                        for a in 0..<KH {
                            for b in 0..<KW {
                                let h = i * stride + a - padding
                                let w = j * stride + b - padding
                                if h < 0 || h >= H || w < 0 || w >= W {
                                    continue  // zero padding
                                }
                                let x = input.scalars[((n * C + c) * H + h) * W + w]
                                sum += x * weight.scalars[((f * C + c) * KH + (KH - 1 - a)) * KW + (KW - 1 - b)]
                            }
                        }
                    }
                    out.scalars[((n * F + f) * outH + i) * outW + j] = sum
                }
            }
        }
    }
    return out
}
