import TensorKit

// Weight initialization schemes. Each draws independent zero-mean weights whose variance keeps activations (or
// gradients) at a steady scale from layer to layer:
//
//   He / Kaiming (for ReLU):     Var = 2 / fanIn          (ReLU zeroes half the signal, so twice LeCun's variance)
//   Xavier / Glorot (tanh, σ):   Var = 2 / (fanIn + fanOut)  (a compromise between forward and backward passes)
//   LeCun (SELU):                Var = 1 / fanIn
//
// A uniform distribution on [−a, a] has variance a²/3, so each uniform variant uses a = √3 · std.

/// The fan-in and fan-out of a weight tensor, as PyTorch computes them.
///
/// A linear weight is [fanOut, fanIn]. A conv weight [F, C, kH, kW] connects each output to C·kH·kW inputs, so
/// fanIn = C·kH·kW and fanOut = F·kH·kW: the trailing axes form the receptive field and multiply both.
///
/// - Precondition: `shape` has at least two axes.
public func fans(shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    precondition(shape.count >= 2, "Fans need a weight of rank 2 or more ([out, in, ...]); got \(Tensor.describe(shape: shape)).")
    let receptiveField = shape.dropFirst(2).reduce(1, *)
    return (shape[1] * receptiveField, shape[0] * receptiveField)
}

/// The initialization schemes the reference engine knows.
public enum InitScheme: String, CaseIterable, Sendable {
    case heNormal, heUniform, xavierNormal, xavierUniform, lecunNormal, lecunUniform

    /// Whether the scheme draws from a normal (rather than a uniform) distribution.
    public var isNormal: Bool { self == .heNormal || self == .xavierNormal || self == .lecunNormal }
}

/// The standard deviation every weight of `shape` should have under `scheme` (the same for the normal and the
/// uniform variant of a family): √(2/fanIn) for He, √(2/(fanIn+fanOut)) for Xavier, √(1/fanIn) for LeCun.
public func initStandardDeviation(_ scheme: InitScheme, shape: [Int]) -> Double {
    let (fanIn, fanOut) = fans(shape: shape)
    switch scheme {
    case .heNormal, .heUniform: return (2 / Double(fanIn)).squareRoot()
    case .xavierNormal, .xavierUniform: return (2 / Double(fanIn + fanOut)).squareRoot()
    case .lecunNormal, .lecunUniform: return (1 / Double(fanIn)).squareRoot()
    }
}

/// Draws a weight tensor of `shape` under `scheme`: N(0, std²), or U(−√3·std, √3·std) for the uniform variants.
public func initialize(_ scheme: InitScheme, shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    let standardDeviation = initStandardDeviation(scheme, shape: shape)
    if scheme.isNormal {
        return Tensor.randomNormal(shape: shape, standardDeviation: standardDeviation, using: &generator)
    }
    let bound = 3.0.squareRoot() * standardDeviation
    return Tensor.randomUniform(shape: shape, low: -bound, high: bound, using: &generator)
}

/// He (Kaiming) normal: each weight from N(0, 2/fanIn).
public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    initialize(.heNormal, shape: shape, using: &generator)
}

/// He (Kaiming) uniform: each weight from U(−√(6/fanIn), √(6/fanIn)).
public func heUniform(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    initialize(.heUniform, shape: shape, using: &generator)
}

/// Xavier (Glorot) normal: each weight from N(0, 2/(fanIn + fanOut)).
public func xavierNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    initialize(.xavierNormal, shape: shape, using: &generator)
}

/// Xavier (Glorot) uniform: each weight from U(−√(6/(fanIn+fanOut)), √(6/(fanIn+fanOut))).
public func xavierUniform(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    initialize(.xavierUniform, shape: shape, using: &generator)
}

/// LeCun normal: each weight from N(0, 1/fanIn) (the initialization SELU's self-normalization assumes).
public func lecunNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    initialize(.lecunNormal, shape: shape, using: &generator)
}

/// LeCun uniform: each weight from U(−√(3/fanIn), √(3/fanIn)).
public func lecunUniform(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    initialize(.lecunUniform, shape: shape, using: &generator)
}
