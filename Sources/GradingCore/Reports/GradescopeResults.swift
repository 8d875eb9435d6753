import Foundation
import TensorKit

/// A submission's grade in Gradescope's `results.json` format, written to /autograder/results/results.json.
///
/// One Gradescope test per grader test, named "exercise / test" and numbered "exercise.test" (1-based). An
/// exercise that produced no tests (a missing file, say) still gets one entry worth its points, so the points
/// Gradescope shows add up to the maximum. Visible tests carry the full explanation in Markdown. Hidden tests are
/// published only with the grades (`after_published`) and say no more than their verdict and points: no input, no
/// expected or returned values, no misconception (which would hint at the input) and not the student's printed
/// output (their code could print the hidden input).
public struct GradescopeResults: Codable, Sendable, Equatable {
    public var score: Double
    public var executionTime: Double
    public var output: String
    public var outputFormat: String
    public var visibility: String
    public var stdoutVisibility: String
    public var tests: [Test]
    /// Gradescope keeps this for the staff and does not show it to students (`grader gradescope run` records the
    /// isolation used, the student id, the submission time and the hidden seed's derivation id here).
    public var extraData: [String: String]?

    public struct Test: Codable, Sendable, Equatable {
        public var score: Double
        public var maxScore: Double
        /// "passed" or "failed" (Gradescope counts a 0/0 test as passed unless told).
        public var status: String
        public var name: String
        public var number: String
        public var output: String
        public var outputFormat: String
        public var tags: [String]
        public var visibility: String

        enum CodingKeys: String, CodingKey {
            case score, status, name, number, output, tags, visibility
            case maxScore = "max_score"
            case outputFormat = "output_format"
        }
    }

    enum CodingKeys: String, CodingKey {
        case score, output, visibility, tests
        case executionTime = "execution_time"
        case outputFormat = "output_format"
        case stdoutVisibility = "stdout_visibility"
        case extraData = "extra_data"
    }

    public init(report: SubmissionReport) {
        score = report.score
        executionTime = (report.timings.totalSeconds * 1000).rounded() / 1000
        outputFormat = "md"
        visibility = "visible"
        stdoutVisibility = "hidden"
        var tests: [Test] = []
        for (exerciseOffset, exercise) in report.exercises.enumerated() {
            let exerciseNumber = exerciseOffset + 1
            if exercise.tests.isEmpty {
                tests.append(Test(
                    score: exercise.score, maxScore: exercise.maxScore,
                    status: exercise.status == .passed ? "passed" : "failed",
                    name: exercise.id, number: "\(exerciseNumber)",
                    output: Self.exerciseExplanation(exercise), outputFormat: "md",
                    tags: [exercise.id], visibility: "visible"))
                continue
            }
            for (testOffset, test) in exercise.tests.enumerated() {
                let hidden = test.visibility == .hidden
                tests.append(Test(
                    score: test.score, maxScore: test.maxScore,
                    status: test.status == .passed ? "passed" : "failed",
                    name: "\(exercise.id) / \(test.name)", number: "\(exerciseNumber).\(testOffset + 1)",
                    output: hidden ? Self.hiddenOutput(test, exercise: exercise)
                        : Self.visibleOutput(test, exercise: exercise),
                    outputFormat: "md", tags: [exercise.id],
                    visibility: hidden ? "after_published" : "visible"))
            }
        }
        self.tests = tests
        output = Self.overview(report)
    }

    // MARK: - Text

    /// The top-level output: the assignment, notices, one line per exercise, the summary.
    static func overview(_ report: SubmissionReport) -> String {
        var lines = ["**Assignment:** \(Markdown.escaped(report.assignment))", "",
                     "**Isolation:** \(Markdown.escaped(isolation(report.sandbox)))", ""]
        for notice in report.notices { lines.append("**Note:** \(Markdown.escaped(notice))") }
        if !report.notices.isEmpty { lines.append("") }
        for exercise in report.exercises {
            lines.append("- **\(exercise.id)**: \(DisplayFormat.points(exercise.score)) / "
                + "\(DisplayFormat.points(exercise.maxScore)) points, \(ScoreFormatting.words(exercise.status)).")
        }
        let passed = report.exercises.filter { $0.status == .passed }.count
        lines.append("")
        lines.append("\(passed) of \(report.exercises.count) exercises passed, "
            + "\(DisplayFormat.points(report.score)) / \(DisplayFormat.points(report.maxScore)) points "
            + "(seed \(report.seed)).")
        return lines.joined(separator: "\n")
    }

    /// How the student's code was isolated, in a sentence: never left for the reader to assume.
    public static func isolation(_ sandbox: String) -> String {
        switch sandbox {
        case Sandbox.Kind.bubblewrap.rawValue:
            return "Your code ran in a bubblewrap sandbox (no network, none of the grader's files, resource limits)."
        case Sandbox.Kind.rlimitsOnly.rawValue:
            return "Your code ran as an unprivileged user with resource limits, without a bubblewrap sandbox (bubblewrap could not be used on this machine)."
        default:
            return "Your code ran with isolation '\(sandbox)'."
        }
    }

    /// Why an exercise could not be tested at all: its message and compiler diagnostics. Never mentions a test
    /// input, so it is shown whatever the tests' visibility.
    static func exerciseExplanation(_ exercise: ExerciseReport) -> String {
        var parts: [String] = []
        if !exercise.message.isEmpty { parts.append(Markdown.escaped(exercise.message)) }
        if !exercise.diagnostics.isEmpty {
            // With source lines and carets, as in `grader check`; a page has room for more than a terminal.
            let text = CompilerDiagnostics.render(exercise.diagnostics, indent: "", lineBudget: 3 * CompilerDiagnostics.lineBudget)
                .joined(separator: "\n")
            parts.append(Markdown.codeBlock(text))
        }
        return parts.joined(separator: "\n\n")
    }

    static func hiddenOutput(_ test: TestReport, exercise: ExerciseReport) -> String {
        var text = verdict(test) + "\(DisplayFormat.points(test.score)) / \(DisplayFormat.points(test.maxScore)) points. "
            + "This is a hidden test; its input and expected values are not shown."
        if test.status == .skipped, !exercise.message.isEmpty || !exercise.diagnostics.isEmpty {
            text += "\n\n" + exerciseExplanation(exercise)
        }
        return text
    }

    /// "**Passed:** ", "**Failed:** ", "**Failed (timed out):** ".
    static func verdict(_ test: TestReport) -> String {
        switch test.status {
        case .passed: return "**Passed:** "
        case .failed: return "**Failed:** "
        default: return "**Failed (\(ScoreFormatting.words(test.status))):** "
        }
    }

    static func visibleOutput(_ test: TestReport, exercise: ExerciseReport) -> String {
        var parts = [verdict(test) + "\(DisplayFormat.points(test.score)) / \(DisplayFormat.points(test.maxScore)) points."]
        if test.status == .skipped {
            parts.append(exerciseExplanation(exercise))
            return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
        }
        if !test.input.isEmpty { parts.append("**Input:** " + Markdown.escaped(test.input)) }
        if !test.message.isEmpty { parts.append(Markdown.escaped(test.message)) }
        if let worst = test.worst {
            parts.append(Markdown.escaped(TerminalRenderer.describe(worst, tolerance: test.tolerance)))
        }
        let checks = test.checks.filter { !$0.passed || test.status != .passed }
        if !checks.isEmpty {
            parts.append(checks.map { "- " + Markdown.escaped(TerminalRenderer.describe($0)) }.joined(separator: "\n"))
        }
        if let misconception = test.misconception {
            parts.append("**Likely misconception (\(Markdown.escaped(misconception.id))):** "
                + Markdown.escaped(misconception.summary) + " **Fix:** " + Markdown.escaped(misconception.fix))
        }
        let output = test.studentOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        if !output.isEmpty {
            let shown = ScoreFormatting.truncated(output, maxLines: 50, maxCharacters: 4_000)
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map { TerminalRenderer.sanitized(String($0)) }.joined(separator: "\n")
            parts.append("Your code printed:\n\n" + Markdown.codeBlock(shown))
        }
        return parts.joined(separator: "\n\n")
    }
}

/// Just enough Markdown for text the grader does not control (messages quoting names, student output).
enum Markdown {
    /// Backslash-escapes the characters that would start emphasis, code or HTML. Brackets stay as they are:
    /// shapes and indices (`[4, 7]`) are everywhere in messages and cannot form a link without "](".
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\`*_<>".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// A fenced block whose fence is longer than any run of backticks inside, so the content cannot close it.
    static func codeBlock(_ text: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)text\n\(text)\n\(fence)"
    }
}
