import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The bundled sample classes' verdicts, pinned: every submission's score, every exercise's status and score, and
/// every test's status, score and misconception name for seed 7 with the hidden tests, as in each class's
/// `expected-seed-7.json` (`grading/samples/` for the default assignment, `grading/samples-optimizers/` for
/// `optimizers-and-schedules`). A refactoring of the exercises or the pipeline must leave these unchanged; a
/// deliberate change of verdict updates the files (run with `GRADER_UPDATE_PINS=1`) and says why in its commit.
final class PipelineSamplePinTests: XCTestCase {
    static let seed: UInt64 = 7
    static let pinFileName = "expected-seed-7.json"

    /// One line per test: "status score [misconception]", so a diff of the pin file reads like a verdict change.
    struct Pin: Codable, Equatable {
        var score: Double
        var exercises: [String: ExercisePin]
    }

    struct ExercisePin: Codable, Equatable {
        var status: String
        var score: Double
        var tests: [String: String]
    }

    static func pin(_ report: SubmissionReport) -> Pin {
        Pin(score: report.score, exercises: Dictionary(uniqueKeysWithValues: report.exercises.map { exercise in
            (exercise.id, ExercisePin(status: exercise.status.rawValue, score: exercise.score,
                                      tests: Dictionary(uniqueKeysWithValues: exercise.tests.map { test in
                                          let name = test.misconception.map { " " + $0.id } ?? ""
                                          return (test.name, "\(test.status.rawValue) \(test.score)\(name)")
                                      })))
        }))
    }

    func testTheSampleClassKeepsItsPinnedVerdicts() throws {
        try assertPinnedVerdicts(of: "grading/samples", assignment: nil, submissions: 6)
    }

    func testTheOptimizersSampleClassKeepsItsPinnedVerdicts() throws {
        try assertPinnedVerdicts(of: "grading/samples-optimizers", assignment: "optimizers-and-schedules", submissions: 4)
    }

    /// Batch-grades the class in `folder` (as `assignment`, the default when nil) and compares every verdict with
    /// the folder's pin file.
    func assertPinnedVerdicts(of folder: String, assignment: String?, submissions: Int) throws {
        let package = try TestPackage.shared()
        let out = try package.scratchFolder("pin-" + folder.replacingOccurrences(of: "/", with: "-"))
        let runner = BatchRunner(grader: try package.grader(),
                                 options: .init(submissions: TestPackage.sourceRoot.appendingPathComponent(folder),
                                                out: out, jobs: 2, seed: Self.seed, includeHidden: true, assignment: assignment))
        let result = try runner.run()
        let pins = Dictionary(uniqueKeysWithValues: result.reports.map { ($0.submission, Self.pin($0)) })
        XCTAssertEqual(pins.count, submissions)

        let url = TestPackage.sourceRoot.appendingPathComponent(folder).appendingPathComponent(Self.pinFileName)
        if ProcessInfo.processInfo.environment["GRADER_UPDATE_PINS"] == "1" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(pins).write(to: url)
            return
        }
        let expected = try JSONDecoder().decode([String: Pin].self, from: Data(contentsOf: url))
        XCTAssertEqual(Set(pins.keys), Set(expected.keys))
        for (submission, want) in expected.sorted(by: { $0.key < $1.key }) {
            guard let got = pins[submission] else { continue }
            XCTAssertEqual(got.score, want.score, "\(submission): total score")
            for (id, wantExercise) in want.exercises.sorted(by: { $0.key < $1.key }) {
                let gotExercise = got.exercises[id]
                XCTAssertEqual(gotExercise?.status, wantExercise.status, "\(submission)/\(id): status")
                XCTAssertEqual(gotExercise?.score, wantExercise.score, "\(submission)/\(id): score")
                XCTAssertEqual(gotExercise?.tests ?? [:], wantExercise.tests, "\(submission)/\(id): tests")
            }
        }
    }
}
