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
    /// Whether the known wrong variant with this misconception id would have given these replies on this test:
    /// true or false where the test can tell, nil where it cannot (a random op whose statistics pass for the
    /// variant and the reference alike). Used to take back a name that another test contradicts. Nil: the test
    /// explains a name exactly when its own judge gives that name on a failure, and cannot tell on a pass.
    public var explains: (@Sendable (_ misconception: String, _ replies: [WorkerReply]) -> Bool?)?
    /// The judge as data, for the student kit's recorded test pack (`grader release`): nil for a test that cannot be
    /// recorded. A thrown error says why recording failed.
    public var record: (@Sendable () throws -> RecordedJudge)?

    /// A test judged by `recorded`: the same judge the student kit would record.
    public init(spec: TestSpec, summary: String, calls: [WorkerCall], recorded: RecordedJudge) {
        self.init(spec: spec, summary: summary, calls: calls, explains: recorded.explains) { recorded.judge($0) }
        record = { recorded }
    }

    public init(spec: TestSpec, summary: String, calls: [WorkerCall],
                explains: (@Sendable (_ misconception: String, _ replies: [WorkerReply]) -> Bool?)? = nil,
                judge: @escaping @Sendable (_ replies: [WorkerReply]) -> Judgement) {
        self.spec = spec
        self.summary = summary
        self.calls = calls
        self.judge = judge
        self.explains = explains
    }
}

/// Judges every test of one exercise and keeps a misconception's name only where no test contradicts it: a name
/// stands when the variant reproduces the student's outputs on every test that can tell. A wrong name misleads a
/// student more than none, so a name contradicted anywhere is taken back everywhere (the numbers still explain
/// the failure). `replies[i]` is nil for a test that produced no replies (crashed, timed out, not implemented).
public func judgeExercise(_ tests: [TestCase], replies: [[WorkerReply]?]) -> [Judgement?] {
    var judgements = zip(tests, replies).map { test, replies in replies.map { test.judge($0) } }
    let named = Set(judgements.compactMap { $0?.misconception?.id })
    for id in named {
        let contradicted = tests.indices.contains { i in
            guard let replies = replies[i], let judgement = judgements[i] else { return false }
            if let explains = tests[i].explains { return explains(id, replies) == false }
            return !judgement.passed && judgement.misconception?.id != id
        }
        guard contradicted else { continue }
        for i in judgements.indices where judgements[i]?.misconception?.id == id {
            judgements[i]?.misconception = nil
        }
    }
    return judgements
}

/// One exercise as the pipeline sees it: the student's file, the functions it declares, and the tests it can
/// make. The instructor's graders (`ExerciseGrader`, which add the reference and the known wrong variants)
/// conform, and so can a source of recorded tests that holds no implementation at all.
public protocol GradableExercise: Sendable {
    /// The exercise id of the design (`softmax`, `he-init`, `dropout`, `adam`, `conv2d`).
    var id: String { get }
    /// The student file (`Softmax.swift`).
    var fileName: String { get }
    /// The names of the tests this exercise can make (the manifest picks among them).
    var testNames: [String] { get }
    /// Builds a test from the manifest's spec and a seed. The same spec and seed always give the same test.
    func makeTest(spec: TestSpec, seed: UInt64) -> TestCase
    /// The functions the student writes, in the order of the exercise file.
    var functions: [ExerciseFunction] { get }
    /// The pictures of the student's own code this exercise can draw (`Figure`), gathered from the same worker
    /// after the tests when a report with pictures is asked for. None by default.
    func figureProbes(seed: UInt64) -> [FigureProbe]
}

extension GradableExercise {
    public func figureProbes(seed: UInt64) -> [FigureProbe] { [] }
}
