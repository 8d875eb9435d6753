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
        let none = Self.figures("adam", Self.variant("adam", "no-bias-correction"))
        let noneLoss = try XCTUnwrap(none.first { $0.id == "loss-curve" })
        XCTAssertNotEqual(Self.series(noneLoss, .student).y[3], Self.series(noneLoss, .reference).y[3], accuracy: 1e-6)
        // Without bias correction m₁/√v₁ = 0.1·g/(√0.001·|g|): the first step is √10 ≈ 3.16 times too long, not too
        // short, and the caption says so with the numbers.
        let noneTrajectory = try XCTUnwrap(none.first { $0.id == "parameter-trajectory" })
        XCTAssertTrue(noneTrajectory.caption.contains("first leave the reference's at step 1"), noneTrajectory.caption)
        XCTAssertTrue(noneTrajectory.caption.contains("3.16 times as long as the reference's"), noneTrajectory.caption)
        let matching = try XCTUnwrap(correct.first { $0.id == "parameter-trajectory" })
        XCTAssertTrue(matching.caption.contains("match the reference's at every one of the 60 steps"), matching.caption)
    }

    /// The figure with `id` for `misconception`'s variant (nil: the reference), with the student's and the
    /// reference's series.
    static func figure(_ exercise: String, _ misconception: String?, _ id: String, last: Bool = false) throws
        -> (figure: Figure, yours: [Double], reference: [Double]) {
        let implementation = try misconception.map { wanted in
            let variants = Self.exercise(exercise).variants.filter { $0.misconception.id == wanted }
            return try XCTUnwrap(last ? variants.last : variants.first, wanted).implementation
        } ?? Self.exercise(exercise).reference
        let figure = try XCTUnwrap(Self.figures(exercise, implementation).first { $0.id == id }, "\(exercise): \(id)")
        return (figure, Self.series(figure, .student).y, Self.series(figure, .reference).y)
    }

    static func assertClose(_ a: [Double], _ b: [Double], accuracy: Double, _ message: String = "",
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        for (index, (x, y)) in zip(a, b).enumerated() {
            XCTAssertEqual(x, y, accuracy: accuracy, "element \(index) \(message)", file: file, line: line)
        }
    }

    func testMomentumVelocityHeldAsTheStepShowsInTheVelocityAndAfterTheLearningRateDrops() throws {
        for prefix in ["classical-", "nesterov-"] {
            let correct = try Self.figure("momentum", nil, prefix + "parameter-trajectory")
            XCTAssertEqual(correct.yours, correct.reference)
            XCTAssertEqual(correct.yours.count, 61)
            let velocity = try Self.figure("momentum", nil, prefix + "state")
            XCTAssertEqual(velocity.yours, velocity.reference)
            XCTAssertEqual(velocity.yours.first, 2, "v₁ = g₁ = θ₁ = 2 after the first step")
        }
        // v ← ρv − lr·g, θ ← θ + v: the same parameters while the learning rate is constant (30 steps), a velocity
        // −lr times the expected one from the first step, different parameters once the rate halves.
        for prefix in ["classical-", "nesterov-"] {
            let velocity = try Self.figure("momentum", "velocity-as-step", prefix + "state")
            XCTAssertEqual(velocity.yours[0], -0.05 * velocity.reference[0], accuracy: 1e-12)
            XCTAssertTrue(velocity.figure.caption.contains("first differ after step 1: -0.1 with yours, 2 with the reference"), velocity.figure.caption)
            let trajectory = try Self.figure("momentum", "velocity-as-step", prefix + "parameter-trajectory")
            Self.assertClose(Array(trajectory.yours.prefix(31)), Array(trajectory.reference.prefix(31)), accuracy: 1e-9)
            XCTAssertNotEqual(trajectory.yours[40], trajectory.reference[40], accuracy: 1e-3)
            XCTAssertTrue(trajectory.figure.caption.contains("first leave the reference's at step 31"), trajectory.figure.caption)
        }
        // Nesterov written as classical momentum: Nesterov's picture is classical's.
        let nesterov = try Self.figure("momentum", "nesterov-as-classical", "nesterov-parameter-trajectory")
        let classical = try Self.figure("momentum", nil, "classical-parameter-trajectory")
        XCTAssertEqual(nesterov.yours, classical.yours)
        XCTAssertNotEqual(nesterov.yours[1], nesterov.reference[1], accuracy: 1e-3)
        XCTAssertTrue(nesterov.figure.caption.contains("at step 1"), nesterov.figure.caption)
    }

    func testAdaGradAndRMSPropCachesShowWhenTheyAreNotKeptOrDecaySwapped() throws {
        let correct = try Self.figure("adagrad", nil, "state")
        XCTAssertEqual(correct.yours, correct.reference)
        Self.assertClose(Array(correct.yours.prefix(2)), [4, 6.25], accuracy: 1e-6, "h₁ sums g₁² = 4, then 4 + 1.5²")
        let forgotten = try Self.figure("adagrad", "cache-not-stored", "state")
        XCTAssertTrue(forgotten.yours.allSatisfy { $0 == 0 }, "the cache handed back is the zero it started as")
        let forgottenLoss = try Self.figure("adagrad", "cache-not-stored", "loss-curve")
        XCTAssertGreaterThan(forgottenLoss.yours.last!, 1000 * forgottenLoss.reference.last!, "steps that never shrink keep bouncing")

        let rmsprop = try Self.figure("rmsprop", nil, "loss-curve")
        XCTAssertEqual(rmsprop.yours, rmsprop.reference)
        let swapped = try Self.figure("rmsprop", "decay-swapped", "state")
        XCTAssertEqual(swapped.yours[0] / swapped.reference[0], 9, accuracy: 1e-9, "0.9·g² against 0.1·g²")
        let swappedTrajectory = try Self.figure("rmsprop", "decay-swapped", "parameter-trajectory")
        XCTAssertTrue(swappedTrajectory.figure.caption.contains("0.333 times as long as the reference's"), swappedTrajectory.figure.caption)
    }

    func testAdamWWithTheDecayInTheGradientFollowsPlainAdam() throws {
        let correct = try Self.figure("adamw", nil, "parameter-trajectory")
        XCTAssertEqual(correct.yours, correct.reference)
        XCTAssertEqual(correct.yours[1], 2 - 0.05 - 0.05 * 0.1 * 2, accuracy: 1e-6, "Adam's lr·sign(g) plus lr·λ·θ")
        // Adam rescales λθ away when it is folded into the gradient, so the L2 variant walks Adam's path.
        let l2 = try Self.figure("adamw", "l2-in-gradient", "parameter-trajectory")
        let adam = try Self.figure("adam", nil, "parameter-trajectory")
        Self.assertClose(l2.yours, adam.yours, accuracy: 1e-6)
        XCTAssertNotEqual(l2.yours[30], l2.reference[30], accuracy: 1e-2)
        XCTAssertTrue(l2.figure.caption.contains("first leave the reference's at step 1"), l2.figure.caption)
    }

    func testLearningRateSchedulesCountedFromOneOrEndingEarlyShowOnTheChart() throws {
        let correct = try Self.figure("lr-schedule", nil, "learning-rates")
        XCTAssertEqual(correct.figure.series.count, 8, "yours and the reference's for each of the four schedules")
        for pair in stride(from: 0, to: 8, by: 2) {
            XCTAssertEqual(correct.figure.series[pair].y, correct.figure.series[pair + 1].y)
        }
        XCTAssertEqual(correct.figure.caption.components(separatedBy: "matches the reference at every step").count, 5, correct.figure.caption)
        let svg = HTMLReport.figure(correct.figure)
        XCTAssertEqual(svg.components(separatedBy: ">yours</text>").count, 2, "the legend names each kind of line once")

        // The variant that counts from 1 in all four (the last one-based-step variant): every curve shifts left.
        let shifted = try Self.figure("lr-schedule", "one-based-step", "learning-rates", last: true)
        let stepDecay = (yours: shifted.figure.series[1].y, reference: shifted.figure.series[0].y)
        XCTAssertEqual(stepDecay.yours[5], 0.05, accuracy: 1e-12, "the first drop a step early")
        XCTAssertEqual(stepDecay.reference[5], 0.1, accuracy: 1e-12)
        for text in ["Your stepDecay first differs at step 5: 0.05 where the reference gives 0.1.",
                     "Your linearWarmup first differs at step 0: 0.0125 where the reference gives 0."] {
            XCTAssertTrue(shifted.figure.caption.contains(text), shifted.figure.caption)
        }
        let early = try Self.figure("lr-schedule", "cosine-ends-early", "learning-rates")
        let cosine = (yours: early.figure.series[5].y, reference: early.figure.series[4].y)
        XCTAssertEqual(cosine.yours[15], 0.01, accuracy: 1e-12)
        XCTAssertGreaterThan(cosine.reference[15], 0.01)
        XCTAssertTrue(early.figure.caption.contains("Yours first reaches the minimum, 0.01, at step 15; the reference's at step 16."), early.figure.caption)
    }

    func testConv2DHeatMapLocatesThePaddingMistakeAndIsEmptyWhenEverythingPasses() throws {
        let conv = Self.exercise("conv2d")
        func outcome(_ implementation: ExerciseImplementation) throws -> ProbeOutcome {
            try Self.outcome("conv2d", "stride-and-padding", implementation)
        }
        let probe = try XCTUnwrap(conv.figureProbes(seed: 7).first)
        XCTAssertEqual(probe.figures(using: conv.reference, tests: try outcome(conv.reference)), [], "no failing test, no map")

        let figure = try XCTUnwrap(probe.figures(using: conv.reference, tests: try outcome(Self.variant("conv2d", "missing-bias"))).first)
        let map = try XCTUnwrap(figure.heatMap)
        XCTAssertEqual(map.values.count, map.rows * map.columns)
        XCTAssertTrue(map.values.allSatisfy { $0 > 0.5 }, "a missing bias is off everywhere by at least |bias| ≥ 1")
        XCTAssertTrue(figure.caption.contains("Test stride-and-padding"), figure.caption)
        XCTAssertTrue(HTMLReport.figure(figure).contains("max |got − expected|"))
    }

    /// A test's outcome for `implementation` answering its calls in-process, judged as the grader judges it.
    static func outcome(_ exercise: String, _ testName: String, _ implementation: ExerciseImplementation) throws -> ProbeOutcome {
        let grader = Self.exercise(exercise)
        let spec = try XCTUnwrap(JudgeTests.manifest.exercise(exercise)?.tests.first { $0.name == testName })
        let test = grader.makeTest(spec: spec, seed: 7)
        let replies = test.calls.map { simulate($0, using: implementation) }
        let judgement = test.judge(replies)
        return ProbeOutcome(replies: [], tests: [test], testReplies: [replies],
                            testReports: [TestReport(name: spec.name, visibility: .visible, status: judgement.passed ? .passed : .failed,
                                                     score: 0, maxScore: spec.points, input: "", message: "",
                                                     tolerance: judgement.tolerance)])
    }

    func testConv2DBackwardMapsTheInputGradientOfAFailingTestAndOnlyWhenThatGradientIsOff() throws {
        let backward = Self.exercise("conv2d-backward")
        let probe = try XCTUnwrap(backward.figureProbes(seed: 7).first)
        XCTAssertEqual(probe.figures(using: backward.reference, tests: try Self.outcome("conv2d-backward", "stride-and-padding", backward.reference)), [])
        // A rotated weight gradient fails the test with a correct input gradient: no map of a gradient that is right.
        let weightOnly = try Self.outcome("conv2d-backward", "stride-and-padding", Self.variant("conv2d-backward", "flipped-weight-gradient"))
        XCTAssertEqual(weightOnly.testReports[0].status, .failed)
        XCTAssertEqual(probe.figures(using: backward.reference, tests: weightOnly), [])

        func map(_ misconception: String) throws -> (figure: Figure, values: [Double]) {
            let tests = try Self.outcome("conv2d-backward", "stride-and-padding", Self.variant("conv2d-backward", misconception))
            let figure = try XCTUnwrap(probe.figures(using: backward.reference, tests: tests).first, misconception)
            XCTAssertEqual(figure.id, "input-gradient-error-map")
            let map = try XCTUnwrap(figure.heatMap)
            XCTAssertEqual([map.rows, map.columns], [7, 9], "over the input's 7 × 9 positions")
            return (figure, map.values)
        }
        // Stride 2 with a 3 × 3 kernel: the positions only the kernel's centre reaches (even row, even column) are
        // right with the kernel unrotated, the others are not, and the caption counts them.
        let unrotated = try map("unrotated-kernel-in-input-gradient")
        XCTAssertEqual(unrotated.values[0], 0, accuracy: 1e-12)
        XCTAssertEqual(unrotated.values.filter { $0 > 1e-9 }.count, 43)
        XCTAssertTrue(unrotated.figure.caption.contains("43 of 63 positions are off"), unrotated.figure.caption)
        let uncropped = try map("padding-not-cropped")
        XCTAssertTrue(uncropped.figure.caption.contains("Your result has shape [2, 3, 9, 11] where [2, 3, 7, 9] was expected"), uncropped.figure.caption)
        XCTAssertTrue(try map("stride-ignored").values.allSatisfy { $0 > 1e-9 })
        XCTAssertTrue(HTMLReport.figure(uncropped.figure).contains("max |got − expected|"))
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
        for id in ["adam", "momentum", "adagrad", "rmsprop", "adamw", "lr-schedule"] {
            XCTAssertFalse(Self.exercise(id).figureProbes(seed: 3).isEmpty, "\(id) draws pictures")
        }
    }
}
