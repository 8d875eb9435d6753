import Foundation
import TensorKit

// MARK: - Exercise `adamw`: Adam with decoupled weight decay (AdamW)
//
// Run `swift run grader check adamw` to grade this file.

/// Applies one AdamW update (Loshchilov & Hutter, 2019, as PyTorch's `torch.optim.AdamW` does it) to
/// `parameters` in place and advances `state`.
///
/// With gradient `g` and weight decay λ, all operations elementwise:
///
///     θ ← θ − lr·λ·θ                             (1. decoupled weight decay, on the weights as they came in)
///     t ← t + 1                                  (2. then exactly the Adam step of the `adam` exercise,
///     m ← β₁·m + (1 − β₁)·g                          with the gradient as given)
///     v ← β₂·v + (1 − β₂)·g²
///     m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − lr · m̂ / (√v̂ + ε)
///
/// Together: θ_new = θ − lr·λ·θ − lr·m̂/(√v̂ + ε), both terms computed from the θ the step started with.
///
/// **Decoupled, not L2.** The classic confusion is to add the L2 penalty's gradient to g (g ← g + λ·θ) and run
/// Adam: then the decay goes through m and v and is divided by √v̂ like everything else, so weights with large
/// gradients are barely decayed. That is "Adam with L2 regularization" (`torch.optim.Adam(weight_decay=λ)`), not
/// AdamW. Here the decay never touches g, m or v.
///
/// Conventions that trip people up:
/// - The decay is scaled by the learning rate (lr·λ, as in PyTorch); the paper's schedule multiplier is not
///   a separate argument here.
/// - Decay the weights as they were at the start of the step, not the weights after the Adam update (PyTorch
///   decays first; the order changes the result by lr·λ times the Adam step).
/// - With λ = 0 this is exactly Adam. All of Adam's conventions hold: t first, ε outside the root, store m, v, t.
/// - This file must compile on its own: write the Adam part out here (you may copy it from your Adam.swift). If
///   your assignment also has the `adam` exercise you may call your own `adamStep` instead, but then a mistake
///   there costs points here too.
///
/// - Parameters:
///   - parameters: θ, any shape; updated in place.
///   - gradient: ∂L/∂θ of the loss WITHOUT the weight-decay term, same shape as `parameters`.
///   - state: m and v (shaped like `parameters`) and the step count t; updated in place.
///   - learningRate: lr.
///   - beta1, beta2: the moments' decay rates, in [0, 1).
///   - epsilon: ε > 0, added to √v̂.
///   - weightDecay: λ ≥ 0 (PyTorch's AdamW default is 0.01).
public func adamWStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState,
                      learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double) {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}
