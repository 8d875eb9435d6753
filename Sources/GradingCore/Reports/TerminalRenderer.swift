import Foundation
import TensorKit

/// Renders a report for a student's terminal (`grader check`): one line per exercise, one per test, and for each
/// failure everything needed to fix it without rerunning anything — the input, expected against got at the worst
/// element with its errors and the tolerance, failed statistical checks, the recognised misconception with its
/// fix, what the code printed, and compiler diagnostics.
///
/// Hidden tests (present when `check --hidden` ran them) show only their verdict and points unless
/// `revealHidden` is set, so a report shown to a student never leaks a hidden input or expected value.
public struct TerminalRenderer: Sendable {
    public var useColor: Bool
    /// Also explains passing tests and shows more of the student's output and diagnostics.
    public var verbose: Bool
    public var revealHidden: Bool

    public init(useColor: Bool, verbose: Bool = false, revealHidden: Bool = false) {
        self.useColor = useColor
        self.verbose = verbose
        self.revealHidden = revealHidden
    }

    /// Colour only for a real terminal that can show it: `NO_COLOR` set to anything non-empty turns it off
    /// (no-color.org), as does `TERM=dumb` or output that is not a terminal (a pipe, a file, CI logs).
    public static func shouldUseColor(environment: [String: String], isTerminal: Bool) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTerminal
    }

    public func render(_ report: SubmissionReport) -> String {
        var lines = [header(report), ""]
        for notice in report.notices {
            lines.append(paint("Note: ", .yellow) + notice)
        }
        if !report.notices.isEmpty { lines.append("") }
        for exercise in report.exercises {
            lines += renderExercise(exercise)
            lines.append("")
        }
        lines.append(summary(report))
        lines.append(paint(WhereToLookFirst.sentence(report), .bold))
        return lines.joined(separator: "\n") + "\n"
    }

    /// "Assignment training-basics: 5 exercises." — which assignment's tests and points follow.
    public func header(_ report: SubmissionReport) -> String {
        let count = report.exercises.count
        return paint("Assignment \(report.assignment): \(count) \(count == 1 ? "exercise" : "exercises").", .bold)
    }

    /// "3 of 5 exercises passed, 72.5 / 100 points (seed 42)."
    public func summary(_ report: SubmissionReport) -> String {
        let passed = report.exercises.filter { $0.status == .passed }.count
        let total = report.exercises.count
        let noun = total == 1 ? "exercise" : "exercises"
        let sentence = "\(passed) of \(total) \(noun) passed, \(DisplayFormat.points(report.score)) / "
            + "\(DisplayFormat.points(report.maxScore)) points (seed \(report.seed))."
        return paint(sentence, .bold)
    }

    // MARK: - Exercises

    private func renderExercise(_ exercise: ExerciseReport) -> [String] {
        let (glyph, word, color) = Self.verdict(exercise.status)
        let points = "\(DisplayFormat.points(exercise.score)) / \(DisplayFormat.points(exercise.maxScore)) points"
        var lines = [paint("\(glyph) \(word)", color, bold: true) + "  " + paint(exercise.id, .bold)
            + "  \(points)  (\(ScoreFormatting.words(exercise.status)))"]
        let showsMessage = exercise.status != .passed || verbose
        if showsMessage && !exercise.message.isEmpty {
            lines += wrapIndented(exercise.message, indent: "    ")
        }
        if !exercise.diagnostics.isEmpty {
            lines += CompilerDiagnostics.render(
                exercise.diagnostics, indent: "    ",
                lineBudget: verbose ? CompilerDiagnostics.verboseLineBudget : CompilerDiagnostics.lineBudget,
                moreHint: verbose ? nil : "Run with --verbose to see them all.",
                paint: { text, code in paint(text, Color(rawValue: code) ?? .dim) })
        }
        let runnable = exercise.tests.contains { $0.status != .skipped }
        for test in exercise.tests where runnable || verbose {
            lines += renderTest(test, exercise: exercise.id)
        }
        if !runnable && !exercise.tests.isEmpty && !verbose {
            lines.append("    " + paint("\(DisplayFormat.count(exercise.tests.count, "test")) not run.", .dim))
        }
        return lines
    }

    // MARK: - Tests

    private func renderTest(_ test: TestReport, exercise: String) -> [String] {
        let passed = test.status == .passed
        let glyph = passed ? "✓" : (test.status == .skipped ? "-" : "✗")
        let color: Color = passed ? .green : (test.status == .skipped ? .dim : .red)
        let hiddenNote = test.visibility == .hidden ? " [hidden]" : ""
        var lines = ["  " + paint(glyph, color) + " \(test.name)\(hiddenNote)  "
            + "\(DisplayFormat.points(test.score)) / \(DisplayFormat.points(test.maxScore))"
            + (passed ? "" : "  " + paint(ScoreFormatting.words(test.status), color))]
        if test.visibility == .hidden && !revealHidden {
            if !passed {
                lines.append("      " + paint("This is a hidden test: its input and expected values are not shown.", .dim))
            }
            return lines
        }
        guard !passed || verbose else { return lines }
        let indent = "      "
        if !test.input.isEmpty { lines += wrapIndented("Input: " + test.input, indent: indent) }
        if !test.message.isEmpty { lines += wrapIndented(test.message, indent: indent) }
        if let worst = test.worst {
            lines += wrapIndented(Self.describe(worst, tolerance: test.tolerance), indent: indent)
        } else if let tolerance = test.tolerance, verbose {
            lines.append(indent + "Tolerance: \(ScoreFormatting.rule(tolerance)).")
        }
        for check in test.checks where !check.passed || verbose {
            lines += wrapIndented(Self.describe(check), indent: indent)
        }
        if let misconception = test.misconception {
            lines.append(indent + paint("Likely misconception (\(misconception.id)):", .yellow, bold: true))
            lines += wrapIndented(misconception.summary, indent: indent + "  ")
            lines += wrapIndented("Fix: " + misconception.fix, indent: indent + "  ")
        }
        let output = test.studentOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        if !output.isEmpty {
            lines.append(indent + "Your code printed:")
            let shown = ScoreFormatting.truncated(output, maxLines: verbose ? 200 : 20,
                                                  maxCharacters: verbose ? 20_000 : 2_000)
            for line in shown.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(indent + paint("│ ", .dim) + Self.sanitized(String(line)))
            }
        }
        return lines
    }

    /// "Worst element: probabilities[2, 5]: expected 0.25, got nan (absolute error nan, relative error nan);
    /// 3 of 28 elements are outside the tolerance |got − expected| ≤ 1e-10 + 1e-08·|expected|."
    static func describe(_ worst: WorstElement, tolerance: Tolerance?) -> String {
        var text = "Worst element: \(worst.tensor)\(DisplayFormat.shape(worst.index)): "
            + "expected \(DisplayFormat.value(worst.expected)), got \(DisplayFormat.value(worst.got)) "
            + "(absolute error \(DisplayFormat.significant(worst.absoluteError)), "
            + "relative error \(DisplayFormat.significant(worst.relativeError))); "
            + "\(worst.mismatched) of \(DisplayFormat.count(worst.total, "element")) "
            + (worst.mismatched == 1 ? "is" : "are") + " outside the tolerance"
        if let tolerance { text += " \(ScoreFormatting.rule(tolerance))" }
        return text + "."
    }

    /// "Check failed: fraction of units kept = 0.1 (expected 0.9, accepted range [0.88, 0.92], α = 0.001)."
    static func describe(_ check: StatisticalCheck) -> String {
        "Check \(check.passed ? "passed" : "failed"): \(check.name) = \(DisplayFormat.significant(check.statistic)) "
            + "(expected \(DisplayFormat.significant(check.expected)), accepted range "
            + "[\(DisplayFormat.significant(check.lowerBound)), \(DisplayFormat.significant(check.upperBound))], "
            + "α = \(DisplayFormat.value(check.alpha)))."
    }

    static func verdict(_ status: ExerciseStatus) -> (glyph: String, word: String, color: Color) {
        switch status {
        case .passed: return ("✓", "PASS", .green)
        case .partial: return ("~", "PARTIAL", .yellow)
        case .failed: return ("✗", "FAIL", .red)
        case .notImplemented: return ("…", "TODO", .yellow)
        case .compileError: return ("✗", "ERROR", .red)
        case .crashed: return ("✗", "CRASH", .red)
        case .timedOut: return ("✗", "TIMEOUT", .red)
        case .missing: return ("?", "MISSING", .red)
        case .rejected: return ("✗", "REJECTED", .red)
        }
    }

    /// Drops escape and other control characters from the student's output, so what their code printed cannot
    /// move the cursor, recolour or rewrite the grader's own lines.
    static func sanitized(_ line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.filter { scalar in
            scalar == "\t" || !(scalar.properties.generalCategory == .control)
        }))
    }

    // MARK: - Layout and colour

    /// Prefixes each line of `text` with `indent` (no re-wrapping: terminals wrap, and numbers must stay whole).
    private func wrapIndented(_ text: String, indent: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + Self.sanitized(String($0)) }
    }

    enum Color: String {
        case red = "31", green = "32", yellow = "33", bold = "1", dim = "2"
    }

    func paint(_ text: String, _ color: Color, bold: Bool = false) -> String {
        guard useColor else { return text }
        let codes = bold && color != .bold ? "1;\(color.rawValue)" : color.rawValue
        return "\u{1B}[\(codes)m\(text)\u{1B}[0m"
    }
}
