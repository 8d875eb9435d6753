import GradingCore
import TensorKit
import WorkerKit

/// A student's analytic gradients against their own forward pass, by a central difference along one random ±1
/// direction u (one tensor of it per differentiated argument) of the loss L = ⟨upstream, forward(·)⟩:
///
///     Σₖ ⟨gradientₖ, uₖ⟩   against   (L(arguments + h·u) − L(arguments − h·u)) / 2h
///
/// The test makes the two forward calls at ±h·u itself (`plusCall`, `minusCall` index its calls) and the backward
/// call whose reply holds the gradients. The bound `absolute + relative·|numerical|` is chosen per exercise from the
/// step (truncation ~h²·L‴, rounding ~ε·Σ|upstream·y|/h); a kink between the two points would break it, so the
/// inputs must keep every kink farther than h away.
struct DirectionalGradientCheck: Sendable {
    var step: Double
    var upstream: Tensor
    var directions: [Tensor]
    /// Where the gradients are: (call index, tensor index in its reply), one per direction.
    var gradients: [(call: Int, tensor: Int)]
    var plusCall: Int, minusCall: Int
    var absolute: Double, relative: Double
    /// What the direction runs over, for the message: "(input, γ, β)".
    var arguments: String

    /// `tensors` perturbed by ±step along `directions`, in that order.
    func perturbed(_ tensors: [Tensor], sign: Double) -> [Tensor] {
        zip(tensors, directions).map { $0 + $1 * (sign * step) }
    }

    /// Random ±1 directions shaped like `tensors`.
    static func directions(like tensors: [Tensor], using g: inout SeededGenerator) -> [Tensor] {
        tensors.map { tensor in Tensor(shape: tensor.shape) { _ in g.nextUniform() < 0.5 ? -1.0 : 1.0 } }
    }

    func judge(_ replies: [WorkerReply]) -> SubCheckResult {
        let name = "gradient against your own forward"
        let got = gradients.map { replies[$0.call].tensor($0.tensor) }
        guard zip(got, directions).allSatisfy({ $0?.shape == $1.shape && $0?.scalars.count == $1.count }),
              let plus = replies[plusCall].tensor(0), let minus = replies[minusCall].tensor(0),
              plus.count == upstream.count, minus.count == upstream.count else {
            return SubCheckResult(name: name, passed: false, message: "Your gradients could not be checked against your own forward pass because a gradient or an output did not have the expected shape.")
        }
        let analytic = zip(got, directions).reduce(0.0) { total, pair in
            total + zip(pair.0!.scalars, pair.1.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        func loss(_ y: Tensor) -> Double { zip(y.scalars, upstream.scalars).reduce(0) { $0 + $1.0 * $1.1 } }
        let numerical = (loss(plus) - loss(minus)) / (2 * step)
        let passed = analytic.isFinite && numerical.isFinite && abs(analytic - numerical) <= absolute + relative * abs(numerical)
        return SubCheckResult(name: name, passed: passed, message: passed ? "" :
            "Your gradients disagree with your own forward pass: for L = ⟨upstream, output⟩ and a random ±1 direction u of \(arguments), ⟨gradient, u⟩ = \(DisplayFormat.significant(analytic, digits: 6)) but the central difference (L(+hu) − L(−hu))/2h with h = \(DisplayFormat.significant(step, digits: 2)) is \(DisplayFormat.significant(numerical, digits: 6)).")
    }
}
