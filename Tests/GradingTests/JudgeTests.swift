import Foundation
import Grading
import GradingCore
import Reference
import TensorKit
import WorkerKit
import XCTest

/// The judges, in-process: correct implementations that draw randomness differently earn full marks, malformed
/// replies get clear messages. What holds for every exercise (reference, variants, fixtures) is in ConformanceTests.
final class JudgeTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let manifest: Manifest = try! loadManifest(packageRoot: packageRoot)
    static let seeds: [UInt64] = Array(0..<20).map { UInt64($0) &* 0x9E37_79B9 &+ 11 }

    /// Grades `implementation` on every test of `exercise` with `seed`: (test name, judgement).
    static func grade(_ exercise: String, _ implementation: ExerciseImplementation, seed: UInt64) -> [(String, Judgement)] {
        let grader = ExerciseCatalog.all.first { $0.id == exercise }!
        let specs = manifest.exercise(exercise)!.tests
        let tests = specs.map { grader.makeTest(spec: $0, seed: seed) }
        let judgements = judgeExercise(tests, replies: tests.map { $0.calls.map { simulate($0, using: implementation) } })
        return zip(specs, judgements).map { ($0.name, $1!) }
    }

    func testManifestMatchesTheCatalogAndGivesTwentyPointsPerExercise() throws {
        let manifest = Self.manifest
        // The design's five form the default (first) assignment; more exercises may be defined and registered.
        let basics = try XCTUnwrap(manifest.assignments.first)
        XCTAssertEqual(basics.exercises.map(\.id), ["softmax", "he-init", "dropout", "adam", "conv2d"])
        XCTAssertEqual(ExerciseCatalog.all.map(\.id), manifest.exercises.map(\.id))
        for exercise in manifest.exercises where basics.holds(exercise.id) {
            XCTAssertEqual(exercise.maxScore, 20, exercise.id)
            XCTAssertGreaterThanOrEqual(exercise.tests.filter { $0.visibility == .visible }.count, 3, exercise.id)
            XCTAssertGreaterThanOrEqual(exercise.tests.filter { $0.visibility == .hidden }.count, 3, exercise.id)
        }
        XCTAssertNoThrow(try manifest.validate(against: ExerciseCatalog.all))
    }

    func testSameSeedGivesTheSameTestAndDifferentSeedsDifferentInputs() {
        for grader in ExerciseCatalog.all {
            for spec in Self.manifest.exercise(grader.id)!.tests {
                XCTAssertEqual(grader.makeTest(spec: spec, seed: 5).calls, grader.makeTest(spec: spec, seed: 5).calls)
                XCTAssertNotEqual(grader.makeTest(spec: spec, seed: 5).calls, grader.makeTest(spec: spec, seed: 6).calls,
                                  "\(grader.id)/\(spec.name)")
            }
        }
    }

    func testCorrectImplementationsThatDrawRandomnessDifferentlyPass() {
        var other = ExerciseImplementation.reference
        // Box–Muller from Double.random(in:using:), both outputs used: a different stream, the same distribution.
        other.heNormal = { shape, generator in
            let std = (2 / Double(Reference.fans(shape: shape).fanIn)).squareRoot()
            var values: [Double] = []
            let count = shape.reduce(1, *)
            while values.count < count {
                let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
                let u2 = Double.random(in: 0..<1, using: &generator)
                let r = (-2 * log(u1)).squareRoot()
                values += [r * cos(2 * .pi * u2), r * sin(2 * .pi * u2)]
            }
            return Tensor(shape: shape, scalars: Array(values.prefix(count)).map { $0 * std })
        }
        // Keeps when u < 1 − p, multiplies by the scale instead of dividing.
        other.dropoutForward = { input, p, training, generator in
            guard training else { return (input, Tensor(ones: input.shape)) }
            if p >= 1 { return (Tensor(zeros: input.shape), Tensor(zeros: input.shape)) }
            let mask = Tensor(shape: input.shape) { _ in Double.random(in: 0..<1, using: &generator) < 1 - p ? 1 / (1 - p) : 0 }
            return (input * mask, mask)
        }
        for exercise in ["he-init", "dropout"] {
            for seed in Self.seeds {
                for (name, judgement) in Self.grade(exercise, other, seed: seed) {
                    XCTAssertEqual(judgement.fraction, 1, "\(exercise)/\(name) seed \(seed): \(judgement.message)")
                }
            }
        }
    }

    func testMalformedRepliesGetClearMessages() {
        let grader = SoftmaxGrader()
        let spec = Self.manifest.exercise("softmax")!.tests.first { $0.name == "rank-4" }!
        let test = grader.makeTest(spec: spec, seed: 3)
        let good = test.calls.map { simulate($0, using: .reference) }

        var wrongShape = good
        wrongShape[0].tensors[0] = good[0].tensors[0].reshaped([6, 4, 5])
        let shapeVerdict = test.judge(wrongShape)
        XCTAssertEqual(shapeVerdict.fraction, 0)
        XCTAssertTrue(shapeVerdict.message.contains("shape [6, 4, 5]") && shapeVerdict.message.contains("[2, 3, 4, 5]"), shapeVerdict.message)

        var inconsistent = good
        inconsistent[0].tensors[0].scalars.removeLast()
        XCTAssertTrue(test.judge(inconsistent).message.contains("119 scalars"), test.judge(inconsistent).message)

        var withNaN = good
        withNaN[0].tensors[0].scalars[7] = .nan
        let nanVerdict = test.judge(withNaN)
        XCTAssertLessThan(nanVerdict.fraction, 1)
        XCTAssertTrue(nanVerdict.message.contains("NaN"), nanVerdict.message)
        XCTAssertEqual(nanVerdict.worst?.index, [0, 0, 1, 2])

        XCTAssertEqual(test.judge([]).fraction, 0)
    }

    func testCountsInMessagesAreSingularForOne() throws {
        // conv2d's tests have one check (the output): no "All 1 checks" and no "of 1 checks".
        let results = Self.grade("conv2d", .reference, seed: 1)
        XCTAssertTrue(results.allSatisfy { $0.1.message.hasPrefix("The one check passed (output) within") }, results[0].1.message)
        let flipped = try XCTUnwrap(Conv2DMisconceptions.variants.first).implementation
        let wrong = Self.grade("conv2d", flipped, seed: 1).map(\.1).first { !$0.passed }
        XCTAssertTrue(wrong?.message.hasPrefix("0 of 1 check passed. ") ?? false, wrong?.message ?? "")
    }

    func testComparisonReportsTheWorstElementWithItsErrors() {
        let expected = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var got = expected
        got.scalars[4] = 5.5
        got.scalars[1] = 2 + 1e-7
        let result = Comparison.compare(got, expected: expected, name: "output", tolerance: Tolerance(atol: 1e-12, rtol: 1e-9))
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.worst?.index, [1, 1])
        XCTAssertEqual(result.worst?.mismatched, 2)
        XCTAssertEqual(result.worst?.total, 6)
        XCTAssertEqual(result.worst?.absoluteError ?? 0, 0.5, accuracy: 1e-12)
        XCTAssertEqual(result.worst?.relativeError ?? 0, 0.1, accuracy: 1e-12)
        XCTAssertTrue(Comparison.compare(expected, expected: expected, name: "output", tolerance: Tolerance(atol: 0, rtol: 0)).passed)
    }
}
