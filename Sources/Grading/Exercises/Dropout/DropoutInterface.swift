import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for this exercise, and how the worker calls it (the layout of each call is the one
/// `WorkerCalls` builds and `simulate` reads).
extension DropoutGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func dropoutForward(_ input: Tensor, p: Double, training: Bool, using generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor)",
                             wireName: "dropoutForward", driver: """
            var generator = TensorKit.SeededGenerator(seed: \(ExerciseFunction.seedExpression(0)))
            var outputs: [TensorKit.Tensor] = []
            for _ in 0..<call.integers[2] {
                let (output, mask): (TensorKit.Tensor, TensorKit.Tensor) = dropoutForward(
                    call.tensors[0], p: call.numbers[0], training: call.integers[1] != 0, using: &generator)
                outputs += [output, mask]
            }
            return WorkerKit.WorkerReply(tensors: outputs)
            """, replySize: { call in
                let repeats = call.integers.count > 2 ? Swift.min(Swift.max(0, call.integers[2]), 1 << 20) : 0
                return (ExerciseFunction.saturatingProduct([2, repeats, ExerciseFunction.inputElements(call)]), 2 * repeats)
            }),
            ExerciseFunction("public func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> Tensor",
                             wireName: "dropoutBackward", driver: """
            let gradient: TensorKit.Tensor = dropoutBackward(call.tensors[0], mask: call.tensors[1])
            return WorkerKit.WorkerReply(tensors: [gradient])
            """, replySize: { call in (ExerciseFunction.inputElements(call), 1) }),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.dropoutForward = { Reference.dropoutForward($0, p: $1, training: $2, using: &$3) }
        implementation.dropoutBackward = { Reference.dropoutBackward($0, mask: $1) }
        return implementation
    }

    public var variants: [WrongVariant] { DropoutMisconceptions.variants }
}

/// Calls: `dropoutForward` — tensors [input], numbers [p], integers [seed, training (0/1), repeats] → tensors
/// [output₁, mask₁, output₂, mask₂, …] from ONE generator. `dropoutBackward` — tensors [gradOutput, mask] →
/// tensors [gradInput].
extension WorkerCalls {
    /// `repeats` consecutive forward passes on one generator seeded with `seed`.
    public static func dropoutForward(_ input: Tensor, p: Double, training: Bool, seed: UInt64, repeats: Int) -> WorkerCall {
        WorkerCall(function: "dropoutForward", tensors: [input], numbers: [p],
                   integers: [Int(Int64(bitPattern: seed)), training ? 1 : 0, repeats])
    }
    public static func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> WorkerCall {
        WorkerCall(function: "dropoutBackward", tensors: [gradOutput, mask])
    }
}

extension ExerciseImplementation {
    public var dropoutForward: @Sendable (_ input: Tensor, _ p: Double, _ training: Bool, _ generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor) {
        get { function("dropoutForward") }
        set {
            install("dropoutForward", newValue) { call in
                var generator = SeededGenerator(seed: UInt64(bitPattern: Int64(call.integers[0])))
                var tensors: [Tensor] = []
                for _ in 0..<call.integers[2] {
                    let (output, mask) = newValue(call.tensors[0], call.numbers[0], call.integers[1] != 0, &generator)
                    tensors += [output, mask]
                }
                return WorkerReply(tensors: tensors)
            }
        }
    }
    public var dropoutBackward: @Sendable (_ gradOutput: Tensor, _ mask: Tensor) -> Tensor {
        get { function("dropoutBackward") }
        set { install("dropoutBackward", newValue) { call in WorkerReply(tensors: [newValue(call.tensors[0], call.tensors[1])]) } }
    }
}
