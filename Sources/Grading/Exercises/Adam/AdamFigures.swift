import GradingCore
import TensorKit
import WorkerKit

/// The student's adamStep minimizing a small ill-conditioned quadratic, L(θ) = ½(θ₁² + 10·θ₂²), step after step
/// with its own state carried over (each step's gradient is taken at the parameters the student's code returned),
/// against the reference engine on the same problem: the loss curve and the first parameter's trajectory. A
/// missing bias correction shows in the first steps, where 1 − βᵗ is far from 1.
extension AdamGrader {
    static let figureSteps = 60
    static let figureCurvature: [Double] = [1, 10]
    static let figureStart: [Double] = [2, -1.5]
    static let figureSettings = (learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)

    static func figureLoss(_ theta: [Double]) -> Double {
        0.5 * zip(figureCurvature, theta).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
    }

    /// The call for the next step from the last reply (or the start): the gradient at the parameters it holds.
    static func nextStep(after replies: [WorkerReply]) -> WorkerCall? {
        guard replies.count < figureSteps else { return nil }
        let start = Tensor(shape: [2], scalars: figureStart)
        var state = AdamState(like: start), theta = start
        if let last = replies.last {
            guard last.tensors.count >= 3, last.tensors[0].shape == [2], last.tensors[0].scalars.count == 2,
                  last.tensors[1].shape == [2], last.tensors[1].scalars.count == 2,
                  last.tensors[2].shape == [2], last.tensors[2].scalars.count == 2, let t = last.integers.first,
                  last.tensors[0].scalars.allSatisfy(\.isFinite) else { return nil }
            theta = last.tensors[0]
            state = AdamState(m: last.tensors[1], v: last.tensors[2], t: t)
        }
        let gradient = Tensor(shape: [2], scalars: zip(figureCurvature, theta.scalars).map { $0 * $1 })
        let s = figureSettings
        return WorkerCalls.adamSteps(parameters: theta, state: state, gradients: [gradient], learningRate: s.learningRate,
                                     beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon)
    }

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let reference = self.reference
        return [FigureProbe(name: "quadratic", next: Self.nextStep) { outcome in
            var referenceReplies: [WorkerReply] = []
            while let call = Self.nextStep(after: referenceReplies) { referenceReplies.append(simulate(call, using: reference)) }
            func trajectory(_ replies: [WorkerReply]) -> [[Double]] {
                [Self.figureStart] + replies.compactMap { $0.tensors.first.flatMap { $0.scalars.count == 2 ? $0.scalars : nil } }
            }
            let yours = trajectory(outcome.replies), theirs = trajectory(referenceReplies)
            guard yours.count > 1 else { return [] }
            let steps = { (path: [[Double]]) in path.indices.map(Double.init) }
            let yourLoss = yours.map(Self.figureLoss), referenceLoss = theirs.map(Self.figureLoss)
            let at = Swift.min(5, yourLoss.count - 1)
            let stopped = yours.count < theirs.count
                ? " Your run stopped after \(DisplayFormat.count(yours.count - 1, "step"))\(outcome.failure.map { ": \($0)" } ?? " because its parameters or state came back non-finite or misshapen")."
                : ""
            let s = Self.figureSettings
            let lossCaption = "Adam (learning rate \(DisplayFormat.value(s.learningRate)), β₁ = \(s.beta1), β₂ = \(s.beta2)) on L(θ) = ½(θ₁² + 10·θ₂²) from θ = (2, −1.5), each step's gradient taken where your adamStep left the parameters. After \(DisplayFormat.count(at, "step")) the loss is \(DisplayFormat.significant(yourLoss[at], digits: 3)) with yours and \(DisplayFormat.significant(referenceLoss[at], digits: 3)) with the reference; after \(yourLoss.count - 1): \(DisplayFormat.significant(yourLoss.last!, digits: 3)) and \(DisplayFormat.significant(referenceLoss[Swift.min(yourLoss.count - 1, referenceLoss.count - 1)], digits: 3)).\(stopped) Without bias correction the first steps are off (m₁ = 0.1·g₁ is biased toward zero), which shows as a different start of the curve."
            let trajectoryCaption = "The first parameter θ₁ step by step: yours starts \(yours.dropFirst().prefix(3).map { DisplayFormat.significant($0[0], digits: 4) }.joined(separator: ", ")), the reference's \(theirs.dropFirst().prefix(3).map { DisplayFormat.significant($0[0], digits: 4) }.joined(separator: ", ")). With bias correction the first step moves θ₁ by about the learning rate."
            return [
                Figure(id: "loss-curve", kind: .line, title: "Adam: loss per step", caption: lossCaption,
                       xAxis: .init("step"), yAxis: .init("loss L(θ)", logarithmic: true),
                       series: [.init("your adamStep", role: .student, x: steps(yours), y: yourLoss),
                                .init("reference", role: .reference, x: steps(theirs), y: referenceLoss)]),
                Figure(id: "parameter-trajectory", kind: .line, title: "Adam: parameter θ₁ per step", caption: trajectoryCaption,
                       xAxis: .init("step"), yAxis: .init("θ₁"),
                       series: [.init("your adamStep", role: .student, x: steps(yours), y: yours.map { $0[0] }),
                                .init("reference", role: .reference, x: steps(theirs), y: theirs.map { $0[0] })]),
            ]
        }]
    }
}
