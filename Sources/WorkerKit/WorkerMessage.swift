import TensorKit

/// One request the grader sends to the student process: "call this exercise function with these arguments".
///
/// The student process never sees expected values; it only turns inputs into outputs. The meaning of the fields
/// for each `function` is fixed by the worker driver the grader generates (see `WorkerFunction`).
public struct WorkerCall: Sendable, Equatable {
    public var function: String
    public var tensors: [Tensor]
    public var numbers: [Double]
    public var integers: [Int]

    public init(function: String, tensors: [Tensor] = [], numbers: [Double] = [], integers: [Int] = []) {
        self.function = function
        self.tensors = tensors
        self.numbers = numbers
        self.integers = integers
    }
}

/// What the student process sends back for one call. Shapes are sent as the student's code left them: a tensor
/// whose `scalars.count` disagrees with its `shape` arrives intact, and the grader's judge reports it.
public struct WorkerReply: Sendable, Equatable {
    public var tensors: [Tensor]
    public var numbers: [Double]
    public var integers: [Int]

    public init(tensors: [Tensor] = [], numbers: [Double] = [], integers: [Int] = []) {
        self.tensors = tensors
        self.numbers = numbers
        self.integers = integers
    }
}

/// The exercise functions a worker knows how to call, and how each one's arguments and results are laid out in a
/// `WorkerCall` / `WorkerReply`.
///
/// | function | tensors in | numbers in | integers in | reply |
/// |---|---|---|---|---|
/// | softmax | [logits] | | | tensors [probabilities] |
/// | softmaxCrossEntropy | [logits] | | labels | numbers [loss], tensors [gradient] |
/// | heNormal | | | [seed, repeats, shape…] | tensors: `repeats` consecutive draws from ONE generator |
/// | dropoutForward | [input] | [p] | [seed, training (0/1), repeats] | tensors [output₁, mask₁, output₂, mask₂, …] from ONE generator |
/// | dropoutBackward | [gradOutput, mask] | | | tensors [gradInput] |
/// | adamStep | [θ₀, m₀, v₀, g₁, …, g_K] | [learningRate, beta1, beta2, epsilon] | [t₀] | tensors [θ₁, m₁, v₁, θ₂, m₂, v₂, …], integers [t₁, t₂, …] |
/// | conv2dForward | [input, weight, bias] | | [stride, padding] | tensors [output] |
/// | layerGradients | [input, upstream] | | [seed] | see `grader gradcheck`'s driver |
///
/// Seeds travel as `Int(bitPattern:)` of the `UInt64` seed.
public enum WorkerFunction: String, CaseIterable, Sendable {
    case softmax, softmaxCrossEntropy, heNormal, dropoutForward, dropoutBackward, adamStep, conv2dForward
}

extension WorkerCall {
    /// The largest reply payload, in bytes, that this call can legitimately get back: twice the bytes of the
    /// elements a correct answer holds (room for a wrong-but-honest answer of another shape), plus 64 KiB and the
    /// per-tensor headers. The grader reads no more than this, so a frame header announcing a gigabyte costs nothing.
    /// Functions this table does not know (a student layer's gradcheck driver) get `WireFormat.maximumFrameBytes / 4`.
    public var maximumReplyBytes: Int {
        func count(_ tensor: Tensor) -> Int { tensor.scalars.count }
        let inputElements = tensors.reduce(0) { $0 + count($1) }
        var elements: Int
        var replyTensors = 1
        switch WorkerFunction(rawValue: function) {
        case .softmax?, .dropoutBackward?:
            elements = inputElements
        case .softmaxCrossEntropy?:
            elements = inputElements + 1
        case .heNormal?:
            let repeats = integers.count > 1 ? Swift.max(0, integers[1]) : 0
            let extents = integers.dropFirst(2)
            var product = 1
            for extent in extents {
                let (next, overflow) = product.multipliedReportingOverflow(by: Swift.max(0, extent))
                product = overflow ? WireFormat.maximumElements : Swift.min(next, WireFormat.maximumElements)
            }
            elements = Swift.min(repeats, 1 << 20) * product
            replyTensors = Swift.min(repeats, 1 << 20)
        case .dropoutForward?:
            let repeats = integers.count > 2 ? Swift.min(Swift.max(0, integers[2]), 1 << 20) : 0
            elements = 2 * repeats * inputElements
            replyTensors = 2 * repeats
        case .adamStep?:
            let steps = Swift.max(0, tensors.count - 3)
            elements = 3 * steps * (tensors.first.map(count) ?? 0) + steps
            replyTensors = 3 * steps
        case .conv2dForward?:
            guard tensors.count >= 2, tensors[0].shape.count == 4, tensors[1].shape.count == 4, integers.count >= 2,
                  integers[0] > 0 else { return 1 << 20 }
            let (input, weight, stride, padding) = (tensors[0].shape, tensors[1].shape, integers[0], integers[1])
            let height = Swift.max(0, (input[2] + 2 * padding - weight[2]) / stride + 1)
            let width = Swift.max(0, (input[3] + 2 * padding - weight[3]) / stride + 1)
            elements = input[0] * weight[0] * height * width
        case nil:
            return WireFormat.maximumFrameBytes / 4
        }
        return Swift.min(WireFormat.maximumFrameBytes, (64 << 10) + 16 * elements + 128 * replyTensors)
    }
}
