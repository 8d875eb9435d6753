import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for `conv2d-backward`, and how the worker calls it.
/// Calls: `conv2dBackward` — tensors [input, weight, gradOutput], integers [stride, padding] →
/// tensors [∂L/∂input, ∂L/∂weight, ∂L/∂bias].
extension Conv2DBackwardGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func conv2dBackward(input: Tensor, weight: Tensor, gradOutput: Tensor, stride: Int, padding: Int) -> (gradInput: Tensor, gradWeight: Tensor, gradBias: Tensor)",
                             wireName: "conv2dBackward", driver: """
            let (gradInput, gradWeight, gradBias): (TensorKit.Tensor, TensorKit.Tensor, TensorKit.Tensor) =
                conv2dBackward(input: call.tensors[0], weight: call.tensors[1], gradOutput: call.tensors[2],
                               stride: call.integers[0], padding: call.integers[1])
            return WorkerKit.WorkerReply(tensors: [gradInput, gradWeight, gradBias])
            """, replySize: { call in
                // As many numbers as the input, the weight and one bias per filter.
                guard call.tensors.count >= 2 else { return (1 << 16, 3) }
                let filters = call.tensors[1].shape.first ?? 0
                return (call.tensors[0].scalars.count + call.tensors[1].scalars.count + filters, 3)
            }),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.conv2dBackward = { input, weight, gradOutput, stride, padding in
            let gradients = Reference.conv2dBackward(input: input, weight: weight, gradOutput: gradOutput, stride: stride, padding: padding)
            return (gradients.input, gradients.weight, gradients.bias)
        }
        return implementation
    }

    public var variants: [WrongVariant] { Conv2DBackwardMisconceptions.variants }
}

extension WorkerCalls {
    public static func conv2dBackward(input: Tensor, weight: Tensor, gradOutput: Tensor, stride: Int, padding: Int) -> WorkerCall {
        WorkerCall(function: "conv2dBackward", tensors: [input, weight, gradOutput], integers: [stride, padding])
    }
}

extension ExerciseImplementation {
    public typealias Conv2DBackwardFunction = @Sendable (_ input: Tensor, _ weight: Tensor, _ gradOutput: Tensor, _ stride: Int,
                                                         _ padding: Int) -> (gradInput: Tensor, gradWeight: Tensor, gradBias: Tensor)
    public var conv2dBackward: Conv2DBackwardFunction {
        get { function("conv2dBackward") }
        set {
            install("conv2dBackward", newValue) { call in
                let gradients = newValue(call.tensors[0], call.tensors[1], call.tensors[2], call.integers[0], call.integers[1])
                return WorkerReply(tensors: [gradients.gradInput, gradients.gradWeight, gradients.gradBias])
            }
        }
    }
}
