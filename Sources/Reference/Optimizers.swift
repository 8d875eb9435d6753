import TensorKit

// First-order optimizers, each as "state + one update rule": a small struct holding what the method carries
// between steps (nothing, a velocity, a running sum of squares, two moments) and a function that applies one
// step in place. All operations are elementwise; `gradient` is ∂L/∂θ for the current `parameters`.
//
// ε always sits outside the square root, as in PyTorch and in Kingma & Ba.

/// Plain SGD: θ ← θ − lr·g.
public func sgdStep(parameters: inout Tensor, gradient: Tensor, learningRate: Double) {
    checkShapes(parameters, gradient, "sgdStep")
    parameters = parameters.zipMap(gradient) { theta, g in theta - learningRate * g }
}

/// The velocity that SGD with momentum (classical or Nesterov) carries between steps; zeros at the start.
public struct MomentumState: Equatable, Sendable {
    public var velocity: Tensor
    public init(like parameters: Tensor) { velocity = Tensor(zeros: parameters.shape) }
}

/// SGD with (classical) momentum, in the lecture's form: v ← ρ·v − lr·g, then θ ← θ + v.
/// (With a constant learning rate this is the same trajectory as PyTorch's v ← ρv + g, θ ← θ − lr·v.)
public func sgdMomentumStep(parameters: inout Tensor, gradient: Tensor, state: inout MomentumState,
                            learningRate: Double, momentum: Double) {
    checkShapes(parameters, gradient, "sgdMomentumStep")
    state.velocity = state.velocity.zipMap(gradient) { v, g in momentum * v - learningRate * g }
    parameters += state.velocity
}

/// Nesterov momentum in the "look-ahead" form that needs the gradient at θ only:
/// v' ← ρ·v − lr·g, then θ ← θ − ρ·v + (1 + ρ)·v' (equivalently θ ← θ + v' + ρ(v' − v)).
public func nesterovStep(parameters: inout Tensor, gradient: Tensor, state: inout MomentumState,
                         learningRate: Double, momentum: Double) {
    checkShapes(parameters, gradient, "nesterovStep")
    let previous = state.velocity
    state.velocity = previous.zipMap(gradient) { v, g in momentum * v - learningRate * g }
    parameters = parameters + state.velocity + momentum * (state.velocity - previous)
}

/// SGD with momentum as PyTorch writes it (`torch.optim.SGD`, dampening 0), the course's convention for the
/// `momentum` exercise: the state is the momentum buffer b, a decaying sum of gradients with no learning rate in it.
///
///     b ← ρ·b + g
///     θ ← θ − lr·b                 (classical)
///     θ ← θ − lr·(g + ρ·b)         (Nesterov, with the new b)
///
/// With a constant learning rate the parameters follow `sgdMomentumStep` / `nesterovStep` exactly and their
/// velocity is −lr·b; when the learning rate changes between steps the trajectories differ, because here the
/// whole accumulated buffer is scaled by the current learning rate.
public func momentumBufferStep(parameters: inout Tensor, gradient: Tensor, buffer: inout Tensor,
                               learningRate: Double, momentum: Double, nesterov: Bool) {
    checkShapes(parameters, gradient, "momentumBufferStep")
    buffer = buffer.zipMap(gradient) { b, g in momentum * b + g }
    let direction = nesterov ? gradient.zipMap(buffer) { g, b in g + momentum * b } : buffer
    parameters = parameters.zipMap(direction) { theta, d in theta - learningRate * d }
}

/// The running sum (AdaGrad) or running average (RMSProp) of squared gradients; zeros at the start.
public struct SquaredGradientState: Equatable, Sendable {
    public var sumOfSquares: Tensor
    public init(like parameters: Tensor) { sumOfSquares = Tensor(zeros: parameters.shape) }
}

/// AdaGrad: h ← h + g², θ ← θ − lr·g / (√h + ε). Steps only shrink, since h only grows.
public func adaGradStep(parameters: inout Tensor, gradient: Tensor, state: inout SquaredGradientState,
                        learningRate: Double, epsilon: Double = 1e-10) {
    checkShapes(parameters, gradient, "adaGradStep")
    state.sumOfSquares = state.sumOfSquares.zipMap(gradient) { h, g in h + g * g }
    let step = gradient.zipMap(state.sumOfSquares) { g, h in learningRate * g / (h.squareRoot() + epsilon) }
    parameters -= step
}

/// RMSProp: h ← β·h + (1 − β)·g², θ ← θ − lr·g / (√h + ε). The leaky average lets old gradients fade.
public func rmsPropStep(parameters: inout Tensor, gradient: Tensor, state: inout SquaredGradientState,
                        learningRate: Double, decay: Double = 0.99, epsilon: Double = 1e-8) {
    checkShapes(parameters, gradient, "rmsPropStep")
    state.sumOfSquares = state.sumOfSquares.zipMap(gradient) { h, g in decay * h + (1 - decay) * g * g }
    let step = gradient.zipMap(state.sumOfSquares) { g, h in learningRate * g / (h.squareRoot() + epsilon) }
    parameters -= step
}

/// Adam (Kingma & Ba, 2015), the course's convention:
///
///     t ← t + 1
///     m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
///     m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
///     θ ← θ − lr · m̂ / (√v̂ + ε)
///
/// Because m and v start at zero, without the correction the first step would be (1 − β1)/√(1 − β2) times the
/// corrected one, ≈ 3.2× too large for the defaults; with it, the first step moves each parameter by ≈ lr·sign(g) (exactly
/// lr·|g|/(|g| + ε)).
public func adamStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState,
                     learningRate: Double, beta1: Double, beta2: Double, epsilon: Double) {
    checkShapes(parameters, gradient, "adamStep")
    precondition(state.m.shape == parameters.shape && state.v.shape == parameters.shape,
                 "adamStep: the state's moments have shapes \(Tensor.describe(shape: state.m.shape)) and \(Tensor.describe(shape: state.v.shape)), the parameters \(Tensor.describe(shape: parameters.shape)).")
    state.t += 1
    let correction1 = 1 - pow(beta1, Double(state.t))
    let correction2 = 1 - pow(beta2, Double(state.t))
    let count = parameters.count
    parameters.scalars.withUnsafeMutableBufferPointer { theta in
        state.m.scalars.withUnsafeMutableBufferPointer { m in
            state.v.scalars.withUnsafeMutableBufferPointer { v in
                gradient.scalars.withUnsafeBufferPointer { g in
                    for i in 0..<count {
                        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                        let mHat = m[i] / correction1
                        let vHat = v[i] / correction2
                        theta[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
                    }
                }
            }
        }
    }
}

/// AdamW (Loshchilov & Hutter, 2019) as PyTorch implements it: the decoupled weight decay
/// θ ← θ − lr·λ·θ is applied first, directly to the weights (never through the gradient, so it is not rescaled
/// by the adaptive denominator), and then the Adam step above runs with the unchanged gradient.
public func adamWStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState,
                      learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double) {
    parameters *= 1 - learningRate * weightDecay
    adamStep(parameters: &parameters, gradient: gradient, state: &state,
             learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
}

private func checkShapes(_ parameters: Tensor, _ gradient: Tensor, _ name: String) {
    precondition(parameters.shape == gradient.shape,
                 "\(name): parameters \(Tensor.describe(shape: parameters.shape)) and gradient \(Tensor.describe(shape: gradient.shape)) differ in shape.")
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
