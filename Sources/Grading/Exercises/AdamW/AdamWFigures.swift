import GradingCore
import TensorKit
import WorkerKit

/// The student's adamWStep on the optimizer exercises' small quadratic (`QuadraticOptimizerProbe`), with the
/// state read back as the adam exercise's figure reads it. Decoupled decay shrinks θ by lr·λ each step on top of
/// Adam's step; folding λθ into the gradient instead (L2) changes the trajectory, since Adam rescales it away.
extension AdamWGrader {
    static let figureSettings = (learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1)

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let s = Self.figureSettings
        return [QuadraticOptimizerProbe(
            optimizer: "AdamW", function: "adamWStep",
            settings: "learning rate \(DisplayFormat.value(s.learningRate)), β₁ = \(s.beta1), β₂ = \(s.beta2), weight decay λ = \(DisplayFormat.value(s.weightDecay))",
            note: "The reference's decoupled decay multiplies θ by 1 − lr·λ = \(DisplayFormat.value(1 - s.learningRate * s.weightDecay)) at every step, on top of Adam's step.") { _, theta, gradient, last in
            AdamGrader.figureState(after: last).map { state in
                WorkerCalls.adamWSteps(parameters: theta, state: state, gradients: [gradient], learningRate: s.learningRate,
                                       beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, weightDecay: s.weightDecay)
            }
        }.probe(reference: reference)]
    }
}
