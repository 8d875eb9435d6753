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
            """),
        ]
    }

    public var variants: [WrongVariant] { HeInitMisconceptions.variants }
}
