import GradingCore
import TensorKit
import WorkerKit

/// The student's adagradStep on the optimizer exercises' small quadratic (`QuadraticOptimizerProbe`), its cache
/// carried over: loss, θ₁ and the cache h₁ (the running sum of squared gradients) per step against the reference's.
extension AdaGradGrader {
    static let figureSettings = (learningRate: 0.5, epsilon: 1e-8)

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let s = Self.figureSettings
        return [QuadraticOptimizerProbe(
            optimizer: "AdaGrad", function: "adagradStep",
            settings: "learning rate \(DisplayFormat.value(s.learningRate)), ε = \(DisplayFormat.value(s.epsilon))",
            state: .init("cache h₁", tensor: 1),
            note: "The reference's cache only grows, so its steps shrink: the first moves each parameter by the learning rate, \(DisplayFormat.value(s.learningRate)).") { _, theta, gradient, last in
            QuadraticOptimizerProbe.stateVector(after: last).map { cache in
                WorkerCalls.adagradSteps(parameters: theta, cache: cache, gradients: [gradient], learningRate: s.learningRate, epsilon: s.epsilon)
            }
        }.probe(reference: reference)]
    }
}
