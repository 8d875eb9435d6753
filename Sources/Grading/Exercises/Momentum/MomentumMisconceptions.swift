import GradingCore
import TensorKit

/// The known wrong ways to write the momentum steps, each as runnable code. The first two are the other forms the
/// notes write the velocity in: correct parameters while the learning rate is constant, a different velocity always.
public enum MomentumMisconceptions {
    public static let velocityAsStep = Misconception(
        id: "velocity-as-step",
        summary: "Your velocity holds the step itself, v ← ρ·v − lr·g with θ ← θ + v (cs231n's form); this exercise stores PyTorch's v ← ρ·v + g with θ ← θ − lr·v, so your velocity is −lr times the expected one, and when the learning rate changes between steps your parameters differ too.",
        fix: "Keep the learning rate and the minus sign out of the velocity: v ← ρ·v + g, then θ ← θ − lr·v (Nesterov: θ ← θ − lr·(g + ρ·v)).")
    public static let velocityScaledByLearningRate = Misconception(
        id: "velocity-scaled-by-lr",
        summary: "Your velocity has the learning rate folded in, v ← ρ·v + lr·g with θ ← θ − v; this exercise stores PyTorch's v ← ρ·v + g with θ ← θ − lr·v, so your velocity is lr times the expected one, and when the learning rate changes between steps your parameters differ too.",
        fix: "Add the plain gradient to the velocity, v ← ρ·v + g, and apply the learning rate when moving θ: θ ← θ − lr·v (Nesterov: θ ← θ − lr·(g + ρ·v)).")
    public static let movingAverageVelocity = Misconception(
        id: "moving-average-velocity",
        summary: "Your velocity is a moving average, v ← ρ·v + (1 − ρ)·g (Adam's first moment, or PyTorch's dampening = ρ); momentum here sums the gradients, v ← ρ·v + g, so your steps are (1 − ρ) times too small.",
        fix: "Add the whole gradient: v ← ρ·v + g, with no (1 − ρ) factor.")
    public static let velocityNotStored = Misconception(
        id: "velocity-not-stored",
        summary: "Your step computes the new velocity but never stores it back, so every step starts again from the velocity of the first call.",
        fix: "Write the new velocity into the `velocity` argument (it is inout for this reason) before returning.")
    public static let nesterovAsClassical = Misconception(
        id: "nesterov-as-classical",
        summary: "Your Nesterov step moves θ by −lr·(g + ρ·v_old), which is −lr·v_new: classical momentum; Nesterov's look-ahead uses the new velocity, θ ← θ − lr·(g + ρ·v_new).",
        fix: "Update the velocity first, v ← ρ·v + g, then step with the new one: θ ← θ − lr·(g + ρ·v).")

    public static let variants: [WrongVariant] = [
        // cs231n: v ← ρv − lr·g, θ ← θ + v; Nesterov by the notes' change of variables θ ← θ + v' + ρ(v' − v).
        WrongVariant(velocityAsStep, with(classical: { p, g, v, lr, rho in
            v = v.zipMap(g) { rho * $0 - lr * $1 }
            p = p + v
        }, nesterov: { p, g, v, lr, rho in
            let old = v
            v = v.zipMap(g) { rho * $0 - lr * $1 }
            p = p + v + rho * (v - old)
        })),
        // v ← ρv + lr·g, θ ← θ − v; Nesterov θ ← θ − (lr·g + ρ·v').
        WrongVariant(velocityScaledByLearningRate, with(classical: { p, g, v, lr, rho in
            v = v.zipMap(g) { rho * $0 + lr * $1 }
            p = p - v
        }, nesterov: { p, g, v, lr, rho in
            v = v.zipMap(g) { rho * $0 + lr * $1 }
            p = p - (lr * g + rho * v)
        })),
        WrongVariant(movingAverageVelocity, with(classical: { p, g, v, lr, rho in
            v = v.zipMap(g) { rho * $0 + (1 - rho) * $1 }
            p = p - lr * v
        }, nesterov: { p, g, v, lr, rho in
            v = v.zipMap(g) { rho * $0 + (1 - rho) * $1 }
            p = p - lr * (g + rho * v)
        })),
        WrongVariant(velocityNotStored, with(classical: { p, g, v, lr, rho in
            let updated = v.zipMap(g) { rho * $0 + $1 }
            p = p - lr * updated
        }, nesterov: { p, g, v, lr, rho in
            let updated = v.zipMap(g) { rho * $0 + $1 }
            p = p - lr * (g + rho * updated)
        })),
        WrongVariant(nesterovAsClassical, with(nesterov: { p, g, v, lr, rho in
            p = p - lr * (g + rho * v)
            v = v.zipMap(g) { rho * $0 + $1 }
        })),
    ]

    /// The reference with the classical and/or the Nesterov step replaced.
    static func with(classical: ExerciseImplementation.MomentumStepFunction? = nil,
                     nesterov: ExerciseImplementation.MomentumStepFunction? = nil) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        if let classical { implementation.sgdMomentumStep = classical }
        if let nesterov { implementation.nesterovMomentumStep = nesterov }
        return implementation
    }
}
