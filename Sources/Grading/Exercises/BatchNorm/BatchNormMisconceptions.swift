import Foundation
import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write batch normalization, each as runnable code (one switch per mistake on a plain
/// loop implementation; a switch on the statistics applies to forward and backward alike, as a student's shared
/// helper would).
public enum BatchNormMisconceptions {
    public static let unbiasedBatchVariance = Misconception(
        id: "unbiased-batch-variance",
        summary: "Your batch norm normalizes with the unbiased variance Σ(x − μ)²/(m − 1); the lecture's algorithm (and PyTorch) normalizes with the biased batch variance Σ(x − μ)²/m.",
        fix: "Divide by m (the number of values per feature) for the variance you normalize with; only the running variance stores the unbiased σ²·m/(m − 1).")
    public static let epsilonOutsideSqrt = Misconception(
        id: "epsilon-outside-sqrt",
        summary: "Your batch norm divides by √σ² + ε; the convention here, as in the notes and PyTorch, is √(σ² + ε), which differs most for features with a small variance.",
        fix: "Add ε to the variance first, then take the square root: x̂ = (x − μ)/√(σ² + ε).")
    public static let evalUsesBatchStatistics = Misconception(
        id: "eval-uses-batch-statistics",
        summary: "Your batch norm normalizes with the batch's own mean and variance in evaluation mode (and updates the running statistics there); at test time it must use the running averages.",
        fix: "When training is false, compute x̂ = (x − runningMean)/√(runningVariance + ε) and leave the running statistics unchanged.")
    public static let momentumReversed = Misconception(
        id: "momentum-reversed",
        summary: "Your running averages give the momentum to the old value (running ← momentum·running + (1 − momentum)·batch, Keras's convention); here, as in PyTorch, momentum is the weight of the new batch.",
        fix: "Update running ← (1 − momentum)·running + momentum·batch statistic.")
    public static let runningVarianceBiased = Misconception(
        id: "running-variance-biased",
        summary: "Your running variance averages the biased batch variance Σ(x − μ)²/m; PyTorch's convention, used here, stores the unbiased estimate σ²·m/(m − 1) in the running variance.",
        fix: "Normalize with the biased σ², but update runningVariance with σ²·m/(m − 1).")
    public static let backwardStatisticsConstant = Misconception(
        id: "backward-statistics-constant",
        summary: "Your backward pass returns ∂L/∂x = g·γ/√(σ² + ε), as if the batch mean and variance were constants; they depend on every x of the batch, which adds two terms.",
        fix: "Use ∂L/∂xᵢ = γ/(m·√(σ² + ε))·(m·gᵢ − Σⱼ gⱼ − x̂ᵢ·Σⱼ gⱼ·x̂ⱼ).")
    public static let backwardMissingMeanTerm = Misconception(
        id: "backward-missing-mean-term",
        summary: "Your backward pass leaves out the mean's term −Σⱼ gⱼ from ∂L/∂x (the gradient that flows through μ), so the input gradient of each feature no longer sums to zero.",
        fix: "Use ∂L/∂xᵢ = γ/(m·√(σ² + ε))·(m·gᵢ − Σⱼ gⱼ − x̂ᵢ·Σⱼ gⱼ·x̂ⱼ); in the staged form, add ∂L/∂μ/m to every ∂L/∂xᵢ.")
    public static let parameterGradientsAveraged = Misconception(
        id: "parameter-gradients-averaged",
        summary: "Your backward pass averages ∂L/∂γ and ∂L/∂β over the batch; γ and β are shared by every example, so their gradients are sums.",
        fix: "Use ∂L/∂β = Σᵢ gᵢ and ∂L/∂γ = Σᵢ gᵢ·x̂ᵢ over the whole batch (and every position), without dividing by m.")
    public static let statisticsPerPosition = Misconception(
        id: "statistics-per-position",
        summary: "Your batch norm on an [N, C, H, W] input takes statistics over the batch only, separately for every position (h, w); a channel's statistics pool the batch and all positions, m = N·H·W values.",
        fix: "For channel c, average over n, h and w together (as BatchNorm2d does); γ, β and the running statistics have one entry per channel.")

    public static let variants: [WrongVariant] = [
        WrongVariant(unbiasedBatchVariance, with(Switches(unbiasedBatch: true))),
        WrongVariant(epsilonOutsideSqrt, with(Switches(epsilonOutside: true))),
        WrongVariant(evalUsesBatchStatistics, with(Switches(evalUsesBatch: true))),
        WrongVariant(momentumReversed, with(Switches(momentumReversed: true))),
        WrongVariant(runningVarianceBiased, with(Switches(runningBiased: true))),
        WrongVariant(backwardStatisticsConstant, with(Switches(backward: .statisticsConstant))),
        WrongVariant(backwardMissingMeanTerm, with(Switches(backward: .missingMeanTerm))),
        WrongVariant(parameterGradientsAveraged, with(Switches(parametersAveraged: true))),
        WrongVariant(statisticsPerPosition, with(Switches(perPosition: true))),
    ]

    struct Switches {
        enum Backward { case correct, statisticsConstant, missingMeanTerm }
        var unbiasedBatch = false, epsilonOutside = false, evalUsesBatch = false, momentumReversed = false
        var runningBiased = false, backward = Backward.correct, parametersAveraged = false, perPosition = false
    }

    static func with(_ switches: Switches) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.batchNormForward = { x, gamma, beta, runningMean, runningVariance, training, momentum, epsilon in
            forward(x, gamma, beta, &runningMean, &runningVariance, training, momentum, epsilon, switches)
        }
        implementation.batchNormBackward = { g, x, gamma, epsilon in backward(g, x, gamma, epsilon, switches) }
        return implementation
    }

    /// Which statistic slot each element belongs to, and which feature (γ, β, running statistics) it uses.
    /// Correct: slot = feature = axis-1 index. Per position: one slot per (c, h, w), its feature c.
    struct Layout {
        let slots: Int, features: Int, inner: Int
        init(_ shape: [Int], perPosition: Bool) {
            features = shape.count > 1 ? shape[1] : 1
            inner = shape.dropFirst(2).reduce(1, *)
            slots = perPosition ? features * inner : features
        }
        func slot(_ index: Int) -> Int { slots == features ? (index / inner) % features : index % (features * inner) }
        func feature(_ index: Int) -> Int { (index / inner) % features }
        func featureOfSlot(_ slot: Int) -> Int { slots == features ? slot : slot / inner }
    }

    /// Per-slot mean and variance (biased, or unbiased when `unbiased`) and the count m per slot.
    static func statistics(_ x: Tensor, _ layout: Layout, unbiased: Bool) -> (mean: [Double], variance: [Double], m: Double) {
        let m = Double(x.count / Swift.max(layout.slots, 1))
        var mean = [Double](repeating: 0, count: layout.slots), variance = mean
        for (index, value) in x.scalars.enumerated() { mean[layout.slot(index)] += value }
        mean = mean.map { $0 / m }
        for (index, value) in x.scalars.enumerated() {
            let d = value - mean[layout.slot(index)]
            variance[layout.slot(index)] += d * d
        }
        let divisor = unbiased && m > 1 ? m - 1 : m
        return (mean, variance.map { $0 / divisor }, m)
    }

    static func inverseStd(_ variance: Double, _ epsilon: Double, _ s: Switches) -> Double {
        s.epsilonOutside ? 1 / (variance.squareRoot() + epsilon) : 1 / (variance + epsilon).squareRoot()
    }

    static func forward(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, _ runningMean: inout Tensor, _ runningVariance: inout Tensor,
                        _ training: Bool, _ momentum: Double, _ epsilon: Double, _ s: Switches) -> Tensor {
        guard x.rank >= 2, x.count > 0, gamma.count == x.shape[1], beta.count == x.shape[1] else { return Tensor(zeros: [0]) }
        let layout = Layout(x.shape, perPosition: s.perPosition)
        var mean: [Double], variance: [Double]
        if training || s.evalUsesBatch {
            let stats = statistics(x, layout, unbiased: s.unbiasedBatch)
            (mean, variance) = (stats.mean, stats.variance)
            let unbiasing = s.unbiasedBatch || s.runningBiased || stats.m <= 1 ? 1 : stats.m / (stats.m - 1)
            // Per position: each feature's running statistics take the average over its positions' statistics.
            var batchMean = [Double](repeating: 0, count: layout.features), batchVariance = batchMean
            for slot in 0..<layout.slots {
                let share = Double(layout.features) / Double(layout.slots)
                batchMean[layout.featureOfSlot(slot)] += mean[slot] * share
                batchVariance[layout.featureOfSlot(slot)] += variance[slot] * unbiasing * share
            }
            let (keep, take) = s.momentumReversed ? (momentum, 1 - momentum) : (1 - momentum, momentum)
            for f in 0..<layout.features where f < runningMean.count && f < runningVariance.count {
                runningMean.scalars[f] = keep * runningMean.scalars[f] + take * batchMean[f]
                runningVariance.scalars[f] = keep * runningVariance.scalars[f] + take * batchVariance[f]
            }
        } else {
            let evalLayout = Layout(x.shape, perPosition: false)
            var output = x
            for (index, value) in x.scalars.enumerated() {
                let f = evalLayout.feature(index)
                output.scalars[index] = gamma.scalars[f] * (value - runningMean.scalars[f]) * inverseStd(runningVariance.scalars[f], epsilon, s)
                    + beta.scalars[f]
            }
            return output
        }
        var output = x
        for (index, value) in x.scalars.enumerated() {
            let (slot, f) = (layout.slot(index), layout.feature(index))
            output.scalars[index] = gamma.scalars[f] * (value - mean[slot]) * inverseStd(variance[slot], epsilon, s) + beta.scalars[f]
        }
        return output
    }

    static func backward(_ g: Tensor, _ x: Tensor, _ gamma: Tensor, _ epsilon: Double,
                         _ s: Switches) -> (gradInput: Tensor, gradGamma: Tensor, gradBeta: Tensor) {
        guard x.rank >= 2, x.count > 0, g.count == x.count, gamma.count == x.shape[1] else {
            return (Tensor(zeros: [0]), Tensor(zeros: [0]), Tensor(zeros: [0]))
        }
        let layout = Layout(x.shape, perPosition: s.perPosition)
        let stats = statistics(x, layout, unbiased: s.unbiasedBatch)
        let inverse = stats.variance.map { inverseStd($0, epsilon, s) }
        let normalized = x.scalars.indices.map { (x.scalars[$0] - stats.mean[layout.slot($0)]) * inverse[layout.slot($0)] }
        var sumG = [Double](repeating: 0, count: layout.slots), sumGX = sumG
        for (index, value) in g.scalars.enumerated() {
            sumG[layout.slot(index)] += value
            sumGX[layout.slot(index)] += value * normalized[index]
        }
        var gradGamma = Tensor(zeros: [layout.features]), gradBeta = Tensor(zeros: [layout.features])
        for slot in 0..<layout.slots {
            gradBeta.scalars[layout.featureOfSlot(slot)] += sumG[slot]
            gradGamma.scalars[layout.featureOfSlot(slot)] += sumGX[slot]
        }
        if s.parametersAveraged {
            let count = Double(x.count / layout.features)
            gradBeta = gradBeta / count
            gradGamma = gradGamma / count
        }
        var gradInput = Tensor(zeros: x.shape)
        let m = stats.m
        for (index, value) in g.scalars.enumerated() {
            let (slot, f) = (layout.slot(index), layout.feature(index))
            let scale = gamma.scalars[f] * inverse[slot]
            switch s.backward {
            case .correct: gradInput.scalars[index] = scale / m * (m * value - sumG[slot] - normalized[index] * sumGX[slot])
            case .statisticsConstant: gradInput.scalars[index] = scale * value
            case .missingMeanTerm: gradInput.scalars[index] = scale / m * (m * value - normalized[index] * sumGX[slot])
            }
        }
        return (gradInput, gradGamma, gradBeta)
    }
}
