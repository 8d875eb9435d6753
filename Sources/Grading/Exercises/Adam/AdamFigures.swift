import GradingCore
import TensorKit
import WorkerKit

/// The student's adamStep on the optimizer exercises' small quadratic (`QuadraticOptimizerProbe`): the loss curve
/// and the first parameter's trajectory against the reference's. A missing bias correction shows in the first
/// steps, where 1 − βᵗ is far from 1.
extension AdamGrader {
    static let figureSteps = 60
    static let figureSettings = (learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)

    /// The Adam state (m, v, t) the last reply holds after one step, or the zero state before the first; nil when
    /// the reply's state is missing or misshapen.
    static func figureState(after last: WorkerReply?) -> AdamState? {
        guard let last else { return AdamState(like: Tensor(shape: [2], scalars: QuadraticOptimizerProbe.start)) }
        guard let m = QuadraticOptimizerProbe.vector(last, 1), let v = QuadraticOptimizerProbe.vector(last, 2),
              let t = last.integers.first else { return nil }
        return AdamState(m: m, v: v, t: t)
    }

    static var figureProbe: QuadraticOptimizerProbe {
        let s = figureSettings
        return QuadraticOptimizerProbe(
            optimizer: "Adam", function: "adamStep",
            settings: "learning rate \(DisplayFormat.value(s.learningRate)), β₁ = \(s.beta1), β₂ = \(s.beta2)", steps: figureSteps,
            note: "The reference's first step moves each parameter by the learning rate, \(DisplayFormat.value(s.learningRate)), whatever the gradient's size, because the bias-corrected m̂₁/√v̂₁ is g₁/|g₁|.") { _, theta, gradient, last in
            figureState(after: last).map { state in
                WorkerCalls.adamSteps(parameters: theta, state: state, gradients: [gradient], learningRate: s.learningRate,
                                      beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon)
            }
        }
    }

    public func figureProbes(seed: UInt64) -> [FigureProbe] { [Self.figureProbe.probe(reference: reference)] }
}
