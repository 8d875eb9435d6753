import XCTest
@testable import Grading
@testable import GradingCore

final class ReportExportTests: XCTestCase {
    // MARK: - grades.csv

    func testCSVHeaderColumnsSortingAndNumbers() {
        let reports = [
            ReportFixtures.simple("zoe", [("softmax", 17.5, 20, .partial), ("dropout", 4, 4, .passed)]),
            ReportFixtures.simple("adam", [("softmax", 20, 20, .passed)]),
            ReportFixtures.simple("third", [("softmax", 0.1 + 0.2, 20, .partial), ("dropout", 2.0 / 3.0, 4, .partial)]),
        ]
        let csv = GradesCSV.make(reports: reports, exerciseIDs: ["softmax", "dropout"])
        XCTAssertEqual(csv, """
        submission,softmax,dropout,total,max_total
        adam,20,0,20,20
        third,0.3,0.666667,0.966667,24
        zoe,17.5,4,21.5,24

        """)
    }

    func testCSVQuotesNamesWithCommasQuotesAndNewlines() {
        let reports = [
            ReportFixtures.simple("Doe, Jane", [("softmax", 1, 1, .passed)]),
            ReportFixtures.simple("the \"best\" one", [("softmax", 1, 1, .passed)]),
            ReportFixtures.simple("two\r\nlines", [("softmax", 1, 1, .passed)]),
        ]
        let csv = GradesCSV.make(reports: reports, exerciseIDs: ["softmax"])
        XCTAssertTrue(csv.hasPrefix("submission,softmax,total,max_total\n\"Doe, Jane\",1,1,1\n"), csv)
        XCTAssertTrue(csv.contains("\n\"the \"\"best\"\" one\",1,1,1\n"), csv)
        XCTAssertTrue(csv.hasSuffix("\n\"two\r\nlines\",1,1,1\n"), csv)
        XCTAssertEqual(GradesCSV.field("two\r\nlines"), "\"two\r\nlines\"")
        XCTAssertEqual(GradesCSV.field("plain-name"), "plain-name")
    }

    // MARK: - Gradescope results.json

    private func results() throws -> (GradescopeResults, [String: Any]) {
        let results = GradescopeResults(report: ReportFixtures.full())
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: ReportIO.encode(results)) as? [String: Any])
        return (results, object)
    }

    func testGradescopeTopLevelAndTestFields() throws {
        let (results, object) = try results()
        XCTAssertEqual(object["score"] as? Double, 5.5)
        XCTAssertEqual(object["execution_time"] as? Double, 2.457)
        XCTAssertEqual(object["output_format"] as? String, "md")
        XCTAssertEqual(object["visibility"] as? String, "visible")
        XCTAssertEqual(object["stdout_visibility"] as? String, "hidden")
        XCTAssertTrue((object["output"] as? String)?.contains("1 of 5 exercises passed, 5.5 / 20 points (seed 42).") == true)
        let tests = try XCTUnwrap(object["tests"] as? [[String: Any]])
        XCTAssertEqual(Set(tests[0].keys), ["score", "max_score", "status", "name", "number", "output", "output_format",
                                            "tags", "visibility"])
        XCTAssertEqual(results.tests.map(\.name), ["softmax / small-rows", "softmax / huge-logits",
                                                   "softmax / secret-shapes", "he-init / linear-fan-in",
                                                   "dropout / keep-fraction", "adam / one-step", "conv2d"])
        XCTAssertEqual(results.tests.map(\.number), ["1.1", "1.2", "1.3", "2.1", "3.1", "4.1", "5"])
        XCTAssertEqual(results.tests.map(\.status), ["passed", "failed", "failed", "passed", "failed", "failed", "failed"])
        XCTAssertEqual(results.tests.map(\.maxScore).reduce(0, +), 20, "Gradescope's points add up to the maximum")
        XCTAssertEqual(results.tests.map(\.score).reduce(0, +), 5.5)
        XCTAssertEqual(results.tests[0].tags, ["softmax"])
        XCTAssertTrue(results.tests.allSatisfy { $0.outputFormat == "md" })
    }

    func testVisibleFailureCarriesTheFullExplanation() throws {
        let output = GradescopeResults(report: ReportFixtures.full()).tests[1].output
        XCTAssertTrue(output.contains("**Input:** logits of shape [4, 7] around ±1000."), output)
        XCTAssertTrue(output.contains("expected 0.25, got nan"), output)
        XCTAssertTrue(output.contains("Likely misconception (no-max-shift)"), output)
        XCTAssertTrue(output.hasPrefix("**Failed:** 0 / 2 points."), output)
        XCTAssertTrue(output.contains("```text\ndebug: row max = 1000.0\n[31mred text[0m\n```"), output)
        let adam = GradescopeResults(report: ReportFixtures.full()).tests[5].output
        XCTAssertTrue(adam.hasPrefix("**Failed (not run):** 0 / 4 points."), adam)
        XCTAssertTrue(adam.contains("Adam.swift:12:5: error: cannot find 'beta' in scope"), adam)
    }

    func testHiddenTestsRevealOnlyVerdictAndPoints() throws {
        let results = GradescopeResults(report: ReportFixtures.full())
        let hidden = results.tests[2]
        XCTAssertEqual(hidden.visibility, "after_published")
        XCTAssertEqual(hidden.score, 0.5)
        XCTAssertTrue(hidden.output.contains("0.5 / 1 points"), hidden.output)
        let everything = String(decoding: try ReportIO.encode(results), as: UTF8.self)
        XCTAssertFalse(everything.contains("SECRET"), "no hidden input, message or printed output leaks")
        XCTAssertFalse(hidden.output.contains("no-max-shift"))
        XCTAssertTrue(results.tests.filter { $0.name != "softmax / secret-shapes" }.allSatisfy { $0.visibility == "visible" })
    }

    func testMarkdownFenceCannotBeClosedByStudentOutput() {
        XCTAssertEqual(Markdown.codeBlock("a ```` b"), "`````text\na ```` b\n`````")
        XCTAssertEqual(Markdown.escaped("a*b_c"), "a\\*b\\_c")
    }

    // MARK: - Atomic writing

    func testAtomicWriteReplacesTheFileAndLeavesNoTemporaryFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("report-write-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("alice/report.json")
        try ReportIO.writeAtomically(Data("old".utf8), to: target)
        try ReportIO.write(ReportFixtures.full(), to: target)
        let written = try Data(contentsOf: target)
        XCTAssertEqual(written, try ReportIO.encode(ReportFixtures.full()))
        XCTAssertEqual(try ReportFixtures.validator().validate(written), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path),
                       ["report.json"])
    }

    func testAtomicWriteFailureIsAReadableErrorAndLeavesNothing() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("report-write-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A folder where the file should go: rename(2) cannot replace a non-empty directory with a file.
        let target = directory.appendingPathComponent("results.json")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try ReportIO.writeAtomically(Data("x".utf8), to: target)) { error in
            XCTAssertTrue("\(error)".hasPrefix("The report \(target.path) could not be written:"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["results.json"])
    }

    func testEncodingIsSortedAndPretty() throws {
        let text = String(decoding: try ReportIO.encode(ReportFixtures.full()), as: UTF8.self)
        let top = ["exercises", "graderVersion", "includesHidden", "maxScore", "notices", "sandbox", "score", "seed",
                   "submission", "timings", "toolchain"]
        let positions = top.map { text.range(of: "\n  \"\($0)\" : ")?.lowerBound }
        XCTAssertFalse(positions.contains(nil), text)
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted())
        XCTAssertTrue(text.contains("\"seed\" : 42,"))
        XCTAssertTrue(text.hasSuffix("}\n"))
    }
}
