import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for this exercise, and how the worker calls it (the layout of each call is the one
/// `WorkerCalls` builds and `simulate` reads).
extension Conv2DGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> Tensor",
                             wireName: "conv2dForward", driver: """
            let output: TensorKit.Tensor = conv2dForward(input: call.tensors[0], weight: call.tensors[1],
                                                        bias: call.tensors[2], stride: call.integers[0],
                                                        padding: call.integers[1])
            return WorkerKit.WorkerReply(tensors: [output])
            """, replySize: { call in
                guard call.tensors.count >= 2, call.tensors[0].shape.count == 4, call.tensors[1].shape.count == 4,
                      call.integers.count >= 2, call.integers[0] > 0 else { return (1 << 16, 1) }
                let (input, weight, stride, padding) = (call.tensors[0].shape, call.tensors[1].shape, call.integers[0], call.integers[1])
                let height = Swift.max(0, (input[2] + 2 * padding - weight[2]) / stride + 1)
                let width = Swift.max(0, (input[3] + 2 * padding - weight[3]) / stride + 1)
                return (ExerciseFunction.saturatingProduct([input[0], weight[0], height, width]), 1)
            }),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.conv2dForward = { Reference.conv2dForward(input: $0, weight: $1, bias: $2, stride: $3, padding: $4) }
        return implementation
    }

    public var variants: [WrongVariant] { Conv2DMisconceptions.variants }
}

/// Calls: `conv2dForward` — tensors [input, weight, bias], integers [stride, padding] → tensors [output].
extension WorkerCalls {
    public static func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> WorkerCall {
        WorkerCall(function: "conv2dForward", tensors: [input, weight, bias], integers: [stride, padding])
    }
}

extension ExerciseImplementation {
    public var conv2dForward: @Sendable (_ input: Tensor, _ weight: Tensor, _ bias: Tensor, _ stride: Int, _ padding: Int) -> Tensor {
        get { function("conv2dForward") }
        set {
            install("conv2dForward", newValue) { call in
                WorkerReply(tensors: [newValue(call.tensors[0], call.tensors[1], call.tensors[2], call.integers[0], call.integers[1])])
            }
        }
    }
}
