import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// Every misconception fixture, graded end to end in one batch, loses points on its exercise and is named in the
/// report by its id and by no other; every unlisted bug loses points and is named nothing; every alternative
/// correct style gets full marks.
final class PipelineMisconceptionTests: XCTestCase {
    func testEveryMisconceptionIsNamedAndEveryAlternativePasses() throws {
        let package = try TestPackage.shared()
        let work = try package.scratchFolder("misconceptions")
        let submissions = work.appendingPathComponent("class")

        /// submission name → (exercise id, misconception id or nil for an alternative)
        var expectations: [String: (exercise: String, misconception: String?)] = [:]
        for exerciseFolder in TestPackage.subfolders(of: "grading/fixtures/misconceptions") {
            for fixture in TestPackage.subfolders(of: "grading/fixtures/misconceptions/\(exerciseFolder.lastPathComponent)") {
                let file = try TestPackage.onlySwiftFile(in: fixture)
                let exercise = try XCTUnwrap(TestPackage.exerciseID(forFile: file.lastPathComponent), file.path)
                XCTAssertEqual(exercise, exerciseFolder.lastPathComponent, "\(file.path) sits under another exercise's folder")
                let name = "mc-\(exercise)-\(fixture.lastPathComponent)"
                try package.makeSubmission(in: submissions, name: name,
                                           overrides: [file.lastPathComponent: try String(contentsOf: file, encoding: .utf8)])
                expectations[name] = (exercise, fixture.lastPathComponent)
            }
        }
        var unlisted: Set<String> = []
        for exerciseFolder in TestPackage.subfolders(of: "grading/fixtures/unlisted") {
            for fixture in TestPackage.subfolders(of: "grading/fixtures/unlisted/\(exerciseFolder.lastPathComponent)") {
                let file = try TestPackage.onlySwiftFile(in: fixture)
                let exercise = try XCTUnwrap(TestPackage.exerciseID(forFile: file.lastPathComponent), file.path)
                let name = "bug-\(exercise)-\(fixture.lastPathComponent)"
                try package.makeSubmission(in: submissions, name: name,
                                           overrides: [file.lastPathComponent: try String(contentsOf: file, encoding: .utf8)])
                expectations[name] = (exercise, nil)
                unlisted.insert(name)
            }
        }
        XCTAssertGreaterThanOrEqual(unlisted.count, 6, "the unlisted-bug fixtures were not found")
        for style in TestPackage.subfolders(of: "grading/fixtures/alternatives") {
            let file = try TestPackage.onlySwiftFile(in: style)
            let exercise = try XCTUnwrap(TestPackage.exerciseID(forFile: file.lastPathComponent), file.path)
            let name = "alt-\(style.lastPathComponent)"
            try package.makeSubmission(in: submissions, name: name,
                                       overrides: [file.lastPathComponent: try String(contentsOf: file, encoding: .utf8)])
            expectations[name] = (exercise, nil)
        }
        XCTAssertGreaterThanOrEqual(expectations.values.filter { $0.misconception != nil }.count, 25, "the misconception fixtures were not found")
        XCTAssertGreaterThanOrEqual(expectations.values.filter { $0.misconception == nil }.count - unlisted.count, 5, "the alternative fixtures were not found")

        // One batch per assignment, each grading the submissions whose fixture belongs to one of its exercises (the
        // first assignment that holds it), so that every registered exercise is graded, not only the default's.
        let manifest = try package.manifest
        var batches: [String: (submissions: URL, out: URL, count: Int)] = [:]
        for (name, expected) in expectations {
            let assignment = try XCTUnwrap(manifest.assignments.first { $0.holds(expected.exercise) }, "no assignment holds \(expected.exercise)").name
            var batch = batches[assignment] ?? (work.appendingPathComponent("class-\(assignment)"), work.appendingPathComponent("out-\(assignment)"), 0)
            try FileManager.default.createDirectory(at: batch.submissions, withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: submissions.appendingPathComponent(name), to: batch.submissions.appendingPathComponent(name))
            batch.count += 1
            batches[assignment] = batch
        }
        var reports: [(report: SubmissionReport, out: URL)] = []
        for (assignment, batch) in batches.sorted(by: { $0.key < $1.key }) {
            let runner = BatchRunner(grader: try package.grader(),
                                     options: .init(submissions: batch.submissions, out: batch.out, jobs: 2, seed: 2026,
                                                    includeHidden: true, assignment: assignment))
            let result = try runner.run()
            XCTAssertEqual(result.graded, batch.count, assignment)
            XCTAssertEqual(result.resumed, 0)
            reports += result.reports.map { ($0, batch.out) }
            let csv = try String(contentsOf: batch.out.appendingPathComponent("grades.csv"), encoding: .utf8)
            XCTAssertEqual(csv.split(separator: "\n").count, batch.count + 1, assignment)
        }
        XCTAssertEqual(Set(reports.map(\.report.submission)), Set(expectations.keys))

        for (report, out) in reports.sorted(by: { $0.report.submission < $1.report.submission }) {
            assertSchemaValid(report)
            let written = try assertSchemaValidFile(out.appendingPathComponent(report.submission).appendingPathComponent("report.json"))
            // Compared encoded: NaN (a wrong variant's output) is never equal to itself as a Double.
            XCTAssertEqual(String(decoding: try ReportIO.encode(written), as: UTF8.self),
                           String(decoding: try ReportIO.encode(report), as: UTF8.self),
                           "report.json holds exactly the report the batch returned")
            guard let expected = expectations[report.submission] else { XCTFail("unexpected \(report.submission)"); continue }
            let attacked = try XCTUnwrap(report.exercise(expected.exercise))
            for other in report.exercises where other.id != expected.exercise {
                XCTAssertEqual(other.status, .passed, "\(report.submission): the untouched exercise \(other.id) must pass; \(other.message)")
            }
            if let misconception = expected.misconception {
                XCTAssertLessThan(attacked.score, attacked.maxScore, "\(report.submission) kept every point: \(attacked.message)")
                XCTAssertTrue([.partial, .failed].contains(attacked.status), "\(report.submission): \(attacked.status.rawValue) \(attacked.message)")
                let named = attacked.tests.compactMap(\.misconception?.id)
                XCTAssertTrue(named.contains(misconception),
                              "\(report.submission): no test names '\(misconception)'; named \(named), tests \(attacked.tests.map { "\($0.name): \($0.status.rawValue)" })")
                XCTAssertEqual(Set(named), [misconception], "\(report.submission) was also named as another misconception")
                for test in attacked.tests where test.misconception != nil {
                    XCTAssertNotEqual(test.status, .passed, "\(report.submission) \(test.name): a passing test names no misconception")
                    XCTAssertFalse(test.misconception!.summary.isEmpty)
                    XCTAssertFalse(test.misconception!.fix.isEmpty)
                }
            } else if unlisted.contains(report.submission) {
                XCTAssertLessThan(attacked.score, attacked.maxScore, "\(report.submission) kept every point: \(attacked.message)")
                let named = attacked.tests.compactMap { test in test.misconception.map { "\(test.name): \($0.id)" } }
                XCTAssertEqual(named, [], "\(report.submission) is a bug no variant stands for, but was named")
            } else {
                assertFullMarks(report)
                XCTAssertTrue(report.exercises.flatMap(\.tests).allSatisfy { $0.misconception == nil },
                              "\(report.submission): a correct alternative is never called a misconception")
            }
        }
    }
}
