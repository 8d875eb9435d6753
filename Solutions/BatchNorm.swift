import Foundation
import TensorKit

// MARK: - Exercise `batchnorm`: batch normalization, forward (training and evaluation) and backward
//
// Run `swift run grader check batchnorm` to grade this file.

// BEGIN SOLUTION
// Solution to the `batchnorm` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
// END SOLUTION

/// Batch normalization (Ioffe & Szegedy, 2015), as in the lecture's algorithm and PyTorch's `BatchNorm1d`/`2d`.
///
/// **Features.** The feature axis is axis 1. An input `[N, D]` has D features; an input `[N, C, H, W]` has C
/// features (channels), and each channel's statistics are taken over the batch *and* every position: its
/// m = N·H·W values (m = N for `[N, D]`). `gamma`, `beta`, `runningMean` and `runningVariance` are all `[D]`
/// (or `[C]`). Row-major storage: element (n, c, h, w) is `scalars[((n·C + c)·H + h)·W + w]`.
///
/// **Training** (`training == true`), for each feature over its m values x₁ … x_m:
///
///     μ  = (1/m) Σ xᵢ
///     σ² = (1/m) Σ (xᵢ − μ)²                 the biased variance: divide by m, not m − 1
///     x̂ᵢ = (xᵢ − μ) / √(σ² + ε)              ε inside the square root
///     yᵢ = γ·x̂ᵢ + β
///
/// and the running statistics are updated in place (PyTorch's convention, the lecture's η = `momentum` = 0.1):
///
///     runningMean     ← (1 − momentum)·runningMean     + momentum·μ
///     runningVariance ← (1 − momentum)·runningVariance + momentum·σ²·m/(m − 1)
///
/// The running variance stores the *unbiased* estimate σ²·m/(m − 1) (as PyTorch does), while the normalization
/// itself uses the biased σ². `momentum` is the weight of the **new** batch (Keras calls 0.99 "momentum" and means
/// the weight of the old value; here it is the other way round). With m = 1 use σ² itself. (One set of lecture slides
/// writes the running average over σ; average the variance σ², as PyTorch does and as evaluation then uses it.)
///
/// **Evaluation** (`training == false`): no batch statistics at all. Normalize with the running ones,
/// `yᵢ = γ·(xᵢ − runningMean)/√(runningVariance + ε) + β`, and leave `runningMean` and `runningVariance` unchanged.
/// (At test time a batch may hold a single example; its statistics would be meaningless.)
///
/// - Returns: y, with the input's shape.
public func batchNormForward(_ input: Tensor, gamma: Tensor, beta: Tensor,
                             runningMean: inout Tensor, runningVariance: inout Tensor,
                             training: Bool, momentum: Double, epsilon: Double) -> Tensor {
    // BEGIN SOLUTION
    let features = input.shape[1]
    let inner = input.shape.dropFirst(2).reduce(1, *)
    let m = input.scalars.count / features
    func feature(_ index: Int) -> Int { (index / inner) % features }
    var mean: [Double], variance: [Double]
    if training {
        mean = Array(repeating: 0, count: features)
        variance = mean
        for (index, x) in input.scalars.enumerated() { mean[feature(index)] += x }
        mean = mean.map { $0 / Double(m) }
        for (index, x) in input.scalars.enumerated() {
            let d = x - mean[feature(index)]
            variance[feature(index)] += d * d
        }
        variance = variance.map { $0 / Double(m) }
        let unbiasing = m > 1 ? Double(m) / Double(m - 1) : 1
        for f in 0..<features {
            runningMean.scalars[f] = (1 - momentum) * runningMean.scalars[f] + momentum * mean[f]
            runningVariance.scalars[f] = (1 - momentum) * runningVariance.scalars[f] + momentum * variance[f] * unbiasing
        }
    } else {
        mean = runningMean.scalars
        variance = runningVariance.scalars
    }
    var output = input
    for (index, x) in input.scalars.enumerated() {
        let f = feature(index)
        output.scalars[index] = gamma.scalars[f] * (x - mean[f]) / (variance[f] + epsilon).squareRoot() + beta.scalars[f]
    }
    return output
    // END SOLUTION
}

/// The backward pass of a **training-mode** forward on `input` (batch statistics), given g = ∂L/∂y.
///
/// Per feature, over its m values, with x̂ and σ² recomputed from `input` exactly as in the forward pass:
///
///     ∂L/∂β = Σᵢ gᵢ                       summed over the batch (and every position), one number per feature
///     ∂L/∂γ = Σᵢ gᵢ·x̂ᵢ
///     ∂L/∂xᵢ = γ / (m·√(σ² + ε)) · (m·gᵢ − Σⱼ gⱼ − x̂ᵢ·Σⱼ gⱼ·x̂ⱼ)
///
/// μ and σ² depend on every xᵢ of the feature, so ∂L/∂x is *not* just g·γ/√(σ² + ε): the term −Σ g comes from the
/// mean, the term −x̂·Σ g·x̂ from the variance. Check it with `grader gradcheck` on a layer of your own.
///
/// - Returns: ∂L/∂input (the input's shape), ∂L/∂gamma and ∂L/∂beta (`[D]` or `[C]`).
public func batchNormBackward(_ gradOutput: Tensor, input: Tensor, gamma: Tensor,
                              epsilon: Double) -> (gradInput: Tensor, gradGamma: Tensor, gradBeta: Tensor) {
    // BEGIN SOLUTION
    let features = input.shape[1]
    let inner = input.shape.dropFirst(2).reduce(1, *)
    let m = Double(input.scalars.count / features)
    func feature(_ index: Int) -> Int { (index / inner) % features }
    var mean = [Double](repeating: 0, count: features), variance = mean
    for (index, x) in input.scalars.enumerated() { mean[feature(index)] += x / m }
    for (index, x) in input.scalars.enumerated() { variance[feature(index)] += (x - mean[feature(index)]) * (x - mean[feature(index)]) / m }
    let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let normalized = input.scalars.indices.map { (input.scalars[$0] - mean[feature($0)]) * inverseStd[feature($0)] }
    var gradGamma = Tensor(zeros: [features]), gradBeta = Tensor(zeros: [features])
    for (index, g) in gradOutput.scalars.enumerated() {
        gradBeta.scalars[feature(index)] += g
        gradGamma.scalars[feature(index)] += g * normalized[index]
    }
    var gradInput = Tensor(zeros: input.shape)
    for (index, g) in gradOutput.scalars.enumerated() {
        let f = feature(index)
        gradInput.scalars[index] = gamma.scalars[f] * inverseStd[f] / m
            * (m * g - gradBeta.scalars[f] - normalized[index] * gradGamma.scalars[f])
    }
    return (gradInput, gradGamma, gradBeta)
    // END SOLUTION
}
