/// What the student writes for this exercise, and how the worker calls it (the layout of each call is the one
/// `WorkerCalls` builds and `simulate` reads).
extension SoftmaxGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func softmax(_ logits: Tensor) -> Tensor",
                             wireName: "softmax", driver: """
            let probabilities: TensorKit.Tensor = softmax(call.tensors[0])
            return WorkerKit.WorkerReply(tensors: [probabilities])
            """),
            ExerciseFunction("public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor)",
                             wireName: "softmaxCrossEntropy", driver: """
            let (loss, gradient): (Double, TensorKit.Tensor) = softmaxCrossEntropy(logits: call.tensors[0], labels: call.integers)
            return WorkerKit.WorkerReply(tensors: [gradient], numbers: [loss])
            """),
        ]
    }

    public var variants: [WrongVariant] { SoftmaxMisconceptions.variants }
}
