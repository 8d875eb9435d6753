import GradingCore
import TensorKit
import WorkerKit

/// A set of exercise functions living in the grader's own process: the reference engine, or one of the known
/// wrong variants. `simulate(_:using:)` answers a `WorkerCall` with them exactly as the student's worker process
/// would, so the judges can compute "what would this variant have replied?" for misconception diagnosis, and the
/// framework's tests can grade implementations without compiling anything.
///
/// It is a table from a call's function name to a handler. Each exercise's folder adds typed accessors
/// (`implementation.softmax = { ... }`) that install a handler with that exercise's call layout, and its reference
/// implementation; `ExerciseImplementation.reference` is the union over the registered exercises.
public struct ExerciseImplementation: Sendable {
    public typealias Handler = @Sendable (WorkerCall) -> WorkerReply

    /// Call handlers by function name.
    public var handlers: [String: Handler] = [:]
    /// The typed function behind each handler installed through an accessor, by function name.
    private var typed: [String: any Sendable] = [:]

    public init() {}

    /// Installs `function` under `name`, with `handler` answering calls of that name through it.
    public mutating func install<Function: Sendable>(_ name: String, _ function: Function, handler: @escaping Handler) {
        typed[name] = function
        handlers[name] = handler
    }

    /// Answers a call laid out as `ExerciseFunction.stateTrajectory`'s driver reads it — tensors [θ₀, s₀, g₁, …, g_K]
    /// → tensors [θ₁, s₁, θ₂, s₂, …] — exactly as that driver does; `step` makes step k (from 0), reading its other
    /// arguments from `call.numbers`.
    public static func stateTrajectoryHandler(
        _ step: @escaping @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ state: inout Tensor,
                                     _ call: WorkerCall, _ k: Int) -> Void) -> Handler {
        { call in
            var parameters = call.tensors[0]
            var state = call.tensors[1]
            var reply = WorkerReply()
            for (k, gradient) in call.tensors.dropFirst(2).enumerated() {
                step(&parameters, gradient, &state, call, k)
                reply.tensors += [parameters, state]
            }
            return reply
        }
    }

    /// The typed function installed under `name`.
    public func function<Function>(_ name: String, as type: Function.Type = Function.self) -> Function {
        guard let function = typed[name] as? Function else {
            preconditionFailure("This implementation has no function \(name) of type \(Function.self).")
        }
        return function
    }

    /// The reference engine's functions, for every registered exercise.
    public static let reference: ExerciseImplementation = {
        var merged = ExerciseImplementation()
        for exercise in ExerciseCatalog.all {
            let own = exercise.reference
            merged.handlers.merge(own.handlers) { first, _ in first }
            merged.typed.merge(own.typed) { first, _ in first }
        }
        return merged
    }()
}

/// Answers `call` with `implementation`, as the worker driver compiled into a submission does with the student's
/// functions. An unknown function name gets an empty reply.
public func simulate(_ call: WorkerCall, using implementation: ExerciseImplementation) -> WorkerReply {
    implementation.handlers[call.function]?(call) ?? WorkerReply()
}

/// Builders for the calls of each exercise function; each exercise's folder adds its own, the one place on the
/// grader's side that knows the layout of its calls.
public enum WorkerCalls {}
