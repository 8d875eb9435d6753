import TensorKit

// Batch normalization (Ioffe & Szegedy, 2015). Features live on axis 1: an input [N, D] has D features, an input
// [N, C, H, W] has C (one statistic per channel, pooled over the batch and all positions). For each feature,
// over its m = N·(H·W) values:
//
//   training:   μ = mean(x),  σ² = mean((x − μ)²)  (biased, as in the lecture's algorithm)
//               x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
//               running mean ← (1 − momentum)·running mean + momentum·μ
//               running var  ← (1 − momentum)·running var  + momentum·σ²·m/(m − 1)   (unbiased, as PyTorch)
//   evaluation: x̂ = (x − running mean)/√(running var + ε), y = γ·x̂ + β; the running statistics are untouched.
//
// Backward (training), per feature, with g = ∂L/∂y:
//   ∂L/∂β = Σ g,  ∂L/∂γ = Σ g·x̂,  ∂L/∂x = γ/(m·√(σ² + ε)) · (m·g − Σ g − x̂·Σ g·x̂)
// (the mean and variance depend on every x, which is where the two correction terms come from). In evaluation the
// statistics are constants, so ∂L/∂x = g·γ/√(running var + ε).

/// The running statistics batch normalization keeps for evaluation: mean 0 and variance 1 at the start.
public struct BatchNormStatistics: Equatable, Sendable {
    public var runningMean: Tensor
    public var runningVariance: Tensor
    public init(features: Int) {
        runningMean = Tensor(zeros: [features])
        runningVariance = Tensor(ones: [features])
    }
}

/// What the backward pass needs from a forward pass.
public struct BatchNormCache: Sendable {
    /// x̂, shaped like the input.
    public var normalized: Tensor
    /// 1/√(σ² + ε) per feature (batch variance in training, running variance in evaluation).
    public var inverseStandardDeviation: [Double]
    public var gamma: Tensor
    public var training: Bool
}

/// Batch-norm forward; in training it also updates `statistics`.
///
/// - Precondition: `input` has rank ≥ 2; `gamma` and `beta` are [D] with D = input.shape[1].
public func batchNormForward(_ input: Tensor, gamma: Tensor, beta: Tensor, statistics: inout BatchNormStatistics,
                             training: Bool, momentum: Double = 0.1,
                             epsilon: Double = 1e-5) -> (output: Tensor, cache: BatchNormCache) {
    let layout = FeatureLayout(input.shape)
    precondition(gamma.shape == [layout.features] && beta.shape == [layout.features],
                 "batchNorm: gamma and beta must be [\(layout.features)]; got \(Tensor.describe(shape: gamma.shape)) and \(Tensor.describe(shape: beta.shape)).")
    var mean: [Double]
    var variance: [Double]
    if training {
        precondition(layout.perFeature > 0, "batchNorm in training needs at least one value per feature.")
        mean = [Double](repeating: 0, count: layout.features)
        variance = mean
        layout.forEach { index, feature in mean[feature] += input.scalars[index] }
        mean = mean.map { $0 / Double(layout.perFeature) }
        layout.forEach { index, feature in
            let d = input.scalars[index] - mean[feature]
            variance[feature] += d * d
        }
        variance = variance.map { $0 / Double(layout.perFeature) }
        let m = Double(layout.perFeature)
        let unbiasing = layout.perFeature > 1 ? m / (m - 1) : 1
        for f in 0..<layout.features {
            statistics.runningMean.scalars[f] = (1 - momentum) * statistics.runningMean.scalars[f] + momentum * mean[f]
            statistics.runningVariance.scalars[f] = (1 - momentum) * statistics.runningVariance.scalars[f]
                + momentum * variance[f] * unbiasing
        }
    } else {
        mean = statistics.runningMean.scalars
        variance = statistics.runningVariance.scalars
    }
    let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    var normalized = Tensor(zeros: input.shape)
    var output = Tensor(zeros: input.shape)
    layout.forEach { index, f in
        let xHat = (input.scalars[index] - mean[f]) * inverseStd[f]
        normalized.scalars[index] = xHat
        output.scalars[index] = gamma.scalars[f] * xHat + beta.scalars[f]
    }
    return (output, BatchNormCache(normalized: normalized, inverseStandardDeviation: inverseStd, gamma: gamma,
                                   training: training))
}

/// Batch-norm backward for the forward pass that produced `cache`.
public func batchNormBackward(gradOutput: Tensor, cache: BatchNormCache) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
    precondition(gradOutput.shape == cache.normalized.shape,
                 "batchNormBackward: gradOutput \(Tensor.describe(shape: gradOutput.shape)) differs from the forward's shape \(Tensor.describe(shape: cache.normalized.shape)).")
    let layout = FeatureLayout(gradOutput.shape)
    var gradBeta = Tensor(zeros: [layout.features])
    var gradGamma = Tensor(zeros: [layout.features])
    layout.forEach { index, f in
        gradBeta.scalars[f] += gradOutput.scalars[index]
        gradGamma.scalars[f] += gradOutput.scalars[index] * cache.normalized.scalars[index]
    }
    var gradInput = Tensor(zeros: gradOutput.shape)
    let m = Double(layout.perFeature)
    layout.forEach { index, f in
        let g = gradOutput.scalars[index]
        let scale = cache.gamma.scalars[f] * cache.inverseStandardDeviation[f]
        if cache.training {
            gradInput.scalars[index] = scale / m
                * (m * g - gradBeta.scalars[f] - cache.normalized.scalars[index] * gradGamma.scalars[f])
        } else {
            gradInput.scalars[index] = scale * g
        }
    }
    return (gradInput, gradGamma, gradBeta)
}

/// Where the feature axis (axis 1) sits in a row-major tensor of rank ≥ 2.
private struct FeatureLayout {
    let features: Int      // shape[1]
    let inner: Int         // product of shape[2...]
    let count: Int
    var perFeature: Int { features == 0 ? 0 : count / features }

    init(_ shape: [Int]) {
        precondition(shape.count >= 2, "batchNorm needs an input [N, D] or [N, C, H, W]; got \(Tensor.describe(shape: shape)).")
        features = shape[1]
        inner = shape.dropFirst(2).reduce(1, *)
        count = shape.reduce(1, *)
    }

    /// Calls `body(flatIndex, feature)` for every element.
    func forEach(_ body: (Int, Int) -> Void) {
        for index in 0..<count { body(index, (index / inner) % features) }
    }
}
