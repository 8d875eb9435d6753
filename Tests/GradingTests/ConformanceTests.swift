import Foundation
import Grading
import GradingCore
import WorkerKit
import XCTest

/// What every registered exercise must satisfy, checked once for the whole catalog: an exercise is covered the
/// moment it is registered in `ExerciseCatalog.all`. In-process (fast); the compiled counterparts — the stubs are
/// `not-implemented`, the compiled solutions get full marks, every fixture is named as itself — are in the
/// Pipeline* tests.
final class ConformanceTests: XCTestCase {
    static let seeds: [UInt64] = Array(0..<20).map { UInt64($0) &* 0x9E37_79B9 &+ 11 }

    func testEveryRegisteredExerciseIsInTheManifestWithKnownTests() throws {
        let manifest = JudgeTests.manifest
        for exercise in ExerciseCatalog.all {
            let tests = try XCTUnwrap(manifest.exercise(exercise.id), "\(exercise.id) is registered but not in the manifest").tests
            XCTAssertFalse(tests.isEmpty, exercise.id)
            XCTAssertEqual(Set(tests.map(\.name)), Set(exercise.testNames), "\(exercise.id): the manifest should use every test the exercise defines")
            XCTAssertEqual(exercise.testNames.count, Set(exercise.testNames).count, "\(exercise.id) defines a test name twice")
        }
    }

    func testTheReferenceEarnsFullMarksOnEveryTestForTwentySeeds() {
        for exercise in ExerciseCatalog.all {
            for seed in Self.seeds {
                for (name, judgement) in JudgeTests.grade(exercise.id, .reference, seed: seed) {
                    XCTAssertEqual(judgement.fraction, 1, "\(exercise.id)/\(name) seed \(seed): \(judgement.message)")
                    XCTAssertNil(judgement.misconception, "\(exercise.id)/\(name) seed \(seed)")
                }
            }
        }
    }

    /// The grader reads at most what an exercise declares a call can return: the reference's own replies to every
    /// test must fit, or a correct submission would be refused.
    func testEveryReferenceReplyFitsTheDeclaredReplyLimit() throws {
        let limit = SubmissionGrader.replyLimit(for: ExerciseCatalog.all)
        for exercise in ExerciseCatalog.all {
            for spec in try XCTUnwrap(JudgeTests.manifest.exercise(exercise.id)).tests {
                for call in exercise.makeTest(spec: spec, seed: 3).calls {
                    let bytes = WireFormat.encode(simulate(call, using: exercise.reference)).count - 4
                    XCTAssertLessThanOrEqual(bytes, limit(call), "\(exercise.id)/\(spec.name): \(call.function)")
                    XCTAssertNotEqual(limit(call), WorkerCall.undeclaredReplyLimit, "\(call.function) is not declared by \(exercise.id)")
                }
            }
        }
    }

    /// Every variant loses points on every seed, is named somewhere as itself, and is never named as another
    /// misconception (so every pair of variants in an exercise is told apart).
    func testEveryVariantLosesPointsAndIsNamedAsItselfAndNeverAsAnother() {
        for exercise in ExerciseCatalog.all {
            XCTAssertFalse(exercise.variants.isEmpty, "\(exercise.id) has no misconception variants")
            for (index, variant) in exercise.variants.enumerated() {
                let id = variant.misconception.id
                var named = false
                for seed: UInt64 in [1, 2] {
                    let results = JudgeTests.grade(exercise.id, variant.implementation, seed: seed)
                    XCTAssertLessThan(results.map(\.1.fraction).reduce(0, +), Double(results.count),
                                      "\(exercise.id) variant \(index) (\(id)) seed \(seed) lost no points")
                    for (name, judgement) in results {
                        guard let found = judgement.misconception else { continue }
                        XCTAssertEqual(found.id, id, "\(exercise.id) variant \(index) (\(id)) seed \(seed): \(name) named \(found.id)")
                        XCTAssertLessThan(judgement.fraction, 1, "\(exercise.id)/\(name): a passing test names nothing")
                        named = named || found.id == id
                    }
                }
                XCTAssertTrue(named, "\(exercise.id): no test named the misconception \(id) (variant \(index))")
            }
        }
    }

    func testEveryMisconceptionHasAFixtureAndEveryFixtureAMisconception() throws {
        let fixtures = JudgeTests.packageRoot.appendingPathComponent("grading/fixtures/misconceptions")
        for exercise in ExerciseCatalog.all {
            let folder = fixtures.appendingPathComponent(exercise.id)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
            XCTAssertEqual(Set(names), Set(exercise.misconceptions.map(\.id)), "\(exercise.id): fixtures vs misconceptions")
            for name in names {
                let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(name).path)
                XCTAssertEqual(files, [exercise.fileName], "\(exercise.id)/\(name) should hold exactly \(exercise.fileName)")
            }
            for misconception in exercise.misconceptions {
                XCTAssertTrue(misconception.summary.lowercased().contains("your "), "\(misconception.id): the summary speaks to the student")
                XCTAssertTrue(misconception.summary.hasSuffix(".") && misconception.fix.hasSuffix("."), "\(misconception.id): complete sentences")
            }
        }
        let exerciseFolders = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(Set(exerciseFolders), Set(ExerciseCatalog.all.map(\.id)), "a fixture folder for an unregistered exercise")
    }
}
