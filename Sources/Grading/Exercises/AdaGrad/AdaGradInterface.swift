import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Calls: `adagradStep` — tensors [θ₀, h₀, g₁, …, g_K], numbers [learningRate, epsilon] →
/// tensors [θ₁, h₁, θ₂, h₂, …]: K steps, each from the state the previous one left.
extension AdaGradGrader {
    public var functions: [ExerciseFunction] {
        [.stateTrajectory("public func adagradStep(parameters: inout Tensor, gradient: Tensor, cache: inout Tensor, learningRate: Double, epsilon: Double)",
                          name: "adagradStep", state: "cache", arguments: "learningRate: call.numbers[0], epsilon: call.numbers[1]")]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.adagradStep = { parameters, gradient, cache, learningRate, epsilon in
            var state = SquaredGradientState(like: parameters)
            state.sumOfSquares = cache
            Reference.adaGradStep(parameters: &parameters, gradient: gradient, state: &state,
                                  learningRate: learningRate, epsilon: epsilon)
            cache = state.sumOfSquares
        }
        return implementation
    }

    public var variants: [WrongVariant] { AdaGradMisconceptions.variants }
}

extension WorkerCalls {
    /// K = gradients.count AdaGrad steps from `cache`.
    public static func adagradSteps(parameters: Tensor, cache: Tensor, gradients: [Tensor], learningRate: Double,
                                    epsilon: Double) -> WorkerCall {
        WorkerCall(function: "adagradStep", tensors: [parameters, cache] + gradients, numbers: [learningRate, epsilon])
    }
}

extension ExerciseImplementation {
    public typealias AdaGradStepFunction = @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ cache: inout Tensor,
                                                      _ learningRate: Double, _ epsilon: Double) -> Void
    public var adagradStep: AdaGradStepFunction {
        get { function("adagradStep") }
        set {
            install("adagradStep", newValue, handler: Self.stateTrajectoryHandler { parameters, gradient, cache, call, _ in
                newValue(&parameters, gradient, &cache, call.numbers[0], call.numbers[1])
            })
        }
    }
}
