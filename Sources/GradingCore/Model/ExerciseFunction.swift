/// One function a student writes for an exercise, declared once. The stub that stands in for a missing or broken
/// file, the worker driver that calls the function inside the sandbox, and the "wrong signature" message of the
/// compile step are all derived from this declaration; nothing else in the grader names the function.
public struct ExerciseFunction: Sendable, Equatable {
    /// The declaration as the student writes it, without a body:
    /// `public func softmax(_ logits: Tensor) -> Tensor`.
    public var declaration: String
    /// The name a `WorkerCall` uses for it (the worker routes calls by this name).
    public var wireName: String
    /// The driver's code for one call: Swift statements that read `call` (a `WorkerKit.WorkerCall`), call the
    /// student's function and `return` a `WorkerKit.WorkerReply`. Types are written module-qualified
    /// (`TensorKit.Tensor`) so that a submission declaring its own `Tensor` cannot capture them.
    public var driver: String

    public init(_ declaration: String, wireName: String, driver: String) {
        self.declaration = declaration
        self.wireName = wireName
        self.driver = driver
    }

    /// The declaration without `public func `, as students read it in a message.
    public var signature: String {
        declaration.hasPrefix("public func ") ? String(declaration.dropFirst("public func ".count)) : declaration
    }

    /// A seed argument travels as `Int(bitPattern:)` of the `UInt64`; this reads integer `index` back as a seed.
    public static func seedExpression(_ index: Int) -> String { "UInt64(bitPattern: Int64(call.integers[\(index)]))" }
}
