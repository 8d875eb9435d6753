import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Calls: `rmspropStep` — tensors [θ₀, h₀, g₁, …, g_K], numbers [learningRate, decay, epsilon] →
/// tensors [θ₁, h₁, θ₂, h₂, …]: K steps, each from the state the previous one left.
extension RMSPropGrader {
    public var functions: [ExerciseFunction] {
        [.stateTrajectory("public func rmspropStep(parameters: inout Tensor, gradient: Tensor, cache: inout Tensor, learningRate: Double, decay: Double, epsilon: Double)",
                          name: "rmspropStep", state: "cache",
                          arguments: "learningRate: call.numbers[0], decay: call.numbers[1], epsilon: call.numbers[2]")]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.rmspropStep = { parameters, gradient, cache, learningRate, decay, epsilon in
            var state = SquaredGradientState(like: parameters)
            state.sumOfSquares = cache
            Reference.rmsPropStep(parameters: &parameters, gradient: gradient, state: &state,
                                  learningRate: learningRate, decay: decay, epsilon: epsilon)
            cache = state.sumOfSquares
        }
        return implementation
    }

    public var variants: [WrongVariant] { RMSPropMisconceptions.variants }
}

extension WorkerCalls {
    /// K = gradients.count RMSProp steps from `cache`.
    public static func rmspropSteps(parameters: Tensor, cache: Tensor, gradients: [Tensor], learningRate: Double,
                                    decay: Double, epsilon: Double) -> WorkerCall {
        WorkerCall(function: "rmspropStep", tensors: [parameters, cache] + gradients, numbers: [learningRate, decay, epsilon])
    }
}

extension ExerciseImplementation {
    public typealias RMSPropStepFunction = @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ cache: inout Tensor,
                                                      _ learningRate: Double, _ decay: Double, _ epsilon: Double) -> Void
    public var rmspropStep: RMSPropStepFunction {
        get { function("rmspropStep") }
        set {
            install("rmspropStep", newValue, handler: Self.stateTrajectoryHandler { parameters, gradient, cache, call, _ in
                newValue(&parameters, gradient, &cache, call.numbers[0], call.numbers[1], call.numbers[2])
            })
        }
    }
}
