import XCTest
@testable import GradingCore

/// How compiler diagnostics are parsed, ordered and cut to a screenful. (GradingIntegrationTests'
/// CompileDiagnosticsTests compiles a real submission through the sandbox and checks the same end to end.)
final class CompilerDiagnosticsTests: XCTestCase {
    /// swiftc's `-diagnostic-style=llvm` output for a typo used twice and a warning, as the compiler printed it.
    private let llvmOutput = """
    Softmax.swift:20:56: error: cannot find 'rowmax' in scope
                probabilities[i] = exp(logits.scalars[i] - rowmax)
                                                           ^~~~~~
    Softmax.swift:7:9: warning: variable 'largest' was never mutated; consider changing to 'let' constant
        var largest = values.reduce(-Double.infinity, max)
        ~~~ ^
        let
    Softmax.swift:24:22: error: cannot find 'rowmax' in scope
            precondition(rowmax.isFinite)
                         ^~~~~~
    error: fatalError
    """

    func testParsingKeepsEachSourceLineAndCaret() {
        let diagnostics = SubmissionCompiler.parseDiagnostics(llvmOutput)
        XCTAssertEqual(diagnostics.map(\.line), [20, 7, 24])
        XCTAssertEqual(diagnostics.map(\.severity), ["error", "warning", "error"])
        XCTAssertEqual(diagnostics[0].excerpt, """
                    probabilities[i] = exp(logits.scalars[i] - rowmax)
                                                               ^~~~~~
        """)
        XCTAssertEqual(diagnostics[1].excerpt, "    var largest = values.reduce(-Double.infinity, max)\n    ~~~ ^")
        XCTAssertEqual(diagnostics[2].message, "cannot find 'rowmax' in scope")
    }

    func testOrderIsPerFileErrorsFirstInLineOrderWithNotesKeptAfterTheirDiagnostic() {
        func d(_ file: String, _ line: Int, _ severity: String, _ column: Int = 1) -> Diagnostic {
            Diagnostic(file: file, line: line, column: column, severity: severity, message: "\(severity) at \(line)")
        }
        let compilerOrder = [d("A.swift", 22, "error"), d("A.swift", 3, "note"), d("A.swift", 10, "warning"),
                             d("B.swift", 5, "error"), d("A.swift", 10, "error", 9), d("A.swift", 10, "error", 2),
                             d("A.swift", 50, "note")]
        let ordered = CompilerDiagnostics.ordered(compilerOrder)
        XCTAssertEqual(ordered.map { "\($0.file):\($0.line):\($0.column) \($0.severity)" }, [
            "A.swift:10:2 error", "A.swift:50:1 note", "A.swift:10:9 error",
            "A.swift:22:1 error", "A.swift:3:1 note",
            "A.swift:10:1 warning",
            "B.swift:5:1 error",
        ])
        XCTAssertEqual(CompilerDiagnostics.ordered(ordered), ordered, "ordering twice changes nothing")
        XCTAssertEqual(CompilerDiagnostics.firstError(compilerOrder)?.line, 10)
    }

    func testRenderingShowsAScreenfulThenSaysHowManyMore() {
        let errors = (1...9).map {
            Diagnostic(file: "Adam.swift", line: $0 * 3, column: 5, severity: "error", message: "error number \($0)",
                       excerpt: "    let x = y\($0)\n            ^~")
        }
        let warning = Diagnostic(file: "Adam.swift", line: 1, column: 1, severity: "warning", message: "unused")
        let lines = CompilerDiagnostics.render(errors + [warning], indent: "  ", lineBudget: 18,
                                               moreHint: "Run with --verbose to see them all.")
        XCTAssertEqual(lines.count, 19, lines.joined(separator: "\n"))
        XCTAssertEqual(Array(lines.prefix(3)), ["  Adam.swift:3:5: error: error number 1", "      let x = y1", "              ^~"])
        XCTAssertEqual(lines.last, "  … and 4 more (3 errors and 1 warning). Run with --verbose to see them all.")
        XCTAssertFalse(lines.contains { $0.contains("unused") }, "the warning comes after the errors, so it is cut first")

        let all = CompilerDiagnostics.render(errors + [warning], indent: "", lineBudget: 400)
        XCTAssertEqual(all.count, 28)
        XCTAssertEqual(all.last, "Adam.swift:1:1: warning: unused")

        let one = CompilerDiagnostics.render(Array(errors.prefix(2)), indent: "", lineBudget: 1)
        XCTAssertEqual(one.count, 4, "the first diagnostic is always shown whole")
        XCTAssertEqual(one.last, "… and 1 more (1 error).")
    }
}
