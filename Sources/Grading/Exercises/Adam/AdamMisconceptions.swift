import Foundation
import GradingCore
import TensorKit

/// The known wrong ways to write an Adam step, each as runnable code.
public enum AdamMisconceptions {
    public static let noBiasCorrection = Misconception(
        id: "no-bias-correction",
        summary: "Your Adam step uses m and v directly, without bias correction; since both start at zero, the early steps have the wrong size (the first is (1 − β1)/√(1 − β2) times the corrected step, about 3.2 times too large for β1 = 0.9 and β2 = 0.999).",
        fix: "Divide by the bias corrections: m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), then θ ← θ − lr·m̂/(√v̂ + ε).")
    public static let epsilonInsideSqrt = Misconception(
        id: "epsilon-inside-sqrt",
        summary: "Your Adam step puts ε inside the square root (√(v̂ + ε)); the convention here, as in Kingma & Ba and PyTorch, is ε outside it, which matters when gradients are small.",
        fix: "Compute θ ← θ − lr·m̂/(√v̂ + ε): take the square root of v̂ first, then add ε.")
    public static let staleStepCounter = Misconception(
        id: "stale-step-counter",
        summary: "Your Adam step uses the step counter before incrementing it, so the bias corrections use t − 1 (at the first step 1 − β⁰ = 0, which divides by zero).",
        fix: "Increment state.t first (t starts at 0, so the first step uses t = 1), then compute 1 − β1ᵗ and 1 − β2ᵗ.")
    public static let biasCorrectMOnly = Misconception(
        id: "bias-correct-m-only",
        summary: "Your Adam step bias-corrects m but not v, so the denominator √v is too small early on and the first steps are too large.",
        fix: "Correct both moments: m̂ = m/(1 − β1ᵗ) and v̂ = v/(1 − β2ᵗ).")
    public static let momentsNotStored = Misconception(
        id: "moments-not-stored",
        summary: "Your Adam step updates copies of m and v but never stores them back into the state, so every step starts again from the initial moments.",
        fix: "Write the new moments back: state.m = m and state.v = v (the state is inout for this reason).")

    public static let variants: [WrongVariant] = [
        WrongVariant(staleStepCounter, with { p, g, s, lr, b1, b2, eps in
            let t = s.t
            step(&p, g, &s, lr, b1, b2, eps, correctionStep: t)
            s.t = t + 1
        }),
        WrongVariant(momentsNotStored, with { p, g, s, lr, b1, b2, eps in
            var copy = s
            copy.t += 1
            step(&p, g, &copy, lr, b1, b2, eps, correctionStep: copy.t)
            s.t = copy.t
        }),
        WrongVariant(noBiasCorrection, with { p, g, s, lr, b1, b2, eps in
            s.t += 1
            step(&p, g, &s, lr, b1, b2, eps, correctionStep: s.t, correctM: false, correctV: false)
        }),
        WrongVariant(biasCorrectMOnly, with { p, g, s, lr, b1, b2, eps in
            s.t += 1
            step(&p, g, &s, lr, b1, b2, eps, correctionStep: s.t, correctV: false)
        }),
        WrongVariant(epsilonInsideSqrt, with { p, g, s, lr, b1, b2, eps in
            s.t += 1
            step(&p, g, &s, lr, b1, b2, eps, correctionStep: s.t, epsilonInside: true)
        }),
    ]

    static func with(_ adamStep: @escaping ExerciseImplementation.AdamStepFunction) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.adamStep = adamStep
        return implementation
    }

    /// One Adam update with switches for each mistake; the state's t is left to the caller.
    static func step(_ parameters: inout Tensor, _ gradient: Tensor, _ state: inout AdamState, _ learningRate: Double,
                     _ beta1: Double, _ beta2: Double, _ epsilon: Double, correctionStep t: Int,
                     correctM: Bool = true, correctV: Bool = true, epsilonInside: Bool = false) {
        let count = Swift.min(parameters.count, gradient.count, state.m.count, state.v.count)
        let c1 = correctM ? 1 - pow(beta1, Double(t)) : 1
        let c2 = correctV ? 1 - pow(beta2, Double(t)) : 1
        for i in 0..<count {
            let g = gradient.scalars[i]
            state.m.scalars[i] = beta1 * state.m.scalars[i] + (1 - beta1) * g
            state.v.scalars[i] = beta2 * state.v.scalars[i] + (1 - beta2) * g * g
            let mHat = state.m.scalars[i] / c1, vHat = state.v.scalars[i] / c2
            let denominator = epsilonInside ? (vHat + epsilon).squareRoot() : vHat.squareRoot() + epsilon
            parameters.scalars[i] -= learningRate * mHat / denominator
        }
    }
}
