import TensorKit

// The fully connected layer, y = x·Wᵀ + b for x [N, in], W [out, in], b [out] (PyTorch's weight layout), and
// Layer-conforming wrappers around the reference ops, so any of them can be gradient-checked as a unit.
//
// Linear backward, with G = ∂L/∂y [N, out]:  ∂L/∂x = G·W,  ∂L/∂W = Gᵀ·x,  ∂L/∂b = Σ_rows G.

/// Fully connected forward: [N, in] → [N, out].
public func linearForward(input: Tensor, weight: Tensor, bias: Tensor) -> Tensor {
    precondition(input.rank == 2 && weight.rank == 2 && input.shape[1] == weight.shape[1] && bias.shape == [weight.shape[0]],
                 "linear: input \(Tensor.describe(shape: input.shape)), weight \(Tensor.describe(shape: weight.shape)) and bias \(Tensor.describe(shape: bias.shape)) do not fit [N, in], [out, in], [out].")
    var output = input.matmul(weight, transposeOther: true)
    let (rows, columns) = (output.shape[0], output.shape[1])
    for r in 0..<rows { for c in 0..<columns { output.scalars[r * columns + c] += bias.scalars[c] } }
    return output
}

/// Fully connected backward.
public func linearBackward(input: Tensor, weight: Tensor,
                           gradOutput: Tensor) -> (input: Tensor, weight: Tensor, bias: Tensor) {
    precondition(gradOutput.rank == 2 && gradOutput.shape == [input.shape[0], weight.shape[0]],
                 "linearBackward: gradOutput must be [\(input.shape[0]), \(weight.shape[0])]; got \(Tensor.describe(shape: gradOutput.shape)).")
    return (gradOutput.matmul(weight),
     gradOutput.matmul(input, transposeSelf: true),
     gradOutput.sum(alongAxis: 0))
}

/// A fully connected layer; parameters are [weight [out, in], bias [out]].
public struct Linear: Layer {
    public var weight: Tensor
    public var bias: Tensor
    private var input = Tensor(zeros: [0])

    public init(weight: Tensor, bias: Tensor) {
        self.weight = weight
        self.bias = bias
    }

    /// He-normal weights and small random biases, drawn from `seed`.
    public init(inputSize: Int, outputSize: Int, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        weight = heNormal(shape: [outputSize, inputSize], using: &generator)
        bias = Tensor.randomNormal(shape: [outputSize], standardDeviation: 0.1, using: &generator)
    }

    /// A 4 → 3 layer, for demos (`--input-shape N,4`).
    public init() { self.init(inputSize: 4, outputSize: 3) }

    public var parameters: [Tensor] {
        get { [weight, bias] }
        set { weight = newValue[0]; bias = newValue[1] }
    }

    public mutating func forward(_ input: Tensor) -> Tensor {
        self.input = input
        return linearForward(input: input, weight: weight, bias: bias)
    }

    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        let g = linearBackward(input: input, weight: weight, gradOutput: gradOutput)
        return (g.input, [g.weight, g.bias])
    }
}

/// A 2-D convolution layer; parameters are [weight [F, C, KH, KW], bias [F]].
public struct Conv2DLayer: Layer {
    public var weight: Tensor
    public var bias: Tensor
    public var stride: Int
    public var padding: Int
    private var input = Tensor(zeros: [0])

    public init(weight: Tensor, bias: Tensor, stride: Int = 1, padding: Int = 0) {
        (self.weight, self.bias, self.stride, self.padding) = (weight, bias, stride, padding)
    }

    /// He-normal weights and small random biases, drawn from `seed`.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        let weight = heNormal(shape: [outputChannels, inputChannels, kernelSize, kernelSize], using: &generator)
        let bias = Tensor.randomNormal(shape: [outputChannels], standardDeviation: 0.1, using: &generator)
        self.init(weight: weight, bias: bias, stride: stride, padding: padding)
    }

    /// 2 → 3 channels, 3×3, stride 2, padding 1, for demos (`--input-shape N,2,H,W`).
    public init() { self.init(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1) }

    public var parameters: [Tensor] {
        get { [weight, bias] }
        set { weight = newValue[0]; bias = newValue[1] }
    }

    public mutating func forward(_ input: Tensor) -> Tensor {
        self.input = input
        return conv2dForward(input: input, weight: weight, bias: bias, stride: stride, padding: padding)
    }

    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        let g = conv2dBackward(input: input, weight: weight, gradOutput: gradOutput, stride: stride, padding: padding)
        return (g.input, [g.weight, g.bias])
    }
}

/// Batch normalization in training mode (the mode whose backward is interesting); parameters are [gamma, beta].
public struct BatchNormLayer: Layer {
    public var gamma: Tensor
    public var beta: Tensor
    public var statistics: BatchNormStatistics
    public var training = true
    private var cache: BatchNormCache?

    public init(features: Int) {
        gamma = Tensor(ones: [features])
        beta = Tensor(zeros: [features])
        statistics = BatchNormStatistics(features: features)
    }

    /// Three features with non-trivial γ and β, for demos (`--input-shape N,3` or `N,3,H,W`).
    public init() {
        self.init(features: 3)
        gamma = Tensor([1.5, -0.5, 2])
        beta = Tensor([0.1, 0.2, -0.3])
    }

    public var parameters: [Tensor] {
        get { [gamma, beta] }
        set { gamma = newValue[0]; beta = newValue[1] }
    }

    public mutating func forward(_ input: Tensor) -> Tensor {
        let result = batchNormForward(input, gamma: gamma, beta: beta, statistics: &statistics, training: training)
        cache = result.cache
        return result.output
    }

    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        guard let cache else { preconditionFailure("BatchNormLayer.backward called before forward.") }
        let g = batchNormBackward(gradOutput: gradOutput, cache: cache)
        return (g.input, [g.gamma, g.beta])
    }
}

/// Max pooling; no parameters.
public struct MaxPool2DLayer: Layer {
    public var kernelSize: Int
    public var stride: Int
    public var parameters: [Tensor] = []
    private var inputShape: [Int] = []
    private var winners: [Int] = []

    public init(kernelSize: Int = 2, stride: Int = 2) { (self.kernelSize, self.stride) = (kernelSize, stride) }

    public mutating func forward(_ input: Tensor) -> Tensor {
        inputShape = input.shape
        let result = maxPool2dForward(input, kernelSize: kernelSize, stride: stride)
        winners = result.winners
        return result.output
    }

    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (maxPool2dBackward(gradOutput: gradOutput, winners: winners, inputShape: inputShape), [])
    }
}

/// Softmax along the last axis as a layer; no parameters.
public struct SoftmaxLayer: Layer {
    public var parameters: [Tensor] = []
    private var output = Tensor(zeros: [0])
    public init() {}
    public mutating func forward(_ input: Tensor) -> Tensor { output = softmax(input); return output }
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (softmaxBackward(output: output, gradOutput: gradOutput), [])
    }
}
