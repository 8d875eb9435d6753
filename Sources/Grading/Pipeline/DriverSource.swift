/// Source code the grader compiles together with a submission.
///
/// Each exercise gets a driver file (`__Driver_<id>.swift`) that decodes `WorkerCall`s for that exercise and calls
/// the student's functions by their contract signatures (see `WorkerFunction` for the layout). A compile error
/// inside an exercise's driver file therefore means that exercise's functions are missing or have another
/// signature, and is charged to that exercise alone. Types are written module-qualified (`TensorKit.Tensor`) so a
/// submission that declares its own `Tensor` cannot capture the driver's.
enum DriverSource {
    static let mainFileName = "__GraderMain.swift"

    static func driverFileName(_ exerciseID: String) -> String {
        "__Driver_" + exerciseID.replacingOccurrences(of: "-", with: "_") + ".swift"
    }

    static func dispatchName(_ exerciseID: String) -> String {
        "__graderDispatch_" + exerciseID.replacingOccurrences(of: "-", with: "_")
    }

    /// The entry point: routes each call to the exercise drivers in turn.
    static func main(exerciseIDs: [String]) -> String {
        let chain = exerciseIDs.map { "if let reply = \(dispatchName($0))(call) { return reply }" }
            .joined(separator: "\n            ")
        return """
        import TensorKit
        import WorkerKit

        @main enum __GraderWorkerEntry {
            static func main() {
                WorkerLoop.run { call in
                    \(chain)
                    return WorkerKit.WorkerReply()
                }
            }
        }

        """
    }

    static func driver(for exerciseID: String) -> String {
        let header = """
        import TensorKit
        import WorkerKit

        func \(dispatchName(exerciseID))(_ call: WorkerKit.WorkerCall) -> WorkerKit.WorkerReply? {
            switch call.function {

        """
        let footer = """
            default:
                return nil
            }
        }

        """
        return header + (cases[exerciseID] ?? "") + footer
    }

    static func seedExpression(_ index: Int) -> String { "UInt64(bitPattern: Int64(call.integers[\(index)]))" }

    static let cases: [String: String] = [
        "softmax": """
            case "softmax":
                let probabilities: TensorKit.Tensor = softmax(call.tensors[0])
                return WorkerKit.WorkerReply(tensors: [probabilities])
            case "softmaxCrossEntropy":
                let (loss, gradient): (Double, TensorKit.Tensor) = softmaxCrossEntropy(logits: call.tensors[0], labels: call.integers)
                return WorkerKit.WorkerReply(tensors: [gradient], numbers: [loss])

        """,
        "he-init": """
            case "heNormal":
                var generator = TensorKit.SeededGenerator(seed: \(seedExpression(0)))
                let shape = Array(call.integers[2...])
                var draws: [TensorKit.Tensor] = []
                for _ in 0..<call.integers[1] {
                    let weights: TensorKit.Tensor = heNormal(shape: shape, using: &generator)
                    draws.append(weights)
                }
                return WorkerKit.WorkerReply(tensors: draws)

        """,
        "dropout": """
            case "dropoutForward":
                var generator = TensorKit.SeededGenerator(seed: \(seedExpression(0)))
                var outputs: [TensorKit.Tensor] = []
                for _ in 0..<call.integers[2] {
                    let (output, mask): (TensorKit.Tensor, TensorKit.Tensor) = dropoutForward(
                        call.tensors[0], p: call.numbers[0], training: call.integers[1] != 0, using: &generator)
                    outputs += [output, mask]
                }
                return WorkerKit.WorkerReply(tensors: outputs)
            case "dropoutBackward":
                let gradient: TensorKit.Tensor = dropoutBackward(call.tensors[0], mask: call.tensors[1])
                return WorkerKit.WorkerReply(tensors: [gradient])

        """,
        "adam": """
            case "adamStep":
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

        """,
        "conv2d": """
            case "conv2dForward":
                let output: TensorKit.Tensor = conv2dForward(input: call.tensors[0], weight: call.tensors[1],
                                                            bias: call.tensors[2], stride: call.integers[0],
                                                            padding: call.integers[1])
                return WorkerKit.WorkerReply(tensors: [output])

        """,
    ]

    /// A stand-in for an exercise file that is missing or failed to compile: the contract signatures, each calling
    /// the not-implemented marker. It lets the rest of the submission compile and run.
    static let stubs: [String: String] = [
        "softmax": """
        import TensorKit
        public func softmax(_ logits: Tensor) -> Tensor { notImplemented() }
        public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) { notImplemented() }

        """,
        "he-init": """
        import TensorKit
        public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor { notImplemented() }

        """,
        "dropout": """
        import TensorKit
        public func dropoutForward(_ input: Tensor, p: Double, training: Bool, using generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor) { notImplemented() }
        public func dropoutBackward(_ gradOutput: Tensor, mask: Tensor) -> Tensor { notImplemented() }

        """,
        "adam": """
        import TensorKit
        public func adamStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double) { notImplemented() }

        """,
        "conv2d": """
        import TensorKit
        public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> Tensor { notImplemented() }

        """,
    ]
}
