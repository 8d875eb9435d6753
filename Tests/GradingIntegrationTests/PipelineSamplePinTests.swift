import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The bundled sample class's verdicts, pinned: every submission's score, every exercise's status and score, and
/// every test's status, score and misconception name for seed 7 with the hidden tests, as in
/// `grading/samples/expected-seed-7.json`. A refactoring of the exercises or the pipeline must leave these unchanged;
/// a deliberate change of verdict updates the file (run with `GRADER_UPDATE_PINS=1`) and says why in its commit.
final class PipelineSamplePinTests: XCTestCase {
    static let seed: UInt64 = 7
    static let pinFile = "grading/samples/expected-seed-7.json"

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
        let package = try TestPackage.shared()
        let out = try package.scratchFolder("samples-pin")
        let runner = BatchRunner(grader: try package.grader(),
                                 options: .init(submissions: TestPackage.sourceRoot.appendingPathComponent("grading/samples"),
                                                out: out, jobs: 2, seed: Self.seed, includeHidden: true))
        let result = try runner.run()
        let pins = Dictionary(uniqueKeysWithValues: result.reports.map { ($0.submission, Self.pin($0)) })
        XCTAssertEqual(pins.count, 6)

        let url = TestPackage.sourceRoot.appendingPathComponent(Self.pinFile)
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
