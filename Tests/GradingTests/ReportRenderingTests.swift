import XCTest
@testable import Grading
@testable import GradingCore

final class ReportRenderingTests: XCTestCase {
    private let escape = "\u{1B}["

    func testFailureExplainsInputWorstElementMisconceptionAndOutput() {
        let text = TerminalRenderer(useColor: false).render(ReportFixtures.full())
        XCTAssertTrue(text.contains("~ PARTIAL  softmax  2.5 / 5 points  (partly passed)"), text)
        XCTAssertTrue(text.contains("✗ huge-logits  0 / 2  failed"), text)
        XCTAssertTrue(text.contains("Input: logits of shape [4, 7] around ±1000."), text)
        XCTAssertTrue(text.contains("Worst element: probabilities[2, 5]: expected 0.25, got nan (absolute error nan, "
            + "relative error inf); 3 of 28 elements are outside the tolerance |got − expected| ≤ 1e-10 + 1e-08·|expected|."), text)
        XCTAssertTrue(text.contains("Likely misconception (no-max-shift):"), text)
        XCTAssertTrue(text.contains("Fix: Subtract the row maximum"), text)
        XCTAssertTrue(text.contains("Your code printed:"), text)
        XCTAssertTrue(text.contains("│ debug: row max = 1000.0"), text)
        XCTAssertTrue(text.contains("Check failed: fraction of units kept = 0.9 (expected 0.1, accepted range [0.09, 0.11], α = 0.001)."), text)
        XCTAssertTrue(text.contains("Adam.swift:12:5: error: cannot find 'beta' in scope"), text)
        XCTAssertTrue(text.contains("? MISSING  conv2d  0 / 4 points  (file missing)"), text)
        XCTAssertTrue(text.contains("Note: The file notes.txt was ignored"), text)
        XCTAssertTrue(text.hasSuffix("1 of 5 exercises passed, 5.5 / 20 points (seed 42).\n"
            + "Look first at softmax, test huge-logits: it failed; the likely misconception is no-max-shift.\n"), text)
    }

    /// The last line points at the first exercise in the assignment's order that did not pass, and within it at
    /// the first error or the first test that did not pass.
    func testWhereToLookFirstFollowsTheAssignmentOrder() {
        var report = ReportFixtures.full()
        XCTAssertEqual(WhereToLookFirst.sentence(report),
                       "Look first at softmax, test huge-logits: it failed; the likely misconception is no-max-shift.")
        report.exercises.removeFirst(2)
        XCTAssertEqual(WhereToLookFirst.sentence(report),
                       "Look first at dropout, test keep-fraction: it failed; the likely misconception is p-as-keep-probability.")
        report.exercises.removeFirst()
        XCTAssertEqual(WhereToLookFirst.sentence(report),
                       "Look first at adam: Adam.swift does not compile, line 12: cannot find 'beta' in scope.")
        report.exercises.removeFirst()
        XCTAssertEqual(WhereToLookFirst.sentence(report), "Look first at conv2d: The submission has no Conv2D.swift.")

        var todo = ReportFixtures.full()
        todo.exercises[0].status = .notImplemented
        XCTAssertEqual(WhereToLookFirst.sentence(todo),
                       "Look first at softmax: it is not implemented yet (the code still calls notImplemented()).")
        let passing = SubmissionReport(submission: "bob", assignment: "training-basics", seed: 1,
                                       exercises: [ReportFixtures.passingHeInit], includesHidden: false,
                                       graderVersion: "1.0.0", toolchain: "Swift", sandbox: "bubblewrap",
                                       timings: Timings(), notices: [])
        XCTAssertEqual(WhereToLookFirst.sentence(passing), "Every test passed, so there is nothing to fix.")
        XCTAssertTrue(TerminalRenderer(useColor: false).render(passing).hasSuffix("Every test passed, so there is nothing to fix.\n"))
    }

    func testPassingTestsStayShortUnlessVerbose() {
        let quiet = TerminalRenderer(useColor: false).render(ReportFixtures.full())
        XCTAssertTrue(quiet.contains("✓ small-rows  2 / 2\n"), quiet)
        XCTAssertFalse(quiet.contains("All 12 probabilities match."), quiet)
        XCTAssertFalse(quiet.contains("Check passed: variance"), quiet)
        let verbose = TerminalRenderer(useColor: false, verbose: true).render(ReportFixtures.full())
        XCTAssertTrue(verbose.contains("All 12 probabilities match."), verbose)
        XCTAssertTrue(verbose.contains("Check passed: variance"), verbose)
    }

    func testHiddenTestsShowOnlyTheirVerdict() {
        let text = TerminalRenderer(useColor: false).render(ReportFixtures.full())
        XCTAssertTrue(text.contains("✗ secret-shapes [hidden]  0.5 / 1  failed"), text)
        XCTAssertTrue(text.contains("hidden test: its input and expected values are not shown"), text)
        XCTAssertFalse(text.contains("SECRET"), text)
        let revealed = TerminalRenderer(useColor: false, revealHidden: true).render(ReportFixtures.full())
        XCTAssertTrue(revealed.contains("SECRET-INPUT"), revealed)
    }

    func testNoEscapeCodesWithoutColourEvenFromStudentOutput() {
        let plain = TerminalRenderer(useColor: false, verbose: true).render(ReportFixtures.full())
        XCTAssertFalse(plain.contains("\u{1B}"), "the student's own escape codes are stripped too")
        XCTAssertTrue(plain.contains("│ [31mred text[0m"), plain)
        let coloured = TerminalRenderer(useColor: true).render(ReportFixtures.full())
        XCTAssertTrue(coloured.contains(escape + "32m✓" + escape + "0m small-rows"), coloured)
        XCTAssertTrue(coloured.contains(escape + "1;31m✗ FAIL" + escape + "0m"), coloured)
    }

    func testColourPolicyHonoursNoColorAndDumbTerminals() {
        XCTAssertTrue(TerminalRenderer.shouldUseColor(environment: ["TERM": "xterm-256color"], isTerminal: true))
        XCTAssertFalse(TerminalRenderer.shouldUseColor(environment: ["TERM": "xterm"], isTerminal: false))
        XCTAssertFalse(TerminalRenderer.shouldUseColor(environment: ["NO_COLOR": "1", "TERM": "xterm"], isTerminal: true))
        XCTAssertFalse(TerminalRenderer.shouldUseColor(environment: ["NO_COLOR": "false"], isTerminal: true))
        XCTAssertTrue(TerminalRenderer.shouldUseColor(environment: ["NO_COLOR": ""], isTerminal: true),
                      "an empty NO_COLOR does not count (no-color.org)")
        XCTAssertFalse(TerminalRenderer.shouldUseColor(environment: ["TERM": "dumb"], isTerminal: true))
    }

    func testLongStudentOutputIsTruncatedWithACount() {
        var report = ReportFixtures.full()
        report.exercises[0].tests[1].studentOutput = (1...100).map { "line \($0)" }.joined(separator: "\n")
        let text = TerminalRenderer(useColor: false).render(report)
        XCTAssertTrue(text.contains("│ line 20\n"), text)
        XCTAssertFalse(text.contains("│ line 21\n"), text)
        XCTAssertTrue(text.contains("… (80 more lines not shown)"), text)
    }

    func testSummarySentenceForOneExercise() {
        let report = ReportFixtures.simple("solo", [("softmax", 17.5, 20, .partial)])
        XCTAssertEqual(TerminalRenderer(useColor: false).summary(report), "0 of 1 exercise passed, 17.5 / 20 points (seed 7).")
    }

    // MARK: - Class summary

    func testClassSummaryStatisticsAndMisconceptions() {
        let ids = ["softmax", "dropout"]
        let reports = [
            ReportFixtures.simple("a", [("softmax", 5, 5, .passed), ("dropout", 0, 4, .failed)],
                                  misconceptions: ["dropout": ["p-as-keep-probability", "p-as-keep-probability"]]),
            ReportFixtures.simple("b", [("softmax", 2, 5, .partial), ("dropout", 0, 4, .failed)],
                                  misconceptions: ["softmax": ["no-max-shift"], "dropout": ["p-as-keep-probability"]]),
            ReportFixtures.simple("c", [("softmax", 4, 5, .partial)]),
        ]
        let summary = ClassSummary(reports: reports, exerciseIDs: ids)
        XCTAssertEqual(summary.submissionCount, 3)
        XCTAssertEqual(summary.meanTotal, (5 + 2 + 4) / 3, accuracy: 1e-12)
        XCTAssertEqual(summary.exercises[0].mean, 11.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(summary.exercises[0].median, 4)
        XCTAssertEqual(summary.exercises[0].statusCounts, [.passed: 1, .partial: 2])
        XCTAssertEqual(summary.exercises[1].statusCounts, [.failed: 2, .missing: 1], "an absent exercise counts as missing")
        XCTAssertEqual(summary.exercises[1].median, 0)
        XCTAssertEqual(summary.misconceptions.map { "\($0.exercise)/\($0.id)=\($0.count)" },
                       ["dropout/p-as-keep-probability=2", "softmax/no-max-shift=1"],
                       "counted once per submission, most frequent first")
        let text = summary.render(useColor: false)
        XCTAssertTrue(text.contains("Class summary: 3 submissions, mean total 3.67 / 9 points."), text)
        XCTAssertTrue(text.contains("2 × dropout / p-as-keep-probability: Summary of p-as-keep-probability."), text)
        XCTAssertTrue(text.contains("softmax   3.67       4    5"), text)
        XCTAssertFalse(text.contains("compile-error"), "all-zero status columns are dropped")
        XCTAssertFalse(text.contains("\u{1B}"))
        XCTAssertTrue(summary.render(useColor: true).contains("\u{1B}[1m"))
    }

    func testMedianOfEvenAndEmptyLists() {
        XCTAssertEqual(ClassSummary.median([4, 1, 3, 2]), 2.5)
        XCTAssertEqual(ClassSummary.median([]), 0)
        XCTAssertEqual(ClassSummary(reports: [], exerciseIDs: ["softmax"]).render(useColor: false)
            .contains("Class summary: 0 submissions, mean total 0 / 0 points."), true)
    }
}
