import TensorKit

// The activations of Activations.swift as parameterless layers, for gradient-checking networks built from them.

/// ReLU as a layer.
public struct ReLULayer: Layer {
    public var parameters: [Tensor] = []
    private var input = Tensor(zeros: [0])
    public init() {}
    public mutating func forward(_ input: Tensor) -> Tensor { self.input = input; return reluForward(input) }
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (reluBackward(input: input, gradOutput: gradOutput), [])
    }
}

/// Leaky ReLU as a layer.
public struct LeakyReLULayer: Layer {
    public var parameters: [Tensor] = []
    public var slope: Double
    private var input = Tensor(zeros: [0])
    public init(slope: Double = 0.01) { self.slope = slope }
    public mutating func forward(_ input: Tensor) -> Tensor {
        self.input = input
        return leakyReLUForward(input, slope: slope)
    }
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (leakyReLUBackward(input: input, gradOutput: gradOutput, slope: slope), [])
    }
}

/// ELU as a layer.
public struct ELULayer: Layer {
    public var parameters: [Tensor] = []
    public var alpha: Double
    private var input = Tensor(zeros: [0])
    public init(alpha: Double = 1) { self.alpha = alpha }
    public mutating func forward(_ input: Tensor) -> Tensor { self.input = input; return eluForward(input, alpha: alpha) }
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (eluBackward(input: input, gradOutput: gradOutput, alpha: alpha), [])
    }
}

/// SELU as a layer.
public struct SELULayer: Layer {
    public var parameters: [Tensor] = []
    private var input = Tensor(zeros: [0])
    public init() {}
    public mutating func forward(_ input: Tensor) -> Tensor { self.input = input; return seluForward(input) }
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (seluBackward(input: input, gradOutput: gradOutput), [])
    }
}

/// Sigmoid as a layer.
public struct SigmoidLayer: Layer {
    public var parameters: [Tensor] = []
    private var output = Tensor(zeros: [0])
    public init() {}
    public mutating func forward(_ input: Tensor) -> Tensor { output = sigmoidForward(input); return output }
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (sigmoidBackward(output: output, gradOutput: gradOutput), [])
    }
}

/// Tanh as a layer.
public struct TanhLayer: Layer {
    public var parameters: [Tensor] = []
    private var output = Tensor(zeros: [0])
    public init() {}
    public mutating func forward(_ input: Tensor) -> Tensor { output = tanhForward(input); return output }
    public func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (tanhBackward(output: output, gradOutput: gradOutput), [])
    }
}
