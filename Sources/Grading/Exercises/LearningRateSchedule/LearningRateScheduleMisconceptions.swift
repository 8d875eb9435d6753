import Foundation
import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write the schedules, each as runnable code.
public enum LearningRateScheduleMisconceptions {
    public static let oneBasedStep = Misconception(
        id: "one-based-step",
        summary: "Your schedule counts steps from 1: it returns the rate for step + 1, so it decays (or warms up) one step early; here step is 0-based, the first update uses step 0, where every schedule but the warm-up returns the initial rate and the warm-up returns 0.",
        fix: "Use step as given, without adding 1: stepDecay is initial·γ^⌊step/every⌋, exponentialDecay initial·γ^step, the cosine uses π·min(step, T)/T and the warm-up initial·min(1, step/W).")
    public static let cosineEndsEarly = Misconception(
        id: "cosine-ends-early",
        summary: "Your cosine divides by T − 1 instead of T, so it reaches the minimum at step T − 1, one step early; here the rate is exactly the minimum at step T = totalSteps.",
        fix: "Use π·min(step, T)/T with T = totalSteps.")
    public static let cosinePastTheEnd = Misconception(
        id: "cosine-past-the-end",
        summary: "Your cosine keeps going after step T = totalSteps, so the rate climbs back up from the minimum; here it must stay at the minimum for every step ≥ T.",
        fix: "Clamp the step before the cosine: π·min(step, T)/T.")
    public static let exponentialAsExp = Misconception(
        id: "exponential-as-exp",
        summary: "Your exponential decay computes initial·e^(−γ·step), reading gamma as the rate k of the notes' e^(−k·step); here gamma is the factor per step, initial·γ^step (PyTorch's ExponentialLR).",
        fix: "Return initial·pow(gamma, step) (e^(−k·step) is the same schedule with gamma = e^(−k)).")
    public static let stepDecayWithoutFloor = Misconception(
        id: "step-decay-without-floor",
        summary: "Your step decay uses γ^(step/every) with a fractional exponent, so it decays smoothly at every step; step decay is a staircase, initial·γ^⌊step/every⌋, constant between drops.",
        fix: "Round the exponent down with Int division: pow(gamma, Double(step / every)).")

    public static let variants: [WrongVariant] = {
        // Counting from 1, in each function alone and in all four (a consistent habit).
        let shifted: [(inout ExerciseImplementation) -> Void] = [
            { $0.stepDecay = { Reference.stepDecayRate(step: $0 + 1, initial: $1, gamma: $2, every: $3) } },
            { $0.exponentialDecay = { Reference.exponentialDecayRate(step: $0 + 1, initial: $1, gamma: $2) } },
            { $0.cosineAnnealing = { Reference.cosineAnnealingRate(step: $0 + 1, initial: $1, minimum: $2, totalSteps: $3) } },
            { $0.linearWarmup = { Reference.linearWarmupRate(step: $0 + 1, initial: $1, warmupSteps: $2) } },
        ]
        var variants = shifted.map { shift in WrongVariant(oneBasedStep, with(shift)) }
        variants.append(WrongVariant(oneBasedStep, with { implementation in shifted.forEach { $0(&implementation) } }))
        variants += [
            WrongVariant(cosineEndsEarly, with { $0.cosineAnnealing = { step, initial, minimum, total in
                let progress = Double(Swift.min(step, total - 1)) / Double(total - 1)
                return minimum + 0.5 * (initial - minimum) * (1 + cos(Double.pi * progress))
            } }),
            WrongVariant(cosinePastTheEnd, with { $0.cosineAnnealing = { step, initial, minimum, total in
                minimum + 0.5 * (initial - minimum) * (1 + cos(Double.pi * Double(step) / Double(total)))
            } }),
            WrongVariant(exponentialAsExp, with { $0.exponentialDecay = { step, initial, gamma in initial * exp(-gamma * Double(step)) } }),
            WrongVariant(stepDecayWithoutFloor, with { $0.stepDecay = { step, initial, gamma, every in
                initial * pow(gamma, Double(step) / Double(every))
            } }),
        ]
        return variants
    }()

    static func with(_ change: (inout ExerciseImplementation) -> Void) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        change(&implementation)
        return implementation
    }
}
