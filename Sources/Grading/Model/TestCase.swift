import TensorKit
import WorkerKit

/// A test ready to run: the calls to make into the student's process and how to judge what comes back.
///
/// Built by an `ExerciseGrader` from a `TestSpec` and a seed. The judge runs on the trusted side only; expected
/// values live in its closure and never travel to the student process.
public struct TestCase: Sendable {
    public var spec: TestSpec
    /// One sentence describing the input for the student ("logits of shape [4, 7] around ±1000").
    public var summary: String
    public var calls: [WorkerCall]
    public var judge: @Sendable (_ replies: [WorkerReply]) -> Judgement

    public init(spec: TestSpec, summary: String, calls: [WorkerCall],
                judge: @escaping @Sendable (_ replies: [WorkerReply]) -> Judgement) {
        self.spec = spec
        self.summary = summary
        self.calls = calls
        self.judge = judge
    }
}

/// The grader's side of one exercise: which tests it can generate, and how.
public protocol ExerciseGrader: Sendable {
    /// The exercise id of the design (`softmax`, `he-init`, `dropout`, `adam`, `conv2d`).
    var id: String { get }
    /// The student file (`Softmax.swift`).
    var fileName: String { get }
    /// The names of the tests this grader can generate (the manifest picks among them).
    var testNames: [String] { get }
    /// Builds a test from the manifest's spec and a seed. The same spec and seed always give the same test.
    func makeTest(spec: TestSpec, seed: UInt64) -> TestCase
}
