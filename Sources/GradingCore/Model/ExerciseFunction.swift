import WorkerKit

/// One function a student writes for an exercise, declared once. The stub that stands in for a missing or broken
/// file, the worker driver that calls the function inside the sandbox, and the "wrong signature" message of the
/// compile step are all derived from this declaration; nothing else in the grader names the function.
public struct ExerciseFunction: Sendable {
    /// The declaration as the student writes it, without a body:
    /// `public func softmax(_ logits: Tensor) -> Tensor`.
    public var declaration: String
    /// The name a `WorkerCall` uses for it (the worker routes calls by this name).
    public var wireName: String
    /// The driver's code for one call: Swift statements that read `call` (a `WorkerKit.WorkerCall`), call the
    /// student's function and `return` a `WorkerKit.WorkerReply`. Types are written module-qualified
    /// (`TensorKit.Tensor`) so that a submission declaring its own `Tensor` cannot capture them.
    public var driver: String
    /// How many numbers, in how many tensors, a correct reply to `call` holds. The grader reads at most about twice
    /// that (`WorkerCall.replyLimit`), so a reply frame announcing a gigabyte is refused before anything is read.
    /// It must not trust the call blindly either: clamp what it multiplies.
    public var replySize: @Sendable (_ call: WorkerCall) -> (elements: Int, tensors: Int)

    public init(_ declaration: String, wireName: String, driver: String,
                replySize: @escaping @Sendable (_ call: WorkerCall) -> (elements: Int, tensors: Int)) {
        self.declaration = declaration
        self.wireName = wireName
        self.driver = driver
        self.replySize = replySize
    }

    /// The function's name: `softmax` in `public func softmax(_ logits: Tensor) -> Tensor`.
    public var name: String {
        let afterFunc = declaration.range(of: "func ").map { declaration[$0.upperBound...] } ?? Substring(declaration)
        return String(afterFunc.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    /// The declaration without `public func `, as students read it in a message.
    public var signature: String {
        declaration.hasPrefix("public func ") ? String(declaration.dropFirst("public func ".count)) : declaration
    }

    /// The product of `factors`, each taken as at least 0, saturating at `Int.max` instead of trapping: for reply
    /// sizes computed from a call's integers.
    public static func saturatingProduct(_ factors: [Int]) -> Int {
        factors.reduce(1) { product, factor in
            let (result, overflow) = product.multipliedReportingOverflow(by: Swift.max(0, factor))
            return overflow ? Int.max : result
        }
    }

    /// The number of scalars in the call's tensors (what an elementwise function returns).
    public static func inputElements(_ call: WorkerCall) -> Int { call.tensors.reduce(0) { $0 + $1.scalars.count } }

    /// A seed argument travels as `Int(bitPattern:)` of the `UInt64`; this reads integer `index` back as a seed.
    public static func seedExpression(_ index: Int) -> String { "UInt64(bitPattern: Int64(call.integers[\(index)]))" }
}

extension ExerciseFunction {
    /// An optimizer step that keeps one state tensor, driven along a trajectory: tensors [θ₀, s₀, g₁, …, g_K] →
    /// tensors [θ₁, s₁, θ₂, s₂, …], K steps each from the state the previous one left. The student's function is
    /// `name(parameters:gradient:<state>:<arguments>)`; `arguments` is the Swift text of the arguments after the
    /// state, which may read `call.numbers` and the step's index `k` (from 0), e.g. `"learningRate: call.numbers[0],
    /// epsilon: call.numbers[1]"`.
    public static func stateTrajectory(_ declaration: String, name: String, state: String,
                                       arguments: String) -> ExerciseFunction {
        ExerciseFunction(declaration, wireName: name, driver: """
            var parameters = call.tensors[0]
            var \(state) = call.tensors[1]
            var tensors: [TensorKit.Tensor] = []
            for (k, gradient) in call.tensors.dropFirst(2).enumerated() {
                _ = k
                \(name)(parameters: &parameters, gradient: gradient, \(state): &\(state), \(arguments))
                tensors += [parameters, \(state)]
            }
            return WorkerKit.WorkerReply(tensors: tensors)
            """, replySize: { call in
                // K steps, each returning θ and the state.
                let steps = Swift.max(0, call.tensors.count - 2)
                return (saturatingProduct([2, steps, call.tensors.first?.scalars.count ?? 0]), 2 * steps)
            })
    }
}
