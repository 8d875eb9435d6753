import GradingCore
import TensorKit
import WorkerKit

/// The student's sgdMomentumStep and nesterovMomentumStep on the optimizer exercises' small quadratic
/// (`QuadraticOptimizerProbe`), each with its velocity carried over: loss, θ₁ and the velocity v₁ per step against
/// the reference's. The learning rate halves after step 30, so a velocity that holds the step itself (−lr·v) or has
/// the learning rate folded in moves the parameters differently from there on, and its velocity differs from the start.
extension MomentumGrader {
    static let figureSettings = (learningRate: 0.05, laterLearningRate: 0.025, momentum: 0.9, changeAfter: 30)

    static func figureProbe(nesterov: Bool) -> QuadraticOptimizerProbe {
        let s = figureSettings
        return QuadraticOptimizerProbe(
            name: nesterov ? "nesterov" : "classical", idPrefix: nesterov ? "nesterov-" : "classical-",
            optimizer: nesterov ? "Nesterov momentum" : "Classical momentum",
            function: nesterov ? "nesterovMomentumStep" : "sgdMomentumStep",
            settings: "learning rate \(DisplayFormat.value(s.learningRate)) for steps 1–\(s.changeAfter), \(DisplayFormat.value(s.laterLearningRate)) after, ρ = \(s.momentum)",
            state: .init("velocity v₁", tensor: 1),
            note: "The reference's velocity is the running sum v ← ρ·v + g, without the learning rate.") { step, theta, gradient, last in
            QuadraticOptimizerProbe.stateVector(after: last).map { velocity in
                WorkerCalls.momentumSteps(nesterov: nesterov, parameters: theta, velocity: velocity, gradients: [gradient],
                                          learningRates: [step < s.changeAfter ? s.learningRate : s.laterLearningRate],
                                          momentum: s.momentum)
            }
        }
    }

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        [Self.figureProbe(nesterov: false).probe(reference: reference), Self.figureProbe(nesterov: true).probe(reference: reference)]
    }
}
