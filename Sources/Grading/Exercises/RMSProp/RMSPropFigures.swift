import GradingCore
import TensorKit
import WorkerKit

/// The student's rmspropStep on the optimizer exercises' small quadratic (`QuadraticOptimizerProbe`), its cache
/// carried over: loss, θ₁ and the cache h₁ (the moving average of squared gradients) per step against the reference's.
extension RMSPropGrader {
    static let figureSettings = (learningRate: 0.05, decay: 0.9, epsilon: 1e-8)

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let s = Self.figureSettings
        return [QuadraticOptimizerProbe(
            optimizer: "RMSProp", function: "rmspropStep",
            settings: "learning rate \(DisplayFormat.value(s.learningRate)), decay ρ = \(s.decay), ε = \(DisplayFormat.value(s.epsilon))",
            state: .init("cache h₁", tensor: 1),
            note: "The reference's cache is the moving average h ← ρ·h + (1 − ρ)·g², so after the first step it holds \(DisplayFormat.significant(1 - s.decay, digits: 3))·g₁².") { _, theta, gradient, last in
            QuadraticOptimizerProbe.stateVector(after: last).map { cache in
                WorkerCalls.rmspropSteps(parameters: theta, cache: cache, gradients: [gradient], learningRate: s.learningRate,
                                         decay: s.decay, epsilon: s.epsilon)
            }
        }.probe(reference: reference)]
    }
}
