import TensorKit

// Weight penalties added to the data loss, L = L_data + λ·R(W), in the lecture's form:
//   L1: R(W) = Σ |w|     ∂/∂w = λ·sign(w)   (0 at w = 0: the subgradient that leaves zero weights at zero)
//   L2: R(W) = Σ w²      ∂/∂w = 2λ·w
// Example: w1 = [1, 0, 0, 0] and w2 = [0.25, 0.25, 0.25, 0.25] give the same dot product with [1, 1, 1, 1], but
// R₂ is 1 and 0.25: L2 prefers the spread-out weights by a factor of 4, while R₁ is 1 for both.

/// λ·Σ|w|.
public func l1Penalty(_ weights: Tensor, strength: Double) -> Double {
    strength * weights.scalars.reduce(0) { $0 + Swift.abs($1) }
}

/// λ·sign(w), with sign(0) = 0.
public func l1PenaltyGradient(_ weights: Tensor, strength: Double) -> Tensor {
    weights.map { $0 > 0 ? strength : ($0 < 0 ? -strength : 0) }
}

/// λ·Σw².
public func l2Penalty(_ weights: Tensor, strength: Double) -> Double {
    strength * weights.scalars.reduce(0) { $0 + $1 * $1 }
}

/// 2λ·w.
public func l2PenaltyGradient(_ weights: Tensor, strength: Double) -> Tensor {
    weights * (2 * strength)
}
