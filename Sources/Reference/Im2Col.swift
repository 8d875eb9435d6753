import TensorKit

/// The sizes of one 2-D convolution: input [N, C, H, W], weight [F, C, KH, KW], stride s, zero padding p, and
/// the output size Hout = ⌊(H + 2p − KH)/s⌋ + 1, Wout = ⌊(W + 2p − KW)/s⌋ + 1.
public struct Conv2DGeometry: Equatable, Sendable {
    public let batch, channels, height, width: Int
    public let filters, kernelHeight, kernelWidth: Int
    public let stride, padding: Int
    public let outputHeight, outputWidth: Int

    /// Checks the shapes against each other (a programmer error if they disagree) and computes the output size.
    public init(inputShape: [Int], weightShape: [Int], stride: Int, padding: Int) {
        precondition(inputShape.count == 4, "conv2d: the input must be [N, C, H, W]; got \(Tensor.describe(shape: inputShape)).")
        precondition(weightShape.count == 4, "conv2d: the weight must be [F, C, KH, KW]; got \(Tensor.describe(shape: weightShape)).")
        precondition(inputShape[1] == weightShape[1],
                     "conv2d: the input has \(inputShape[1]) channels but the weight expects \(weightShape[1]).")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride must be ≥ 1 and padding ≥ 0; got stride \(stride), padding \(padding).")
        (batch, channels, height, width) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        (filters, kernelHeight, kernelWidth) = (weightShape[0], weightShape[2], weightShape[3])
        self.stride = stride
        self.padding = padding
        precondition(height + 2 * padding >= kernelHeight && width + 2 * padding >= kernelWidth,
                     "conv2d: a \(kernelHeight)×\(kernelWidth) kernel does not fit a \(height)×\(width) input with padding \(padding).")
        outputHeight = (height + 2 * padding - kernelHeight) / stride + 1
        outputWidth = (width + 2 * padding - kernelWidth) / stride + 1
    }

    public var inputShape: [Int] { [batch, channels, height, width] }
    public var outputShape: [Int] { [batch, filters, outputHeight, outputWidth] }
    /// C·KH·KW: the length of one receptive field, the rows of the column matrix.
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Hout·Wout: the output positions of one image, the columns of the column matrix.
    public var outputArea: Int { outputHeight * outputWidth }
    public var imageSize: Int { channels * height * width }
    /// Multiply-adds × 2 for the forward pass: 2·N·F·C·KH·KW·Hout·Wout.
    public var forwardFlops: Double { 2 * Double(batch) * Double(filters) * Double(patchSize) * Double(outputArea) }

    /// The output columns `ow` whose input column `ow·s − p + kw` lies inside the image, as a half-open range.
    @inline(__always) func validOutputColumns(kernelColumn kw: Int) -> Range<Int> {
        let offset = padding - kw                       // iw = ow·s − offset
        let first = offset <= 0 ? 0 : (offset + stride - 1) / stride
        let lastInput = width - 1 + offset              // ow·s ≤ lastInput
        let end = lastInput < 0 ? 0 : Swift.min(outputWidth, lastInput / stride + 1)
        return first < end ? first..<end : 0..<0
    }
}

// im2col: one image [C, H, W] → a column matrix [C·KH·KW, Hout·Wout] whose column j holds the receptive field of
// output position j, zero where it hangs over the padding. Row r = (c·KH + kh)·KW + kw matches the flattening of
// a weight [F, C, KH, KW] to [F, C·KH·KW], so the convolution of one image is the product W · columns, which lands
// directly in [F, Hout·Wout], i.e. NCHW layout.
//
// col2im is its adjoint: it scatters (adds) every entry of a column matrix back to the input pixel it came from,
// which is how the gradient with respect to the input is assembled.

/// Unfolds one image (`image` points at C·H·W values) into `columns` (patchSize × outputArea values).
func im2col(_ image: UnsafePointer<Double>, _ g: Conv2DGeometry, into columns: UnsafeMutablePointer<Double>) {
    let (area, outW) = (g.outputArea, g.outputWidth)
    for c in 0..<g.channels {
        for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
                let row = columns + ((c * g.kernelHeight + kh) * g.kernelWidth + kw) * area
                let valid = g.validOutputColumns(kernelColumn: kw)
                for oh in 0..<g.outputHeight {
                    let destination = row + oh * outW
                    let ih = oh * g.stride - g.padding + kh
                    guard ih >= 0 && ih < g.height, !valid.isEmpty else {
                        destination.update(repeating: 0, count: outW)
                        continue
                    }
                    destination.update(repeating: 0, count: valid.lowerBound)
                    (destination + valid.upperBound).update(repeating: 0, count: outW - valid.upperBound)
                    let source = image + (c * g.height + ih) * g.width - g.padding + kw
                    if g.stride == 1 {
                        (destination + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
                    } else {
                        for ow in valid { destination[ow] = source[ow * g.stride] }
                    }
                }
            }
        }
    }
}

/// Adds every entry of `columns` (patchSize × outputArea) into the image pixel it was unfolded from; `image`
/// points at C·H·W values and is accumulated into, not overwritten.
func col2im(_ columns: UnsafePointer<Double>, _ g: Conv2DGeometry, addingInto image: UnsafeMutablePointer<Double>) {
    let (area, outW) = (g.outputArea, g.outputWidth)
    for c in 0..<g.channels {
        for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
                let row = columns + ((c * g.kernelHeight + kh) * g.kernelWidth + kw) * area
                let valid = g.validOutputColumns(kernelColumn: kw)
                for oh in 0..<g.outputHeight {
                    let ih = oh * g.stride - g.padding + kh
                    guard ih >= 0 && ih < g.height else { continue }
                    let source = row + oh * outW
                    let destination = image + (c * g.height + ih) * g.width - g.padding + kw
                    for ow in valid { destination[ow * g.stride] += source[ow] }
                }
            }
        }
    }
}
