import GradingCore
import Reference
import TensorKit
import WorkerKit

/// What the student writes for `batchnorm`, and how the worker calls it.
///
/// Calls: `batchNormForward` — tensors [γ, β, running mean₀, running variance₀, x₁, …, x_K], integers
/// [training₁, …, training_K] (1 or 0), numbers [momentum, epsilon] → tensors [y₁, mean₁, variance₁, y₂, …]: K
/// forward passes, each from the running statistics the previous one left. `batchNormBackward` — tensors
/// [gradOutput, input, γ], numbers [epsilon] → tensors [∂L/∂input, ∂L/∂γ, ∂L/∂β].
extension BatchNormGrader {
    public var functions: [ExerciseFunction] {
        [
            ExerciseFunction("public func batchNormForward(_ input: Tensor, gamma: Tensor, beta: Tensor, runningMean: inout Tensor, runningVariance: inout Tensor, training: Bool, momentum: Double, epsilon: Double) -> Tensor",
                             wireName: "batchNormForward", driver: """
            var runningMean = call.tensors[2]
            var runningVariance = call.tensors[3]
            var tensors: [TensorKit.Tensor] = []
            for (k, input) in call.tensors.dropFirst(4).enumerated() {
                let output: TensorKit.Tensor = batchNormForward(input, gamma: call.tensors[0], beta: call.tensors[1],
                                                                runningMean: &runningMean, runningVariance: &runningVariance,
                                                                training: k < call.integers.count && call.integers[k] != 0,
                                                                momentum: call.numbers[0], epsilon: call.numbers[1])
                tensors += [output, runningMean, runningVariance]
            }
            return WorkerKit.WorkerReply(tensors: tensors)
            """, replySize: { call in
                let inputs = call.tensors.dropFirst(4)
                let features = call.tensors.first?.scalars.count ?? 0
                let elements = inputs.reduce(0) { $0 + $1.scalars.count }
                return (elements + ExerciseFunction.saturatingProduct([2, inputs.count, features]), 3 * inputs.count)
            }),
            ExerciseFunction("public func batchNormBackward(_ gradOutput: Tensor, input: Tensor, gamma: Tensor, epsilon: Double) -> (gradInput: Tensor, gradGamma: Tensor, gradBeta: Tensor)",
                             wireName: "batchNormBackward", driver: """
            let (gradInput, gradGamma, gradBeta): (TensorKit.Tensor, TensorKit.Tensor, TensorKit.Tensor) =
                batchNormBackward(call.tensors[0], input: call.tensors[1], gamma: call.tensors[2], epsilon: call.numbers[0])
            return WorkerKit.WorkerReply(tensors: [gradInput, gradGamma, gradBeta])
            """, replySize: { call in
                let input = call.tensors.count > 1 ? call.tensors[1].scalars.count : 0
                let features = call.tensors.count > 2 ? call.tensors[2].scalars.count : 0
                return (input + 2 * features, 3)
            }),
        ]
    }

    public var reference: ExerciseImplementation {
        var implementation = ExerciseImplementation()
        implementation.batchNormForward = { input, gamma, beta, runningMean, runningVariance, training, momentum, epsilon in
            var statistics = BatchNormStatistics(features: gamma.count)
            statistics.runningMean = runningMean
            statistics.runningVariance = runningVariance
            let output = Reference.batchNormForward(input, gamma: gamma, beta: beta, statistics: &statistics,
                                                    training: training, momentum: momentum, epsilon: epsilon).output
            runningMean = statistics.runningMean
            runningVariance = statistics.runningVariance
            return output
        }
        implementation.batchNormBackward = { gradOutput, input, gamma, epsilon in
            // The backward of a training-mode forward: run one (on throwaway running statistics) for its cache.
            var statistics = BatchNormStatistics(features: gamma.count)
            let cache = Reference.batchNormForward(input, gamma: gamma, beta: Tensor(zeros: gamma.shape), statistics: &statistics,
                                                   training: true, epsilon: epsilon).cache
            let gradients = Reference.batchNormBackward(gradOutput: gradOutput, cache: cache)
            return (gradients.input, gradients.gamma, gradients.beta)
        }
        return implementation
    }

    public var variants: [WrongVariant] { BatchNormMisconceptions.variants }
}

extension WorkerCalls {
    /// K = inputs.count forward passes (training or not, one flag per input) from the running statistics given.
    public static func batchNormForward(inputs: [(input: Tensor, training: Bool)], gamma: Tensor, beta: Tensor,
                                        runningMean: Tensor, runningVariance: Tensor, momentum: Double,
                                        epsilon: Double) -> WorkerCall {
        WorkerCall(function: "batchNormForward", tensors: [gamma, beta, runningMean, runningVariance] + inputs.map(\.input),
                   numbers: [momentum, epsilon], integers: inputs.map { $0.training ? 1 : 0 })
    }

    public static func batchNormBackward(gradOutput: Tensor, input: Tensor, gamma: Tensor, epsilon: Double) -> WorkerCall {
        WorkerCall(function: "batchNormBackward", tensors: [gradOutput, input, gamma], numbers: [epsilon])
    }
}

extension ExerciseImplementation {
    public typealias BatchNormForwardFunction = @Sendable (_ input: Tensor, _ gamma: Tensor, _ beta: Tensor,
                                                           _ runningMean: inout Tensor, _ runningVariance: inout Tensor,
                                                           _ training: Bool, _ momentum: Double, _ epsilon: Double) -> Tensor
    public var batchNormForward: BatchNormForwardFunction {
        get { function("batchNormForward") }
        set {
            install("batchNormForward", newValue) { call in
                var runningMean = call.tensors[2], runningVariance = call.tensors[3]
                var reply = WorkerReply()
                for (k, input) in call.tensors.dropFirst(4).enumerated() {
                    let output = newValue(input, call.tensors[0], call.tensors[1], &runningMean, &runningVariance,
                                          k < call.integers.count && call.integers[k] != 0, call.numbers[0], call.numbers[1])
                    reply.tensors += [output, runningMean, runningVariance]
                }
                return reply
            }
        }
    }

    public typealias BatchNormBackwardFunction = @Sendable (_ gradOutput: Tensor, _ input: Tensor, _ gamma: Tensor,
                                                            _ epsilon: Double) -> (gradInput: Tensor, gradGamma: Tensor, gradBeta: Tensor)
    public var batchNormBackward: BatchNormBackwardFunction {
        get { function("batchNormBackward") }
        set {
            install("batchNormBackward", newValue) { call in
                let gradients = newValue(call.tensors[0], call.tensors[1], call.tensors[2], call.numbers[0])
                return WorkerReply(tensors: [gradients.gradInput, gradients.gradGamma, gradients.gradBeta])
            }
        }
    }
}
