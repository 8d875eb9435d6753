import Foundation
import XCTest
@testable import Grading
@testable import GradingCore
import TensorKit
import WorkerKit

/// The student kit's recorded tests: the visible-only manifest, the recording and its exactness, and that a recorded
/// test judges every known reply exactly as the instructor's test does.
final class TestPackTests: XCTestCase {
    private var master: Manifest { get throws { try loadManifest(packageRoot: JudgeTests.packageRoot) } }

    func testTheKitManifestHoldsWhatEachAssignmentShowsStudentsAndNothingElse() throws {
        let master = try master
        let kit = try master.visibleOnly()
        XCTAssertTrue(kit.exercises.allSatisfy { $0.tests.allSatisfy { $0.visibility == .visible } })
        try kit.validate(against: ExerciseCatalog.all)
        for assignment in master.assignments {
            let shown = try master.plan(assignment: assignment.name).exercises.map { exercise in
                (exercise.id, exercise.tests.filter { $0.visibility == .visible }.map { "\($0.name) \($0.points)" })
            }.filter { !$0.1.isEmpty }
            let inKit = try kit.plan(assignment: assignment.name).exercises.map { ($0.id, $0.tests.map { "\($0.name) \($0.points)" }) }
            XCTAssertEqual(inKit.map(\.0), shown.map(\.0), assignment.name)
            XCTAssertEqual(inKit.map(\.1), shown.map(\.1), "\(assignment.name): the same visible tests with the same points")
        }
        // A test hidden in the default assignment but shown by another stays out of the default one in the kit.
        let softmaxHidden = master.exercise("softmax")?.tests.filter { $0.visibility == .hidden }.map(\.name) ?? []
        XCTAssertFalse(softmaxHidden.isEmpty)
        let defaultInKit = try kit.plan(assignment: master.assignments[0].name).exercises.first { $0.id == "softmax" }?.tests.map(\.name) ?? []
        XCTAssertTrue(Set(defaultInKit).isDisjoint(with: softmaxHidden))
    }

    func testTensorsAndCallsRoundTripBitForBit() throws {
        let values: [Double] = [0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1e308, -1.5, 0.1]
        let call = WorkerCall(function: "f", tensors: [Tensor(shape: [3, 3], scalars: values)], numbers: [0.25], integers: [-3, Int.max])
        let decoded = try ReportIO.decoder().decode(WorkerCall.self, from: ReportIO.encode(call))
        XCTAssertEqual(decoded.function, "f")
        XCTAssertEqual(decoded.tensors[0].shape, [3, 3])
        XCTAssertEqual(decoded.tensors[0].scalars.map(\.bitPattern), values.map(\.bitPattern))
        XCTAssertEqual(decoded.numbers, [0.25])
        XCTAssertEqual(decoded.integers, [-3, Int.max])
    }

    /// Every recorded test of three exercises (one of each kind of judge), read back from JSON, judges the
    /// reference's replies and every wrong variant's exactly as the grader's own test does, names included.
    func testRecordedTestsJudgeEveryKnownReplyAsTheGradersTestsDo() throws {
        var kit = try master.visibleOnly()
        kit.exercises = kit.exercises.filter { ["softmax", "he-init", "dropout"].contains($0.id) }.map { exercise in
            // Dropout's training tests draw on inputs of 60,000 units for every variant: the exact kinds (eval,
            // backward, extremes) show the round trip as well, in a fraction of the time.
            var exercise = exercise
            if exercise.id == "dropout" { exercise.tests = exercise.tests.filter { !["train-half", "rank-4", "independence", "p-near-zero", "p-near-one"].contains($0.name) } }
            return exercise
        }
        let pack = try ReportIO.decoder().decode(TestPack.self, from: ReportIO.encode(TestPackRecorder.record(manifest: kit, seeds: [7])))
        XCTAssertEqual(pack.seeds, [7])
        let encoder = ReportIO.encoder()
        for exercise in kit.exercises {
            let grader = try XCTUnwrap(ExerciseCatalog.grader(exercise.id))
            let recorded = try XCTUnwrap(pack.gradableExercises.first { $0.id == exercise.id })
            XCTAssertEqual(recorded.fileName, grader.fileName)
            XCTAssertEqual(recorded.functions.map(\.declaration), grader.functions.map(\.declaration))
            for spec in exercise.tests {
                let original = grader.makeTest(spec: spec, seed: 7), replay = recorded.makeTest(spec: spec, seed: 7)
                XCTAssertEqual(replay.calls, original.calls, "\(exercise.id)/\(spec.name)")
                XCTAssertEqual(replay.summary, original.summary)
                for implementation in [ExerciseImplementation.reference] + grader.variants.map(\.implementation) {
                    let replies = original.calls.map { simulate($0, using: implementation) }
                    XCTAssertEqual(try encoder.encode(replay.judge(replies)), try encoder.encode(original.judge(replies)),
                                   "\(exercise.id)/\(spec.name)")
                    for misconception in grader.misconceptions {
                        XCTAssertEqual(replay.explains?(misconception.id, replies), original.explains?(misconception.id, replies),
                                       "\(exercise.id)/\(spec.name) explains \(misconception.id)")
                    }
                }
            }
            // A seed that was not recorded fails every test with a sentence saying which seeds were.
            let missing = recorded.makeTest(spec: exercise.tests[0], seed: 8).judge([])
            XCTAssertFalse(missing.passed)
            XCTAssertTrue(missing.message.contains("recorded for seeds 7"), missing.message)
        }
    }

    func testAnOutputsClosureThatComputesInsteadOfSelectingCannotBeRecorded() throws {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let judge = DeterministicJudge(calls: [WorkerCalls.softmax(logits)], tolerance: Tolerance(atol: 1e-12, rtol: 1e-9),
                                       variants: SoftmaxMisconceptions.variants) { _, replies in
            [NamedOutput(group: "p", label: "twice the probabilities", tensor: replies[0].tensor(0).map { $0 * 2 })]
        }
        XCTAssertThrowsError(try judge.recorded()) { error in
            XCTAssertTrue("\(error)".contains("twice the probabilities"), "\(error)")
        }
        let selecting = DeterministicJudge(calls: [WorkerCalls.softmax(logits)], tolerance: Tolerance(atol: 1e-12, rtol: 1e-9),
                                           variants: SoftmaxMisconceptions.variants) { _, replies in
            [NamedOutput(group: "p", label: "probabilities", tensor: replies[0].tensor(0))]
        }
        let recorded = try selecting.recorded()
        XCTAssertEqual(recorded.locators, [OutputLocator(group: "p", label: "probabilities", reply: 0, slot: .tensor, index: 0)])
        XCTAssertEqual(recorded.variants.count, SoftmaxMisconceptions.variants.count)
    }
}
