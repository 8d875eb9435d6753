import Foundation
@testable import Grading
@testable import GradingCore
import TensorKit
import WorkerKit
import XCTest

/// The pictures each exercise draws of a student's code, with the reference and the known wrong variants
/// answering the probes' calls in-process (the compiled, sandboxed path is in HTMLReportBrowserTests): each
/// picture must show the mistake it is there to show.
final class FigureTests: XCTestCase {
    static func exercise(_ id: String) -> any ExerciseGrader { ExerciseCatalog.all.first { $0.id == id }! }

    static func variant(_ exercise: String, _ misconception: String) -> ExerciseImplementation {
        Self.exercise(exercise).variants.first { $0.misconception.id == misconception }!.implementation
    }

    static func figures(_ exercise: String, _ implementation: ExerciseImplementation, seed: UInt64 = 7) -> [Figure] {
        Self.exercise(exercise).figureProbes(seed: seed).flatMap { $0.figures(using: implementation) }
    }

    static func series(_ figure: Figure, _ role: Figure.Series.Role) -> Figure.Series {
        figure.series.first { $0.role == role }!
    }

    func testHeInitActivationsStayLevelWithHeAndCollapseWithATooSmallVariance() throws {
        let figure = try XCTUnwrap(Self.figures("he-init", Self.exercise("he-init").reference).first)
        XCTAssertEqual(figure.id, "activation-std")
        XCTAssertTrue(figure.yAxis.logarithmic)
        let yours = Self.series(figure, .student).y, small = Self.series(figure, .comparison).y
        XCTAssertEqual(yours.count, 15)
        XCTAssertEqual(yours, Self.series(figure, .reference).y, "the reference drawing from the same seed is He's curve")
        // He keeps the scale within a factor of a few over 15 layers; N(0, 1/fanIn) halves the variance per layer.
        XCTAssertLessThan(max(yours.first! / yours.last!, yours.last! / yours.first!), 4)
        XCTAssertLessThan(small.last! / small.first!, 0.02)

        let lecun = try XCTUnwrap(Self.figures("he-init", Self.variant("he-init", "lecun")).first)
        let shrinking = Self.series(lecun, .student).y
        XCTAssertLessThan(shrinking.last! / shrinking.first!, 0.02, "1/fanIn is the too-small curve")
        let squared = try XCTUnwrap(Self.figures("he-init", Self.variant("he-init", "variance-as-std")).first)
        let exploding = Self.series(squared, .student).y
        XCTAssertNotEqual(exploding.last!, Self.series(squared, .reference).y.last!)
        XCTAssertTrue(squared.caption.contains("layer 15"), squared.caption)
    }

    func testSoftmaxAtHugeLogitsShowsTheNaNOfAnUnshiftedExponential() throws {
        let correct = try XCTUnwrap(Self.figures("softmax", Self.exercise("softmax").reference).first)
        XCTAssertEqual(correct.kind, .bars)
        XCTAssertTrue(Self.series(correct, .student).y.allSatisfy(\.isFinite))
        let broken = try XCTUnwrap(Self.figures("softmax", Self.variant("softmax", "no-max-shift")).first)
        XCTAssertTrue(Self.series(broken, .student).y.contains { $0.isNaN }, "the NaN is kept, not dropped")
        XCTAssertTrue(Self.series(broken, .reference).y.allSatisfy(\.isFinite))
        XCTAssertTrue(broken.caption.contains("non-finite"), broken.caption)
        let svg = HTMLReport.figure(broken)
        XCTAssertTrue(svg.contains(">NaN</text>"), "the chart marks the NaN bars")
    }

    func testDropoutKeptFractionFollowsOneMinusPAndTheKeepProbabilityMistakeRises() throws {
        let correct = Self.figures("dropout", Self.exercise("dropout").reference)
        let kept = try XCTUnwrap(correct.first { $0.id == "kept-fraction" })
        for (p, fraction) in zip(Self.series(kept, .student).x, Self.series(kept, .student).y) {
            XCTAssertEqual(fraction, 1 - p, accuracy: 0.04, "p = \(p)")
        }
        let mean = try XCTUnwrap(correct.first { $0.id == "mean-output" })
        XCTAssertEqual(Self.series(mean, .student).y[5], 1, accuracy: 0.1)
        XCTAssertEqual(Self.series(mean, .student).y[10], 0)

        let swapped = try XCTUnwrap(Self.figures("dropout", Self.variant("dropout", "keep-probability")).first { $0.id == "kept-fraction" })
        XCTAssertEqual(Self.series(swapped, .student).y[9], 0.9, accuracy: 0.04, "p read as the keep probability keeps 90% at p = 0.9")
        let unscaled = try XCTUnwrap(Self.figures("dropout", Self.variant("dropout", "no-scaling")).first { $0.id == "mean-output" })
        XCTAssertEqual(Self.series(unscaled, .student).y[5], 0.5, accuracy: 0.05, "without 1/(1 − p) the mean falls to 1 − p")
    }

    func testAdamFollowsItsOwnTrajectoryAndAMissingBiasCorrectionStartsDifferently() throws {
        let correct = Self.figures("adam", Self.exercise("adam").reference)
        let loss = try XCTUnwrap(correct.first { $0.id == "loss-curve" })
        XCTAssertEqual(Self.series(loss, .student).y, Self.series(loss, .reference).y)
        XCTAssertEqual(Self.series(loss, .student).y.count, AdamGrader.figureSteps + 1)
        XCTAssertLessThan(Self.series(loss, .student).y.last!, Self.series(loss, .student).y.first! / 10, "Adam reduces the loss")

        let uncorrected = Self.figures("adam", Self.variant("adam", "bias-correct-m-only"))
        let trajectory = try XCTUnwrap(uncorrected.first { $0.id == "parameter-trajectory" })
        let yours = Self.series(trajectory, .student).y, reference = Self.series(trajectory, .reference).y
        XCTAssertEqual(yours[0], reference[0])
        XCTAssertNotEqual(yours[1], reference[1], accuracy: 1e-3, "the first step differs without bias correction of v")
        let none = try XCTUnwrap(Self.figures("adam", Self.variant("adam", "no-bias-correction")).first { $0.id == "loss-curve" })
        XCTAssertNotEqual(Self.series(none, .student).y[3], Self.series(none, .reference).y[3], accuracy: 1e-6)
    }

    func testConv2DHeatMapLocatesThePaddingMistakeAndIsEmptyWhenEverythingPasses() throws {
        let conv = Self.exercise("conv2d")
        let spec = try XCTUnwrap(JudgeTests.manifest.exercise("conv2d")?.tests.first { $0.name == "stride-and-padding" })
        let test = conv.makeTest(spec: spec, seed: 7)
        func outcome(_ implementation: ExerciseImplementation) -> ProbeOutcome {
            let replies = test.calls.map { simulate($0, using: implementation) }
            let judgement = test.judge(replies)
            return ProbeOutcome(replies: [], tests: [test], testReplies: [replies],
                                testReports: [TestReport(name: spec.name, visibility: .visible, status: judgement.passed ? .passed : .failed,
                                                         score: 0, maxScore: spec.points, input: "", message: "",
                                                         tolerance: judgement.tolerance)])
        }
        let probe = try XCTUnwrap(conv.figureProbes(seed: 7).first)
        XCTAssertEqual(probe.figures(using: conv.reference, tests: outcome(conv.reference)), [], "no failing test, no map")

        let figure = try XCTUnwrap(probe.figures(using: conv.reference, tests: outcome(Self.variant("conv2d", "missing-bias"))).first)
        let map = try XCTUnwrap(figure.heatMap)
        XCTAssertEqual(map.values.count, map.rows * map.columns)
        XCTAssertTrue(map.values.allSatisfy { $0 > 0.5 }, "a missing bias is off everywhere by at least |bias| ≥ 1")
        XCTAssertTrue(figure.caption.contains("Test stride-and-padding"), figure.caption)
        XCTAssertTrue(HTMLReport.figure(figure).contains("max |got − expected|"))
    }

    func testErrorMapMarksPositionsTheStudentOutputLacks() {
        let expected = Tensor(shape: [1, 1, 3, 3], scalars: Array(repeating: 1, count: 9))
        let got = Tensor(shape: [1, 1, 2, 2], scalars: [1, 1, 1, 4])
        let map = Conv2DGrader.errorMap(got: got, expected: expected)!
        XCTAssertEqual(map.rows, 3)
        XCTAssertEqual(map.values[0], 0)
        XCTAssertEqual(map.values[4], 3)
        XCTAssertTrue(map.values[2].isNaN && map.values[8].isNaN, "cells outside the student's 2 × 2 output have no value")
    }

    /// Every exercise's pictures of the reference fit the report schema and stay small.
    func testEveryExercisesFiguresAreSchemaValidAndSmall() throws {
        let validator = try ReportFixtures.validator()
        for exercise in ExerciseCatalog.all {
            var report = ReportFixtures.simple("figures", [(exercise.id, 1, 1, .passed)])
            report.exercises[0].figures = exercise.figureProbes(seed: 3).flatMap { $0.figures(using: exercise.reference) }
            let data = try ReportIO.encode(report)
            XCTAssertEqual(validator.validate(data), [], exercise.id)
            XCTAssertLessThan(data.count, 100_000, "\(exercise.id): figures should stay far below the 1 MB report budget")
            let decoded = try ReportIO.decoder().decode(SubmissionReport.self, from: data)
            XCTAssertEqual(decoded.exercises[0].figures?.count, report.exercises[0].figures?.count)
        }
    }
}
