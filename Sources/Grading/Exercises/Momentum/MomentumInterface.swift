import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for `momentum`, and how the worker calls it.
/// Calls: `sgdMomentumStep` and `nesterovMomentumStep` — tensors [θ₀, v₀, g₁, …, g_K], numbers [ρ, lr₁, …, lr_K]
/// → tensors [θ₁, v₁, θ₂, v₂, …]: K steps, each from the state the previous one left, step k with learning rate lr_k.
extension MomentumGrader {
    public var functions: [ExerciseFunction] {
        ["sgdMomentumStep", "nesterovMomentumStep"].map { name in
            .stateTrajectory("public func \(name)(parameters: inout Tensor, gradient: Tensor, velocity: inout Tensor, learningRate: Double, momentum: Double)",
                             name: name, state: "velocity", arguments: "learningRate: call.numbers[1 + k], momentum: call.numbers[0]")
        }
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.sgdMomentumStep = { parameters, gradient, velocity, learningRate, momentum in
            Reference.momentumBufferStep(parameters: &parameters, gradient: gradient, buffer: &velocity,
                                         learningRate: learningRate, momentum: momentum, nesterov: false)
        }
        implementation.nesterovMomentumStep = { parameters, gradient, velocity, learningRate, momentum in
            Reference.momentumBufferStep(parameters: &parameters, gradient: gradient, buffer: &velocity,
                                         learningRate: learningRate, momentum: momentum, nesterov: true)
        }
        return implementation
    }

    public var variants: [WrongVariant] { MomentumMisconceptions.variants }
}

extension WorkerCalls {
    /// K = gradients.count momentum steps (classical, or Nesterov when `nesterov`) from the velocity given, step k
    /// with learningRates[k].
    public static func momentumSteps(nesterov: Bool, parameters: Tensor, velocity: Tensor, gradients: [Tensor],
                                     learningRates: [Double], momentum: Double) -> WorkerCall {
        precondition(gradients.count == learningRates.count, "momentumSteps: one learning rate per gradient.")
        return WorkerCall(function: nesterov ? "nesterovMomentumStep" : "sgdMomentumStep",
                          tensors: [parameters, velocity] + gradients, numbers: [momentum] + learningRates)
    }
}

extension ExerciseImplementation {
    public typealias MomentumStepFunction = @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ velocity: inout Tensor,
                                                       _ learningRate: Double, _ momentum: Double) -> Void
    public var sgdMomentumStep: MomentumStepFunction {
        get { function("sgdMomentumStep") }
        set { install("sgdMomentumStep", newValue, handler: Self.momentumHandler(newValue)) }
    }
    public var nesterovMomentumStep: MomentumStepFunction {
        get { function("nesterovMomentumStep") }
        set { install("nesterovMomentumStep", newValue, handler: Self.momentumHandler(newValue)) }
    }

    /// Answers a momentum call exactly as the driver does (step k with learning rate numbers[1 + k]).
    static func momentumHandler(_ step: @escaping MomentumStepFunction) -> Handler {
        stateTrajectoryHandler { parameters, gradient, velocity, call, k in
            step(&parameters, gradient, &velocity, call.numbers[1 + k], call.numbers[0])
        }
    }
}
