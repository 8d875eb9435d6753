import Foundation
import Synchronization
import XCTest
@testable import Grading
@testable import GradingCore

/// Real compiled submissions under many seeds: the solutions, and one submission made entirely of the alternative
/// correct styles (vectorized softmax, Box–Muller He init, dropout keeping when u < 1 − p, Kingma & Ba's efficient
/// Adam, im2col conv2d, and those of every exercise added since), must get full marks under every seed, hidden tests
/// included, whichever assignment holds the exercise. A statistical test that
/// failed a correct submission for some seed would show here.
final class PipelineSeedSweepTests: XCTestCase {
    static let seeds: [UInt64] = Array(1...20)

    func testSolutionsAndAlternativeStylesGetFullMarksUnderTwentySeeds() throws {
        let package = try TestPackage.shared()
        let folder = try package.scratchFolder("seed-sweep")
        let solutions = try package.makeSubmission(in: folder, name: "solutions")
        var overrides: [String: String?] = [:]
        let styles = TestPackage.subfolders(of: "grading/fixtures/alternatives")
        for style in styles {
            let file = try TestPackage.onlySwiftFile(in: style)
            overrides[file.lastPathComponent] = try String(contentsOf: file, encoding: .utf8)
        }
        // Every exercise the manifest defines, whichever assignment holds it.
        let everyExercise = try package.manifest.exercises.map(\.id)
        XCTAssertEqual(overrides.count, everyExercise.count, "one alternative style per exercise")
        let alternatives = try package.makeSubmission(in: folder, name: "alternatives", overrides: overrides)
        // Two job slots, as `batch --jobs 2` grades: the 40 gradings take half the time on two cores.
        let runs = Self.seeds.flatMap { seed in [solutions, alternatives].map { (seed: seed, submission: $0) } }
        let grader = try package.grader()
        let problems = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { slot in
            for run in stride(from: slot, to: runs.count, by: 2).map({ runs[$0] }) {
                let report = grader.grade(submission: run.submission, name: run.submission.lastPathComponent,
                                          options: .init(seed: run.seed, includeHidden: true, exercises: everyExercise), slot: slot)
                assertSchemaValid(report)
                var found: [String] = []
                if report.seed != run.seed { found.append("\(run.submission.lastPathComponent), seed \(run.seed): the report says seed \(report.seed)") }
                if report.exercises.map(\.id) != everyExercise { found.append("\(run.submission.lastPathComponent), seed \(run.seed): exercises \(report.exercises.map(\.id))") }
                for exercise in report.exercises where exercise.score != exercise.maxScore {
                    let failing = exercise.tests.filter { $0.status != .passed }.map { "\($0.name): \($0.message)" }
                    found.append("\(run.submission.lastPathComponent), seed \(run.seed), \(exercise.id): \(exercise.score)/\(exercise.maxScore). \(failing.joined(separator: " | "))")
                }
                problems.withLock { $0 += found }
            }
        }
        for problem in problems.withLock({ $0 }) { XCTFail(problem) }
    }

    /// `check` (visible tests) and `batch` (all tests) give the same verdict on every visible test for the same
    /// files and seed, for right and wrong code alike.
    func testVisibleVerdictsAreTheSameInCheckAndBatch() throws {
        let package = try TestPackage.shared()
        let folder = try package.scratchFolder("check-vs-batch")
        let wrong = try TestPackage.fixture("grading/fixtures/misconceptions/adam/no-bias-correction/Adam.swift")
        let flipped = try TestPackage.fixture("grading/fixtures/misconceptions/conv2d/flipped-kernel/Conv2D.swift")
        let submission = try package.makeSubmission(in: folder, name: "mixed", overrides: ["Adam.swift": wrong, "Conv2D.swift": flipped])
        for seed: UInt64 in [3, 77] {
            let check = try package.grade(submission, seed: seed, includeHidden: false)
            let batch = try package.grade(submission, seed: seed, includeHidden: true)
            for exercise in check.exercises {
                let batchTests = batch.exercises.first { $0.id == exercise.id }?.tests ?? []
                for test in exercise.tests {
                    guard let twin = batchTests.first(where: { $0.name == test.name }) else {
                        XCTFail("\(exercise.id)/\(test.name) is missing from the batch report"); continue
                    }
                    XCTAssertEqual(test.status, twin.status, "\(exercise.id)/\(test.name), seed \(seed)")
                    XCTAssertEqual(test.score, twin.score, "\(exercise.id)/\(test.name), seed \(seed)")
                    XCTAssertEqual(test.misconception?.id, twin.misconception?.id, "\(exercise.id)/\(test.name), seed \(seed)")
                }
            }
            XCTAssertLessThan(check.exercises.first { $0.id == "adam" }!.score, check.exercises.first { $0.id == "adam" }!.maxScore)
        }
    }
}
