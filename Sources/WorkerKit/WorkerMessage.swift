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
