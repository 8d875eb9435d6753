import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// A real submission compiled in the sandbox: a typo repeated three times and a warning
/// (grading/fixtures/diagnostics/typo-and-warning) come back in line order, errors first, each with the source
/// line and caret swiftc printed, and the report's message names the first error.
final class CompileDiagnosticsTests: XCTestCase {
    func testTypoRepeatedThreeTimesComesBackInLineOrderWithSourceAndCaretThenTheWarning() throws {
        let package = try TestPackage.shared()
        let folder = try package.scratchFolder("diagnostics")
        let typo = try TestPackage.fixture("grading/fixtures/diagnostics/typo-and-warning/Softmax.swift")
        let submission = try package.makeSubmission(in: folder, name: "typo", overrides: ["Softmax.swift": typo])
        let report = try package.grade(submission, includeHidden: false, exercises: ["softmax", "adam"])

        let softmax = try XCTUnwrap(report.exercise("softmax"))
        XCTAssertEqual(softmax.status, .compileError, softmax.message)
        XCTAssertEqual(softmax.message, "Softmax.swift does not compile: 3 errors, the first at line 20: cannot find 'rowmax' in scope")
        XCTAssertEqual(softmax.diagnostics.map { "\($0.line) \($0.severity)" },
                       ["20 error", "24 error", "38 error", "7 warning"])
        let sourceLines = typo.split(separator: "\n", omittingEmptySubsequences: false)
        for diagnostic in softmax.diagnostics {
            let excerpt = try XCTUnwrap(diagnostic.excerpt, "\(diagnostic)").split(separator: "\n")
            XCTAssertEqual(excerpt.count, 2, "\(diagnostic)")
            XCTAssertEqual(excerpt[0], sourceLines[diagnostic.line - 1], "the excerpt is the diagnostic's own source line")
            let caret = try XCTUnwrap(excerpt[1].firstIndex(of: "^"))
            XCTAssertEqual(excerpt[1].distance(from: excerpt[1].startIndex, to: caret) + 1, diagnostic.column,
                           "the caret sits under the column: \(excerpt[1])")
        }
        XCTAssertEqual(report.exercise("adam")?.status, .passed, "the error costs its own exercise only")

        let text = TerminalRenderer(useColor: false).render(report)
        let shown = text.split(separator: "\n").map(String.init)
        let headers = shown.filter { $0.hasPrefix("    Softmax.swift:") }.map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(headers, ["Softmax.swift:20:56: error: cannot find 'rowmax' in scope",
                                 "Softmax.swift:24:22: error: cannot find 'rowmax' in scope",
                                 "Softmax.swift:38:93: error: cannot find 'rowmax' in scope",
                                 "Softmax.swift:7:9: warning: variable 'largest' was never mutated; consider changing to 'let' constant"])
        let first = try XCTUnwrap(shown.firstIndex(of: "    Softmax.swift:20:56: error: cannot find 'rowmax' in scope"))
        XCTAssertEqual(shown[first + 1], "                probabilities[i] = exp(logits.scalars[i] - rowmax)")
        XCTAssertEqual(shown[first + 2], "    " + String(repeating: " ", count: 55) + "^~~~~~")
    }
}
