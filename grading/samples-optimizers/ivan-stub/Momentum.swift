import Foundation
import TensorKit

// MARK: - Exercise `momentum`: SGD with classical and Nesterov momentum
//
// Run `swift run grader check momentum` to grade this file.

// The convention of this exercise (PyTorch's `torch.optim.SGD` with momentum ρ, dampening 0):
//
//     v ← ρ·v + g                    (the velocity is a decaying SUM OF GRADIENTS: no learning rate, no minus sign)
//     θ ← θ − lr·v                   (classical momentum)
//     θ ← θ − lr·(g + ρ·v)           (Nesterov, with the NEW v)
//
// `velocity` holds exactly that v, zeros at the start; after one step from zero it equals the gradient.
//
// Other forms you will meet in the notes, and why they are not this one:
// - v ← ρ·v − lr·g,  θ ← θ + v  (cs231n, some slides): v is the step itself; with a constant lr, −lr times ours.
// - v ← ρ·v + lr·g,  θ ← θ − v  (other slides): with a constant lr, v is lr times ours.
// While lr stays constant all three move θ identically, so the parameters alone cannot tell them apart; the
// stored velocity can, and so can a learning rate that changes between steps (a schedule): here the current lr
// scales the whole accumulated v, there each gradient keeps the lr it was added with. Store v as above.
// - v ← ρ·v + (1 − ρ)·g  is a moving AVERAGE (Adam's m, PyTorch's dampening = ρ); momentum here SUMS.
//
// Nesterov. The notes' look-ahead form evaluates the gradient at θ − lr·ρ·v, a point the caller would have to
// visit first. Like PyTorch, this exercise uses the equivalent form that needs the gradient at the current θ
// only (the change of variables in the notes): the caller gives you g = ∇L(θ) and you take the step
// θ ← θ − lr·(g + ρ·v_new). Use the velocity AFTER this step's update, not the old one.

/// One step of SGD with classical momentum; updates `parameters` and `velocity` in place.
///
///     v ← ρ·v + g
///     θ ← θ − lr·v
///
/// - Parameters:
///   - parameters: θ, any shape; updated in place.
///   - gradient: g = ∂L/∂θ at the current θ, same shape as `parameters`.
///   - velocity: v, same shape, zeros before the first step; store the new v back (the next call continues
///     from it).
///   - learningRate: lr for this step; it may differ from one call to the next (a schedule).
///   - momentum: ρ in [0, 1), e.g. 0.9. With ρ = 0 this is plain SGD and v is just the gradient.
public func sgdMomentumStep(parameters: inout Tensor, gradient: Tensor, velocity: inout Tensor,
                            learningRate: Double, momentum: Double) {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}

/// One step of SGD with Nesterov momentum; updates `parameters` and `velocity` in place.
///
///     v ← ρ·v + g
///     θ ← θ − lr·(g + ρ·v)          (v is the value just computed)
///
/// Same arguments and the same velocity as `sgdMomentumStep`: only the parameter update differs. Unrolled,
/// θ moves by −lr·((1 + ρ)·g + ρ²·v_old): the gradient counts (1 + ρ) times, the old velocity ρ² times.
public func nesterovMomentumStep(parameters: inout Tensor, gradient: Tensor, velocity: inout Tensor,
                                 learningRate: Double, momentum: Double) {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}
