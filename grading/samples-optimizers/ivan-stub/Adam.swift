import Foundation
import TensorKit

// MARK: - Exercise `adam`: one step of the Adam optimizer
//
// Run `swift run grader check adam` to grade this file.

/// Applies one Adam update (Kingma & Ba, 2015) to `parameters` in place and advances `state`.
///
/// With gradient `g`, all operations elementwise:
///
///     t ← t + 1                                  (first!  the first step uses t = 1)
///     m ← β₁·m + (1 − β₁)·g                      (moving average of gradients: momentum)
///     v ← β₂·v + (1 − β₂)·g²                     (moving average of squared gradients: RMSProp)
///     m̂ = m / (1 − β₁ᵗ)                          (bias correction)
///     v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − lr · m̂ / (√v̂ + ε)                 (ε OUTSIDE the square root)
///
/// **Why bias correction.** m and v start at zero, so early averages are pulled towards zero: after one step
/// `m = (1 − β₁)·g = 0.1·g` for β₁ = 0.9. In general `E[mₜ] = (1 − β₁ᵗ)·E[g]`, and dividing by `1 − β₁ᵗ` removes
/// that factor: ×10 at t = 1 with β₁ = 0.9, ≈ ×1.0 by t = 100. For v with β₂ = 0.999 the factor is ×1000 at t = 1.
/// A consequence worth checking your code against: on the very first step `m̂ = g` and `√v̂ = |g|`, so every
/// parameter moves by almost exactly `lr` against the sign of its gradient, whatever the gradient's size.
///
/// Conventions that trip people up:
/// - Increment `state.t` **before** computing the corrections (t counts steps *taken*, 0 at the start). Using the
///   old value makes the first correction `1 − β⁰ = 0`, a division by zero.
/// - ε goes **outside** the root, as in the paper and PyTorch. Some notes write `√(v̂ + ε)`; with gradients near
///   1e-8 the two differ a lot.
/// - Write the new m, v and t back into `state`: the next call continues from them.
/// - `gradient` is ∂L/∂θ; the update goes *against* it (minus sign).
/// - Typical values: lr = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, but use the arguments you are given.
///
/// - Parameters:
///   - parameters: θ, any shape; updated in place.
///   - gradient: ∂L/∂θ, same shape as `parameters`.
///   - state: m and v (shaped like `parameters`) and the step count t; updated in place.
///   - learningRate: lr (α in the paper).
///   - beta1: decay rate of the first moment, in [0, 1).
///   - beta2: decay rate of the second moment, in [0, 1).
///   - epsilon: ε > 0, added to √v̂ to avoid dividing by zero.
public func adamStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState,
                     learningRate: Double, beta1: Double, beta2: Double, epsilon: Double) {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}
