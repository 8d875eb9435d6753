import TensorKit

// Learning-rate schedules as functions of the step: `step` counts the optimizer steps taken before the one the
// rate is for, so the first update uses step 0 (PyTorch's schedulers start at `last_epoch = 0` the same way).
// `initial` is the rate at step 0 (lr₀).

/// Step decay (a staircase): lr₀·γ^⌊step/every⌋, so the rate first drops at step `every`.
public func stepDecayRate(step: Int, initial: Double, gamma: Double, every: Int) -> Double {
    precondition(step >= 0 && every > 0, "stepDecayRate: step \(step) must be ≥ 0 and every \(every) > 0.")
    return initial * pow(gamma, Double(step / every))
}

/// Exponential decay: lr₀·γ^step (the notes' lr₀·e^(−k·step) with γ = e^(−k)).
public func exponentialDecayRate(step: Int, initial: Double, gamma: Double) -> Double {
    precondition(step >= 0, "exponentialDecayRate: step \(step) must be ≥ 0.")
    return initial * pow(gamma, Double(step))
}

/// Cosine annealing from lr₀ at step 0 to `minimum` at step `totalSteps`, held there afterwards:
/// minimum + ½(lr₀ − minimum)(1 + cos(π·min(step, T)/T)).
public func cosineAnnealingRate(step: Int, initial: Double, minimum: Double, totalSteps: Int) -> Double {
    precondition(step >= 0 && totalSteps > 0, "cosineAnnealingRate: step \(step) must be ≥ 0 and totalSteps \(totalSteps) > 0.")
    let progress = Double(Swift.min(step, totalSteps)) / Double(totalSteps)
    return minimum + 0.5 * (initial - minimum) * (1 + cos(Double.pi * progress))
}

/// Linear warm-up from 0 at step 0 to lr₀ at step `warmupSteps`, constant afterwards: lr₀·min(1, step/W).
public func linearWarmupRate(step: Int, initial: Double, warmupSteps: Int) -> Double {
    precondition(step >= 0 && warmupSteps > 0, "linearWarmupRate: step \(step) must be ≥ 0 and warmupSteps \(warmupSteps) > 0.")
    return initial * Swift.min(1, Double(step) / Double(warmupSteps))
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
