import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for this exercise, and how the worker calls it (the layout of each call is the one
/// `WorkerCalls` builds and `simulate` reads).
extension AdamGrader {
    /// An Adam-like step driven along a trajectory (`adamStep` here, `adamWStep` in `adamw`): tensors [θ₀, m₀, v₀, g₁,
    /// …, g_K], numbers [learningRate, beta1, beta2, epsilon, …], integers [t₀] → tensors [θ₁, m₁, v₁, θ₂, …],
    /// integers [t₁, t₂, …]. `moreArguments` follows `epsilon:` in the call (e.g. ", weightDecay: call.numbers[4]").
    static func trajectoryFunction(_ declaration: String, name: String, moreArguments: String) -> ExerciseFunction {
        ExerciseFunction(declaration, wireName: name, driver: """
            var parameters = call.tensors[0]
            var state = TensorKit.AdamState(like: parameters)
            state.m = call.tensors[1]
            state.v = call.tensors[2]
            state.t = call.integers[0]
            var tensors: [TensorKit.Tensor] = []
            var steps: [Int] = []
            for gradient in call.tensors[3...] {
                \(name)(parameters: &parameters, gradient: gradient, state: &state,
                         learningRate: call.numbers[0], beta1: call.numbers[1], beta2: call.numbers[2],
                         epsilon: call.numbers[3]\(moreArguments))
                tensors += [parameters, state.m, state.v]
                steps.append(state.t)
            }
            return WorkerKit.WorkerReply(tensors: tensors, integers: steps)
            """, replySize: { call in
                let steps = Swift.max(0, call.tensors.count - 3)
                return (ExerciseFunction.saturatingProduct([3, steps, call.tensors.first?.scalars.count ?? 0]) + steps, 3 * steps)
            })
    }

    public var functions: [ExerciseFunction] {
        [
            Self.trajectoryFunction("public func adamStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double)",
                                    name: "adamStep", moreArguments: ""),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.adamStep = { Reference.adamStep(parameters: &$0, gradient: $1, state: &$2, learningRate: $3, beta1: $4, beta2: $5, epsilon: $6) }
        return implementation
    }

    public var variants: [WrongVariant] { AdamMisconceptions.variants }
}

/// Calls: `adamStep` — tensors [θ₀, m₀, v₀, g₁, …, g_K], numbers [learningRate, beta1, beta2, epsilon],
/// integers [t₀] → tensors [θ₁, m₁, v₁, θ₂, m₂, v₂, …], integers [t₁, t₂, …].
extension WorkerCalls {
    /// K = gradients.count Adam steps from the state (m, v, t).
    public static func adamSteps(parameters: Tensor, state: AdamState, gradients: [Tensor], learningRate: Double,
                                 beta1: Double, beta2: Double, epsilon: Double) -> WorkerCall {
        WorkerCall(function: "adamStep", tensors: [parameters, state.m, state.v] + gradients,
                   numbers: [learningRate, beta1, beta2, epsilon], integers: [state.t])
    }
}

extension ExerciseImplementation {
    public typealias AdamStepFunction = @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ state: inout AdamState,
                                                   _ learningRate: Double, _ beta1: Double, _ beta2: Double, _ epsilon: Double) -> Void
    /// Answers a call laid out as `AdamGrader.trajectoryFunction`'s driver reads it (adam's and adamw's), exactly as
    /// that driver does; `step` makes one step, reading its other arguments from `call.numbers`.
    static func adamTrajectoryHandler(
        _ step: @escaping @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ state: inout AdamState, _ call: WorkerCall) -> Void
    ) -> Handler {
        { call in
            var parameters = call.tensors[0]
            var state = AdamState(m: call.tensors[1], v: call.tensors[2], t: call.integers[0])
            var reply = WorkerReply()
            for gradient in call.tensors.dropFirst(3) {
                step(&parameters, gradient, &state, call)
                reply.tensors += [parameters, state.m, state.v]
                reply.integers.append(state.t)
            }
            return reply
        }
    }

    public var adamStep: AdamStepFunction {
        get { function("adamStep") }
        set {
            install("adamStep", newValue, handler: Self.adamTrajectoryHandler { parameters, gradient, state, call in
                newValue(&parameters, gradient, &state, call.numbers[0], call.numbers[1], call.numbers[2], call.numbers[3])
            })
        }
    }
}
