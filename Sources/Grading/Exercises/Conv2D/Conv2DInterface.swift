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
            """),
        ]
    }

    public var variants: [WrongVariant] { Conv2DMisconceptions.variants }
}
