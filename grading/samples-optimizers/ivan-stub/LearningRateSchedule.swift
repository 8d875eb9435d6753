import Foundation
import TensorKit

// MARK: - Exercise `lr-schedule`: learning-rate schedules as functions of the step
//
// Run `swift run grader check lr-schedule` to grade this file.

// Every function here answers: "what learning rate does the optimizer use for this update?"
//
// `step` is 0-BASED: it counts the updates taken BEFORE this one. The very first update uses step 0, the k-th
// update uses step k − 1. (PyTorch's schedulers count the same way: `last_epoch` starts at 0.) So every schedule
// starts at `initial` at step 0, except the warm-up, which starts at 0. Off-by-one here is the most common
// mistake: a schedule that counts from 1 decays one step too early everywhere.
//
// All results are Doubles; `step` ≥ 0, and the Int parameters (every, totalSteps, warmupSteps) are ≥ 1.
//
// Worked numbers to check yourself against (initial = 0.1):
//   stepDecay(step: 0…7, gamma: 0.5, every: 3)       0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025
//   exponentialDecay(step: 2, gamma: 0.9)            0.1·0.9² = 0.081
//   cosineAnnealing(totalSteps: 4, minimum: 0)       steps 0…5: 0.1, 0.0853…, 0.05, 0.0146…, 0, 0
//   linearWarmup(warmupSteps: 4)                     steps 0…5: 0, 0.025, 0.05, 0.075, 0.1, 0.1

/// Step decay (a staircase): the rate is multiplied by `gamma` every `every` steps.
///
///     lr(step) = initial · gamma^⌊step / every⌋
///
/// Steps 0 … every − 1 use `initial`; the first drop is AT step `every`. (PyTorch's `StepLR(step_size: every)`;
/// the notes' ResNet recipe is initial 0.1, gamma 0.1, every 30 epochs.) Note the floor: between drops the rate
/// is constant, it does not decay smoothly.
public func stepDecay(step: Int, initial: Double, gamma: Double, every: Int) -> Double {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}

/// Exponential decay: the rate is multiplied by `gamma` at every step.
///
///     lr(step) = initial · gamma^step
///
/// The notes also write this as initial · e^(−k·step); that is the same schedule with gamma = e^(−k). Here the
/// argument is gamma itself (PyTorch's `ExponentialLR(gamma:)`), a factor in (0, 1], not a rate k.
public func exponentialDecay(step: Int, initial: Double, gamma: Double) -> Double {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}

/// Cosine annealing from `initial` at step 0 down to `minimum` at step `totalSteps`, then held at `minimum`.
///
///     lr(step) = minimum + ½·(initial − minimum)·(1 + cos(π · min(step, T) / T)),   T = totalSteps
///
/// The end: at step T (the (T+1)-th update) the rate is exactly `minimum`, and every later step stays there.
/// Dividing by T − 1 reaches the minimum one step early; leaving out the min(step, T) makes the cosine climb back
/// up after T (PyTorch's `CosineAnnealingLR` formula does that if you run past T_max; here it must not).
public func cosineAnnealing(step: Int, initial: Double, minimum: Double, totalSteps: Int) -> Double {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}

/// Linear warm-up: from 0 at step 0 up to `initial` at step `warmupSteps`, then constant.
///
///     lr(step) = initial · min(1, step / W),   W = warmupSteps
///
/// As in the notes (α_t = α₀·t/T_warmup for t < T_warmup): the first update (step 0) uses rate 0 and step W is
/// the first at the full rate. Compute step / W in floating point: Int division gives 0 until step W.
public func linearWarmup(step: Int, initial: Double, warmupSteps: Int) -> Double {
    // ===== YOUR CODE STARTS HERE =====
    notImplemented()
    // ===== YOUR CODE ENDS HERE =====
}
