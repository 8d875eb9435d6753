import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Calls: `adamWStep` — tensors [θ₀, m₀, v₀, g₁, …, g_K], numbers [learningRate, beta1, beta2, epsilon, weightDecay],
/// integers [t₀] → tensors [θ₁, m₁, v₁, θ₂, m₂, v₂, …], integers [t₁, t₂, …] (the `adam` exercise's layout plus λ).
extension AdamWGrader {
    public var functions: [ExerciseFunction] {
        [
            AdamGrader.trajectoryFunction("public func adamWStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double)",
                                          name: "adamWStep", moreArguments: ", weightDecay: call.numbers[4]"),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.adamWStep = {
            Reference.adamWStep(parameters: &$0, gradient: $1, state: &$2, learningRate: $3, beta1: $4, beta2: $5, epsilon: $6, weightDecay: $7)
        }
        return implementation
    }

    public var variants: [WrongVariant] { AdamWMisconceptions.variants }
}

extension WorkerCalls {
    /// K = gradients.count AdamW steps from the state (m, v, t).
    public static func adamWSteps(parameters: Tensor, state: AdamState, gradients: [Tensor], learningRate: Double,
                                  beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double) -> WorkerCall {
        WorkerCall(function: "adamWStep", tensors: [parameters, state.m, state.v] + gradients,
                   numbers: [learningRate, beta1, beta2, epsilon, weightDecay], integers: [state.t])
    }
}

extension ExerciseImplementation {
    public typealias AdamWStepFunction = @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ state: inout AdamState,
                                                    _ learningRate: Double, _ beta1: Double, _ beta2: Double, _ epsilon: Double,
                                                    _ weightDecay: Double) -> Void
    public var adamWStep: AdamWStepFunction {
        get { function("adamWStep") }
        set {
            install("adamWStep", newValue, handler: Self.adamTrajectoryHandler { parameters, gradient, state, call in
                newValue(&parameters, gradient, &state, call.numbers[0], call.numbers[1], call.numbers[2], call.numbers[3], call.numbers[4])
            })
        }
    }
}
