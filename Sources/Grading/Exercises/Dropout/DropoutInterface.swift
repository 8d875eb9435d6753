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
            """),
            ExerciseFunction("public func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> Tensor",
                             wireName: "dropoutBackward", driver: """
            let gradient: TensorKit.Tensor = dropoutBackward(call.tensors[0], mask: call.tensors[1])
            return WorkerKit.WorkerReply(tensors: [gradient])
            """),
        ]
    }

    public var variants: [WrongVariant] { DropoutMisconceptions.variants }
}
