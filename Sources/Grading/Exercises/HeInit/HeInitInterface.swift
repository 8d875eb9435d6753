import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for this exercise, and how the worker calls it (the layout of each call is the one
/// `WorkerCalls` builds and `simulate` reads).
extension HeInitGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor",
                             wireName: "heNormal", driver: """
            var generator = TensorKit.SeededGenerator(seed: \(ExerciseFunction.seedExpression(0)))
            let shape = Array(call.integers[2...])
            var draws: [TensorKit.Tensor] = []
            for _ in 0..<call.integers[1] {
                let weights: TensorKit.Tensor = heNormal(shape: shape, using: &generator)
                draws.append(weights)
            }
            return WorkerKit.WorkerReply(tensors: draws)
            """, replySize: { call in
                let repeats = call.integers.count > 1 ? Swift.min(Swift.max(0, call.integers[1]), 1 << 20) : 0
                let draw = ExerciseFunction.saturatingProduct(Array(call.integers.dropFirst(2)))
                return (ExerciseFunction.saturatingProduct([repeats, draw]), repeats)
            }),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.heNormal = { Reference.heNormal(shape: $0, using: &$1) }
        return implementation
    }

    public var variants: [WrongVariant] { HeInitMisconceptions.variants }
}

/// Calls: `heNormal` — integers [seed, repeats, shape…] → tensors: `repeats` consecutive draws from ONE generator.
extension WorkerCalls {
    /// `repeats` consecutive draws from one generator seeded with `seed`.
    public static func heNormal(shape: [Int], seed: UInt64, repeats: Int) -> WorkerCall {
        WorkerCall(function: "heNormal", integers: [Int(Int64(bitPattern: seed)), repeats] + shape)
    }
}

extension ExerciseImplementation {
    public var heNormal: @Sendable (_ shape: [Int], _ generator: inout SeededGenerator) -> Tensor {
        get { function("heNormal") }
        set {
            install("heNormal", newValue) { call in
                var generator = SeededGenerator(seed: UInt64(bitPattern: Int64(call.integers[0])))
                let shape = Array(call.integers.dropFirst(2))
                return WorkerReply(tensors: (0..<call.integers[1]).map { _ in newValue(shape, &generator) })
            }
        }
    }
}
