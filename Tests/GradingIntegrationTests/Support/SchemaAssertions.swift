import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The report schema of the real package (`grading/report.schema.json`), loaded once.
let reportSchemaValidator: SchemaValidator? = try? SchemaValidator(
    schemaURL: TestPackage.sourceRoot.appendingPathComponent("grading/report.schema.json"))

/// Fails unless `report`, encoded exactly as `report.json` is written, is valid against the contract's schema.
func assertSchemaValid(_ report: SubmissionReport, file: StaticString = #filePath, line: UInt = #line) {
    guard let validator = reportSchemaValidator else {
        return XCTFail("grading/report.schema.json could not be loaded", file: file, line: line)
    }
    do {
        let errors = validator.validate(try ReportIO.encode(report))
        XCTAssertEqual(errors, [], "the report of \(report.submission) breaks the schema", file: file, line: line)
    } catch {
        XCTFail("the report of \(report.submission) could not be encoded: \(error)", file: file, line: line)
    }
}

/// Fails unless the JSON file at `url` is valid against the report schema; returns the decoded report.
@discardableResult
func assertSchemaValidFile(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> SubmissionReport {
    let data = try Data(contentsOf: url)
    let validator = try XCTUnwrap(reportSchemaValidator, "grading/report.schema.json could not be loaded", file: file, line: line)
    XCTAssertEqual(validator.validate(data), [], "\(url.path) breaks the schema", file: file, line: line)
    let report = try ReportIO.decoder().decode(SubmissionReport.self, from: data)
    assertSchemaValid(report, file: file, line: line)
    return report
}

extension SubmissionReport {
    func exercise(_ id: String) -> ExerciseReport? { exercises.first { $0.id == id } }

    /// "softmax: passed, adam: compile-error, ..." for failure messages.
    var statusLine: String { exercises.map { "\($0.id): \($0.status.rawValue) \($0.score)/\($0.maxScore)" }.joined(separator: ", ") }
}

/// Asserts the report of a correct submission: every exercise `passed` with every point.
func assertFullMarks(_ report: SubmissionReport, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(report.exercises.isEmpty, "\(report.submission) has no exercises", file: file, line: line)
    for exercise in report.exercises {
        let failing = exercise.tests.filter { $0.status != .passed }.map { "\($0.name) [\($0.status.rawValue)]: \($0.message)" }
        XCTAssertEqual(exercise.status, .passed, "\(report.submission) \(exercise.id): \(exercise.message) \(failing)", file: file, line: line)
    }
    XCTAssertGreaterThan(report.maxScore, 0, file: file, line: line)
    XCTAssertEqual(report.score, report.maxScore, accuracy: 1e-9, "\(report.submission): \(report.statusLine)", file: file, line: line)
}
