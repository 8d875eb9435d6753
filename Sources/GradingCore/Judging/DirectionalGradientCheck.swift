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
///
/// It is data (no code of the exercise), so a recorded test pack carries it and the student kit's `check` runs it
/// exactly as the grader does (`OutputJudge`).
public struct DirectionalGradientCheck: Codable, Sendable, Equatable {
    /// Where one gradient is: tensor `tensor` of the reply to call `call`.
    public struct Location: Codable, Sendable, Equatable {
        public var call: Int
        public var tensor: Int
        public init(call: Int, tensor: Int) {
            self.call = call
            self.tensor = tensor
        }
    }
    public var step: Double
    public var upstream: Tensor
    public var directions: [Tensor]
    /// Where the gradients are, one per direction.
    public var gradients: [Location]
    public var plusCall: Int, minusCall: Int
    public var absolute: Double, relative: Double
    /// What the direction runs over, for the message: "(input, γ, β)".
    public var arguments: String

    public init(step: Double, upstream: Tensor, directions: [Tensor], gradients: [(call: Int, tensor: Int)],
                plusCall: Int, minusCall: Int, absolute: Double, relative: Double, arguments: String) {
        self.step = step
        self.upstream = upstream
        self.directions = directions
        self.gradients = gradients.map { Location(call: $0.call, tensor: $0.tensor) }
        self.plusCall = plusCall
        self.minusCall = minusCall
        self.absolute = absolute
        self.relative = relative
        self.arguments = arguments
    }

    /// `tensors` perturbed by ±step along `directions`, in that order.
    public func perturbed(_ tensors: [Tensor], sign: Double) -> [Tensor] {
        zip(tensors, directions).map { $0 + $1 * (sign * step) }
    }

    /// Random ±1 directions shaped like `tensors`.
    public static func directions(like tensors: [Tensor], using g: inout SeededGenerator) -> [Tensor] {
        tensors.map { tensor in Tensor(shape: tensor.shape) { _ in g.nextUniform() < 0.5 ? -1.0 : 1.0 } }
    }

    public func judge(_ replies: [WorkerReply]) -> SubCheckResult {
        let name = "gradient against your own forward"
        func reply(_ i: Int) -> WorkerReply { i < replies.count ? replies[i] : WorkerReply() }
        let got = gradients.map { reply($0.call).tensor($0.tensor) }
        guard zip(got, directions).allSatisfy({ $0?.shape == $1.shape && $0?.scalars.count == $1.count }),
              let plus = reply(plusCall).tensor(0), let minus = reply(minusCall).tensor(0),
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
