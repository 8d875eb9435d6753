import Foundation
import TensorKit

// MARK: - Exercise `rmsprop`: one step of RMSProp
//
// Run `swift run grader check rmsprop` to grade this file.

// BEGIN SOLUTION
// Solution to the `rmsprop` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
// END SOLUTION

/// Applies one RMSProp update (Hinton, Lecture 6e) to `parameters` in place and advances `cache`.
///
/// With gradient `g`, all operations elementwise:
///
///     h ← decay·h + (1 − decay)·g²          (a leaky average of squared gradients)
///     θ ← θ − lr · g / (√h + ε)             (ε outside the square root, as in PyTorch)
///
/// Each parameter gets its own step size lr/(√h + ε): large for parameters whose gradients have been small,
/// small for those whose gradients have been large. Unlike AdaGrad's running sum, the leaky average forgets old
/// gradients, so the step size can recover.
///
/// Conventions that trip people up:
/// - ε goes **outside** the root. Some notes write √(h + ε); with gradients near 1e-8 (where g² is far below ε)
///   the two give completely different steps.
/// - `decay` weights the OLD average (typically 0.9 or 0.99); the new g² gets 1 − decay.
/// - Update h first, then use the new h in the step.
/// - `cache` starts at zeros and must be stored back after every step: the next call continues from it.
///
/// - Parameters:
///   - parameters: θ, any shape; updated in place.
///   - gradient: g = ∂L/∂θ, same shape as `parameters`.
///   - cache: h, same shape, zeros before the first step; updated in place.
///   - learningRate: lr.
///   - decay: the weight of the old average, in [0, 1).
///   - epsilon: ε > 0, added to √h.
public func rmspropStep(parameters: inout Tensor, gradient: Tensor, cache: inout Tensor,
                        learningRate: Double, decay: Double, epsilon: Double) {
    // BEGIN SOLUTION
    for i in 0..<parameters.scalars.count {
        let g = gradient.scalars[i]
        cache.scalars[i] = decay * cache.scalars[i] + (1 - decay) * g * g
        parameters.scalars[i] -= learningRate * g / (cache.scalars[i].squareRoot() + epsilon)
    }
    // END SOLUTION
}
