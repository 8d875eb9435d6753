/// What the student writes for this exercise, and how the worker calls it (the layout of each call is the one
/// `WorkerCalls` builds and `simulate` reads).
extension AdamGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func adamStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double)",
                             wireName: "adamStep", driver: """
            var parameters = call.tensors[0]
            var state = TensorKit.AdamState(like: parameters)
            state.m = call.tensors[1]
            state.v = call.tensors[2]
            state.t = call.integers[0]
            var tensors: [TensorKit.Tensor] = []
            var steps: [Int] = []
            for gradient in call.tensors[3...] {
                adamStep(parameters: &parameters, gradient: gradient, state: &state,
                         learningRate: call.numbers[0], beta1: call.numbers[1], beta2: call.numbers[2],
                         epsilon: call.numbers[3])
                tensors += [parameters, state.m, state.v]
                steps.append(state.t)
            }
            return WorkerKit.WorkerReply(tensors: tensors, integers: steps)
            """),
        ]
    }

    public var variants: [WrongVariant] { AdamMisconceptions.variants }
}
