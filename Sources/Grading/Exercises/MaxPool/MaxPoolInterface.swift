import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for `maxpool`, and how the worker calls it.
/// Calls: `maxPool2dForward` — tensors [input], integers [kernelSize, stride] → tensors [output].
/// `maxPool2dBackward` — tensors [gradOutput, input], integers [kernelSize, stride] → tensors [∂L/∂input].
extension MaxPoolGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func maxPool2dForward(_ input: Tensor, kernelSize: Int, stride: Int) -> Tensor",
                             wireName: "maxPool2dForward", driver: """
            let output: TensorKit.Tensor = maxPool2dForward(call.tensors[0], kernelSize: call.integers[0], stride: call.integers[1])
            return WorkerKit.WorkerReply(tensors: [output])
            """, replySize: { call in
                // At most one output per input element (a window of at least 1×1 at a stride of at least 1).
                (call.tensors.first?.scalars.count ?? 0, 1)
            }),
            ExerciseFunction("public func maxPool2dBackward(_ gradOutput: Tensor, input: Tensor, kernelSize: Int, stride: Int) -> Tensor",
                             wireName: "maxPool2dBackward", driver: """
            let gradInput: TensorKit.Tensor = maxPool2dBackward(call.tensors[0], input: call.tensors[1],
                                                                kernelSize: call.integers[0], stride: call.integers[1])
            return WorkerKit.WorkerReply(tensors: [gradInput])
            """, replySize: { call in (call.tensors.count > 1 ? call.tensors[1].scalars.count : 0, 1) }),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.maxPool2dForward = { input, kernelSize, stride in
            Reference.maxPool2dForward(input, kernelSize: kernelSize, stride: stride).output
        }
        implementation.maxPool2dBackward = { gradOutput, input, kernelSize, stride in
            let winners = Reference.maxPool2dForward(input, kernelSize: kernelSize, stride: stride).winners
            return Reference.maxPool2dBackward(gradOutput: gradOutput, winners: winners, inputShape: input.shape)
        }
        return implementation
    }

    public var variants: [WrongVariant] { MaxPoolMisconceptions.variants }
}

extension WorkerCalls {
    public static func maxPool2dForward(_ input: Tensor, kernelSize: Int, stride: Int) -> WorkerCall {
        WorkerCall(function: "maxPool2dForward", tensors: [input], integers: [kernelSize, stride])
    }
    public static func maxPool2dBackward(gradOutput: Tensor, input: Tensor, kernelSize: Int, stride: Int) -> WorkerCall {
        WorkerCall(function: "maxPool2dBackward", tensors: [gradOutput, input], integers: [kernelSize, stride])
    }
}

extension ExerciseImplementation {
    public var maxPool2dForward: @Sendable (_ input: Tensor, _ kernelSize: Int, _ stride: Int) -> Tensor {
        get { function("maxPool2dForward") }
        set {
            install("maxPool2dForward", newValue) { call in
                WorkerReply(tensors: [newValue(call.tensors[0], call.integers[0], call.integers[1])])
            }
        }
    }
    public var maxPool2dBackward: @Sendable (_ gradOutput: Tensor, _ input: Tensor, _ kernelSize: Int, _ stride: Int) -> Tensor {
        get { function("maxPool2dBackward") }
        set {
            install("maxPool2dBackward", newValue) { call in
                WorkerReply(tensors: [newValue(call.tensors[0], call.tensors[1], call.integers[0], call.integers[1])])
            }
        }
    }
}
