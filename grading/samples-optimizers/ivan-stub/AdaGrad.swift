import Foundation
import TensorKit

// MARK: - Exercise `adagrad`: one step of AdaGrad
//
// Run `swift run grader check adagrad` to grade this file.

/// Applies one AdaGrad update (Duchi, Hazan & Singer, 2011) to `parameters` in place and advances `cache`.
///
/// With gradient `g`, all operations elementwise:
///
///     h ← h + g²                            (the running SUM of squared gradients, never decayed)
///     θ ← θ − lr · g / (√h + ε)             (the NEW h; ε outside the square root, as in PyTorch)
///
/// Parameters whose gradients have been large take small steps, those whose gradients have been small take large
/// ones. Because h only grows, every step size lr/(√h + ε) shrinks over time (about like 1/√k after k steps of
/// similar gradients): AdaGrad's known weakness, which RMSProp fixes with a leaky average.
///
/// Conventions that trip people up:
/// - Add g² to h **before** the step and divide by the new √h. Dividing by the old h makes the first step
///   lr·g/ε, with ε ≈ 1e-10: an explosion.
/// - ε goes **outside** the root (√h + ε). Some notes write √(h + ε); with gradients near ε the two differ a lot.
/// - The square root matters: dividing by h itself makes the step scale like 1/|g| instead of being about lr.
/// - `cache` starts at zeros (PyTorch's `initial_accumulator_value` = 0) and must be stored back after every step.
///
/// - Parameters:
///   - parameters: θ, any shape; updated in place.
///   - gradient: g = ∂L/∂θ, same shape as `parameters`.
///   - cache: h, same shape, zeros before the first step; updated in place.
///   - learningRate: lr.
///   - epsilon: ε > 0, added to √h (PyTorch's default is 1e-10).
public func adagradStep(parameters: inout Tensor, gradient: Tensor, cache: inout Tensor,
                        learningRate: Double, epsilon: Double) {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}
