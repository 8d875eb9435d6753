import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for `lr-schedule`, and how the worker calls it: each call evaluates one schedule at a
/// list of steps and replies with the rates, in order.
/// Calls: `stepDecay` — integers [every, step…], numbers [initial, gamma];
/// `exponentialDecay` — integers [step…], numbers [initial, gamma];
/// `cosineAnnealing` — integers [totalSteps, step…], numbers [initial, minimum];
/// `linearWarmup` — integers [warmupSteps, step…], numbers [initial] → numbers [rate at each step].
extension LearningRateScheduleGrader {
    public var functions: [ExerciseFunction] {
        [
            Self.function("stepDecay(step: Int, initial: Double, gamma: Double, every: Int)",
                          "stepDecay(step: step, initial: call.numbers[0], gamma: call.numbers[1], every: call.integers[0])"),
            Self.function("exponentialDecay(step: Int, initial: Double, gamma: Double)",
                          "exponentialDecay(step: step, initial: call.numbers[0], gamma: call.numbers[1])", firstStep: 0),
            Self.function("cosineAnnealing(step: Int, initial: Double, minimum: Double, totalSteps: Int)",
                          "cosineAnnealing(step: step, initial: call.numbers[0], minimum: call.numbers[1], totalSteps: call.integers[0])"),
            Self.function("linearWarmup(step: Int, initial: Double, warmupSteps: Int)",
                          "linearWarmup(step: step, initial: call.numbers[0], warmupSteps: call.integers[0])"),
        ]
    }

    /// A schedule function: the driver evaluates `expression` at each step in `call.integers[firstStep...]`.
    static func function(_ signature: String, _ expression: String, firstStep: Int = 1) -> ExerciseFunction {
        let name = String(signature.prefix { $0 != "(" })
        return ExerciseFunction("public func \(signature) -> Double", wireName: name, driver: """
            var rates: [Double] = []
            for step in call.integers.dropFirst(\(firstStep)) {
                let rate: Double = \(expression)
                rates.append(rate)
            }
            return WorkerKit.WorkerReply(numbers: rates)
            """, replySize: { call in (Swift.max(0, call.integers.count - firstStep), 0) })
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.stepDecay = { Reference.stepDecayRate(step: $0, initial: $1, gamma: $2, every: $3) }
        implementation.exponentialDecay = { Reference.exponentialDecayRate(step: $0, initial: $1, gamma: $2) }
        implementation.cosineAnnealing = { Reference.cosineAnnealingRate(step: $0, initial: $1, minimum: $2, totalSteps: $3) }
        implementation.linearWarmup = { Reference.linearWarmupRate(step: $0, initial: $1, warmupSteps: $2) }
        return implementation
    }

    public var variants: [WrongVariant] { LearningRateScheduleMisconceptions.variants }
}

/// One schedule with its hyperparameters, as a test evaluates it.
public enum ScheduleSpec: Sendable {
    case stepDecay(initial: Double, gamma: Double, every: Int)
    case exponentialDecay(initial: Double, gamma: Double)
    case cosineAnnealing(initial: Double, minimum: Double, totalSteps: Int)
    case linearWarmup(initial: Double, warmupSteps: Int)

    /// The student's function, as a reader would call it.
    public var description: String {
        func v(_ x: Double) -> String { DisplayFormat.value(x) }
        switch self {
        case let .stepDecay(initial, gamma, every): return "stepDecay(initial: \(v(initial)), gamma: \(v(gamma)), every: \(every))"
        case let .exponentialDecay(initial, gamma): return "exponentialDecay(initial: \(v(initial)), gamma: \(v(gamma)))"
        case let .cosineAnnealing(initial, minimum, total): return "cosineAnnealing(initial: \(v(initial)), minimum: \(v(minimum)), totalSteps: \(total))"
        case let .linearWarmup(initial, warmup): return "linearWarmup(initial: \(v(initial)), warmupSteps: \(warmup))"
        }
    }
}

extension WorkerCalls {
    /// `schedule` evaluated at each of `steps`.
    public static func schedule(_ schedule: ScheduleSpec, steps: [Int]) -> WorkerCall {
        switch schedule {
        case let .stepDecay(initial, gamma, every):
            return WorkerCall(function: "stepDecay", numbers: [initial, gamma], integers: [every] + steps)
        case let .exponentialDecay(initial, gamma):
            return WorkerCall(function: "exponentialDecay", numbers: [initial, gamma], integers: steps)
        case let .cosineAnnealing(initial, minimum, total):
            return WorkerCall(function: "cosineAnnealing", numbers: [initial, minimum], integers: [total] + steps)
        case let .linearWarmup(initial, warmup):
            return WorkerCall(function: "linearWarmup", numbers: [initial], integers: [warmup] + steps)
        }
    }
}

extension ExerciseImplementation {
    public typealias ScheduleFunction = @Sendable (_ step: Int, _ initial: Double, _ a: Double, _ n: Int) -> Double
    public typealias ExponentialScheduleFunction = @Sendable (_ step: Int, _ initial: Double, _ gamma: Double) -> Double
    public typealias WarmupScheduleFunction = @Sendable (_ step: Int, _ initial: Double, _ warmupSteps: Int) -> Double

    /// (step, initial, gamma, every) → rate.
    public var stepDecay: ScheduleFunction {
        get { function("stepDecay") }
        set { install("stepDecay", newValue) { call in Self.rates(call) { newValue($0, call.numbers[0], call.numbers[1], call.integers[0]) } } }
    }
    public var exponentialDecay: ExponentialScheduleFunction {
        get { function("exponentialDecay") }
        set { install("exponentialDecay", newValue) { call in Self.rates(call, firstStep: 0) { newValue($0, call.numbers[0], call.numbers[1]) } } }
    }
    /// (step, initial, minimum, totalSteps) → rate.
    public var cosineAnnealing: ScheduleFunction {
        get { function("cosineAnnealing") }
        set { install("cosineAnnealing", newValue) { call in Self.rates(call) { newValue($0, call.numbers[0], call.numbers[1], call.integers[0]) } } }
    }
    public var linearWarmup: WarmupScheduleFunction {
        get { function("linearWarmup") }
        set { install("linearWarmup", newValue) { call in Self.rates(call) { newValue($0, call.numbers[0], call.integers[0]) } } }
    }

    /// Answers a schedule call as the driver does: the rate at each step in `call.integers[firstStep...]`.
    static func rates(_ call: WorkerCall, firstStep: Int = 1, _ rate: (Int) -> Double) -> WorkerReply {
        WorkerReply(numbers: call.integers.dropFirst(firstStep).map(rate))
    }
}
