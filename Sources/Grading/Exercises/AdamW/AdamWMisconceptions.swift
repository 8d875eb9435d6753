import Foundation
import GradingCore
import TensorKit

/// The known wrong ways to write `adamWStep`, each as runnable code; the Adam part is `AdamMisconceptions.step`
/// (correct unless told otherwise), so each variant differs from the reference in where the decay goes.
public enum AdamWMisconceptions {
    public static let l2InGradient = Misconception(
        id: "l2-in-gradient",
        summary: "Your AdamW step adds the L2 penalty's gradient to g (g + λ·θ) and runs Adam on it, so the decay goes through m and v and is divided by √v̂ (Adam with L2 regularization); AdamW's decay is decoupled: θ ← θ − lr·λ·θ, applied to the weights directly.",
        fix: "Leave the gradient alone: first θ ← θ − lr·λ·θ, then the plain Adam step with g.")
    public static let decayNotScaledByLearningRate = Misconception(
        id: "decay-not-scaled-by-lr",
        summary: "Your AdamW step decays the weights by λ·θ without the learning rate; as in PyTorch, the decoupled decay here is θ ← θ − lr·λ·θ.",
        fix: "Multiply the decay by the learning rate: θ ← θ·(1 − lr·λ), then the Adam step.")
    public static let decayAfterStep = Misconception(
        id: "decay-after-step",
        summary: "Your AdamW step decays the weights after the Adam update, so it shrinks the updated θ; as in PyTorch, the decay uses the weights the step started with, θ_new = θ − lr·λ·θ − lr·m̂/(√v̂ + ε).",
        fix: "Apply θ ← θ − lr·λ·θ before the Adam update (or compute both terms from the incoming θ).")
    public static let noWeightDecay = Misconception(
        id: "no-weight-decay",
        summary: "Your AdamW step never applies the weight decay λ: it is plain Adam.",
        fix: "Shrink the weights first, θ ← θ − lr·λ·θ, then take the Adam step.")

    public static let variants: [WrongVariant] = [
        WrongVariant(l2InGradient, with { p, g, s, lr, b1, b2, eps, wd in
            s.t += 1
            AdamMisconceptions.step(&p, g + wd * p, &s, lr, b1, b2, eps, correctionStep: s.t)
        }),
        WrongVariant(decayNotScaledByLearningRate, with { p, g, s, lr, b1, b2, eps, wd in
            p = p * (1 - wd)
            s.t += 1
            AdamMisconceptions.step(&p, g, &s, lr, b1, b2, eps, correctionStep: s.t)
        }),
        WrongVariant(decayAfterStep, with { p, g, s, lr, b1, b2, eps, wd in
            s.t += 1
            AdamMisconceptions.step(&p, g, &s, lr, b1, b2, eps, correctionStep: s.t)
            p = p * (1 - lr * wd)
        }),
        WrongVariant(noWeightDecay, with { p, g, s, lr, b1, b2, eps, _ in
            s.t += 1
            AdamMisconceptions.step(&p, g, &s, lr, b1, b2, eps, correctionStep: s.t)
        }),
    ]

    static func with(_ adamWStep: @escaping ExerciseImplementation.AdamWStepFunction) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.adamWStep = adamWStep
        return implementation
    }
}
