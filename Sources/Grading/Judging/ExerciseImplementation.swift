import Reference
import TensorKit
import WorkerKit

/// A set of exercise functions living in the grader's own process: the reference engine, or one of the known
/// wrong variants. `simulate(_:using:)` answers a `WorkerCall` with them exactly as the student's worker process
/// would, so the judges can compute "what would this variant have replied?" for misconception diagnosis, and the
/// framework's tests can grade implementations without compiling anything.
public struct ExerciseImplementation: Sendable {
    public typealias AdamStepFunction = @Sendable (_ parameters: inout Tensor, _ gradient: Tensor, _ state: inout AdamState,
                                                   _ learningRate: Double, _ beta1: Double, _ beta2: Double, _ epsilon: Double) -> Void

    public var softmax: @Sendable (Tensor) -> Tensor
    public var softmaxCrossEntropy: @Sendable (_ logits: Tensor, _ labels: [Int]) -> (loss: Double, gradient: Tensor)
    public var heNormal: @Sendable (_ shape: [Int], _ generator: inout SeededGenerator) -> Tensor
    public var dropoutForward: @Sendable (_ input: Tensor, _ p: Double, _ training: Bool, _ generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor)
    public var dropoutBackward: @Sendable (_ gradOutput: Tensor, _ mask: Tensor) -> Tensor
    public var adamStep: AdamStepFunction
    public var conv2dForward: @Sendable (_ input: Tensor, _ weight: Tensor, _ bias: Tensor, _ stride: Int, _ padding: Int) -> Tensor

    /// The reference engine's functions.
    public static let reference = ExerciseImplementation(
        softmax: { Reference.softmax($0) },
        softmaxCrossEntropy: { Reference.softmaxCrossEntropy(logits: $0, labels: $1) },
        heNormal: { Reference.heNormal(shape: $0, using: &$1) },
        dropoutForward: { Reference.dropoutForward($0, p: $1, training: $2, using: &$3) },
        dropoutBackward: { Reference.dropoutBackward($0, mask: $1) },
        adamStep: { Reference.adamStep(parameters: &$0, gradient: $1, state: &$2, learningRate: $3, beta1: $4, beta2: $5, epsilon: $6) },
        conv2dForward: { Reference.conv2dForward(input: $0, weight: $1, bias: $2, stride: $3, padding: $4) })
}

/// Answers `call` with `implementation`, following the layout table of `WorkerFunction` (WorkerMessage.swift)
/// exactly; the worker driver compiled into a submission does the same with the student's functions.
/// An unknown function name gets an empty reply.
public func simulate(_ call: WorkerCall, using implementation: ExerciseImplementation) -> WorkerReply {
    switch WorkerFunction(rawValue: call.function) {
    case .softmax:
        return WorkerReply(tensors: [implementation.softmax(call.tensors[0])])
    case .softmaxCrossEntropy:
        let (loss, gradient) = implementation.softmaxCrossEntropy(call.tensors[0], call.integers)
        return WorkerReply(tensors: [gradient], numbers: [loss])
    case .heNormal:
        var generator = SeededGenerator(seed: UInt64(bitPattern: Int64(call.integers[0])))
        let shape = Array(call.integers.dropFirst(2))
        return WorkerReply(tensors: (0..<call.integers[1]).map { _ in implementation.heNormal(shape, &generator) })
    case .dropoutForward:
        var generator = SeededGenerator(seed: UInt64(bitPattern: Int64(call.integers[0])))
        var tensors: [Tensor] = []
        for _ in 0..<call.integers[2] {
            let (output, mask) = implementation.dropoutForward(call.tensors[0], call.numbers[0], call.integers[1] != 0, &generator)
            tensors += [output, mask]
        }
        return WorkerReply(tensors: tensors)
    case .dropoutBackward:
        return WorkerReply(tensors: [implementation.dropoutBackward(call.tensors[0], call.tensors[1])])
    case .adamStep:
        var parameters = call.tensors[0]
        var state = AdamState(m: call.tensors[1], v: call.tensors[2], t: call.integers[0])
        var reply = WorkerReply()
        for gradient in call.tensors.dropFirst(3) {
            implementation.adamStep(&parameters, gradient, &state, call.numbers[0], call.numbers[1], call.numbers[2], call.numbers[3])
            reply.tensors += [parameters, state.m, state.v]
            reply.integers.append(state.t)
        }
        return reply
    case .conv2dForward:
        return WorkerReply(tensors: [implementation.conv2dForward(call.tensors[0], call.tensors[1], call.tensors[2],
                                                                  call.integers[0], call.integers[1])])
    case nil:
        return WorkerReply()
    }
}

/// Builders for the calls of each exercise function: the one place on the grader's side that knows the layout of
/// `WorkerFunction`'s table.
public enum WorkerCalls {
    public static func softmax(_ logits: Tensor) -> WorkerCall {
        WorkerCall(function: WorkerFunction.softmax.rawValue, tensors: [logits])
    }
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> WorkerCall {
        WorkerCall(function: WorkerFunction.softmaxCrossEntropy.rawValue, tensors: [logits], integers: labels)
    }
    /// `repeats` consecutive draws from one generator seeded with `seed`.
    public static func heNormal(shape: [Int], seed: UInt64, repeats: Int) -> WorkerCall {
        WorkerCall(function: WorkerFunction.heNormal.rawValue, integers: [Int(Int64(bitPattern: seed)), repeats] + shape)
    }
    /// `repeats` consecutive forward passes on one generator seeded with `seed`.
    public static func dropoutForward(_ input: Tensor, p: Double, training: Bool, seed: UInt64, repeats: Int) -> WorkerCall {
        WorkerCall(function: WorkerFunction.dropoutForward.rawValue, tensors: [input], numbers: [p],
                   integers: [Int(Int64(bitPattern: seed)), training ? 1 : 0, repeats])
    }
    public static func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> WorkerCall {
        WorkerCall(function: WorkerFunction.dropoutBackward.rawValue, tensors: [gradOutput, mask])
    }
    /// K = gradients.count Adam steps from the state (m, v, t).
    public static func adamSteps(parameters: Tensor, state: AdamState, gradients: [Tensor], learningRate: Double,
                                 beta1: Double, beta2: Double, epsilon: Double) -> WorkerCall {
        WorkerCall(function: WorkerFunction.adamStep.rawValue, tensors: [parameters, state.m, state.v] + gradients,
                   numbers: [learningRate, beta1, beta2, epsilon], integers: [state.t])
    }
    public static func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> WorkerCall {
        WorkerCall(function: WorkerFunction.conv2dForward.rawValue, tensors: [input, weight, bias], integers: [stride, padding])
    }
}
