import TensorKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Elementwise activations, forward and backward. Each backward takes whichever of input or output makes the
// derivative cheapest and exact, and returns gradOutput ⊙ f′.
//
// At a kink (ReLU and leaky ReLU at 0, ELU/SELU at 0) the derivative used is the left one, as PyTorch does:
// ReLU′(0) = 0, leakyReLU′(0) = slope.

/// ReLU: max(0, x).
public func reluForward(_ input: Tensor) -> Tensor { input.map { $0 > 0 ? $0 : 0 } }

/// ReLU backward: g where x > 0, else 0.
public func reluBackward(input: Tensor, gradOutput: Tensor) -> Tensor {
    gradOutput.zipMap(input) { g, x in x > 0 ? g : 0 }
}

/// Leaky ReLU: x for x > 0, slope·x otherwise.
public func leakyReLUForward(_ input: Tensor, slope: Double = 0.01) -> Tensor {
    input.map { $0 > 0 ? $0 : slope * $0 }
}

/// Leaky ReLU backward: g for x > 0, slope·g otherwise.
public func leakyReLUBackward(input: Tensor, gradOutput: Tensor, slope: Double = 0.01) -> Tensor {
    gradOutput.zipMap(input) { g, x in x > 0 ? g : slope * g }
}

/// ELU: x for x > 0, α(eˣ − 1) otherwise (`expm1` keeps small negative x accurate).
public func eluForward(_ input: Tensor, alpha: Double = 1) -> Tensor {
    input.map { $0 > 0 ? $0 : alpha * expm1($0) }
}

/// ELU backward: g for x > 0, g·α·eˣ otherwise.
public func eluBackward(input: Tensor, gradOutput: Tensor, alpha: Double = 1) -> Tensor {
    gradOutput.zipMap(input) { g, x in x > 0 ? g : g * alpha * exp(x) }
}

/// SELU's constants (Klambauer et al., 2017): α ≈ 1.6733, λ ≈ 1.0507, to full double precision.
public let seluAlpha = 1.6732632423543772848170429916717
public let seluScale = 1.0507009873554804934193349852946

/// SELU: λ·x for x > 0, λ·α(eˣ − 1) otherwise.
public func seluForward(_ input: Tensor) -> Tensor {
    input.map { seluScale * ($0 > 0 ? $0 : seluAlpha * expm1($0)) }
}

/// SELU backward: g·λ for x > 0, g·λ·α·eˣ otherwise.
public func seluBackward(input: Tensor, gradOutput: Tensor) -> Tensor {
    gradOutput.zipMap(input) { g, x in g * seluScale * (x > 0 ? 1 : seluAlpha * exp(x)) }
}

/// Logistic sigmoid 1/(1 + e⁻ˣ), evaluated so that no exponent is positive (no overflow for x ≪ 0).
public func sigmoidForward(_ input: Tensor) -> Tensor {
    input.map { x in
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}

/// Sigmoid backward from its output y: g·y(1 − y).
public func sigmoidBackward(output: Tensor, gradOutput: Tensor) -> Tensor {
    gradOutput.zipMap(output) { g, y in g * y * (1 - y) }
}

/// Hyperbolic tangent.
public func tanhForward(_ input: Tensor) -> Tensor { input.map { tanh($0) } }

/// Tanh backward from its output y: g·(1 − y²).
public func tanhBackward(output: Tensor, gradOutput: Tensor) -> Tensor {
    gradOutput.zipMap(output) { g, y in g * (1 - y * y) }
}
