import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for this exercise, and how the worker calls it (the layout of each call is the one
/// `WorkerCalls` builds and `simulate` reads).
extension SoftmaxGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func softmax(_ logits: Tensor) -> Tensor",
                             wireName: "softmax", driver: """
            let probabilities: TensorKit.Tensor = softmax(call.tensors[0])
            return WorkerKit.WorkerReply(tensors: [probabilities])
            """, replySize: { call in (ExerciseFunction.inputElements(call), 1) }),
            ExerciseFunction("public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor)",
                             wireName: "softmaxCrossEntropy", driver: """
            let (loss, gradient): (Double, TensorKit.Tensor) = softmaxCrossEntropy(logits: call.tensors[0], labels: call.integers)
            return WorkerKit.WorkerReply(tensors: [gradient], numbers: [loss])
            """, replySize: { call in (ExerciseFunction.inputElements(call) + 1, 1) }),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.softmax = { Reference.softmax($0) }
        implementation.softmaxCrossEntropy = { Reference.softmaxCrossEntropy(logits: $0, labels: $1) }
        return implementation
    }

    public var variants: [WrongVariant] { SoftmaxMisconceptions.variants }
}

/// Calls: `softmax` — tensors [logits] → tensors [probabilities]. `softmaxCrossEntropy` — tensors [logits],
/// integers labels → numbers [loss], tensors [gradient].
extension WorkerCalls {
    public static func softmax(_ logits: Tensor) -> WorkerCall {
        WorkerCall(function: "softmax", tensors: [logits])
    }
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> WorkerCall {
        WorkerCall(function: "softmaxCrossEntropy", tensors: [logits], integers: labels)
    }
}

extension ExerciseImplementation {
    public var softmax: @Sendable (Tensor) -> Tensor {
        get { function("softmax") }
        set { install("softmax", newValue) { call in WorkerReply(tensors: [newValue(call.tensors[0])]) } }
    }
    public var softmaxCrossEntropy: @Sendable (_ logits: Tensor, _ labels: [Int]) -> (loss: Double, gradient: Tensor) {
        get { function("softmaxCrossEntropy") }
        set {
            install("softmaxCrossEntropy", newValue) { call in
                let (loss, gradient) = newValue(call.tensors[0], call.integers)
                return WorkerReply(tensors: [gradient], numbers: [loss])
            }
        }
    }
}
