import ArgumentParser
import Foundation
import GradCheck
import Grading
import GradingCore
import TensorKit

/// `grader gradcheck TYPE`: gradient-checks a student's own Layer from the working copy's Exercises/.
struct GradCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check a Layer type's backward against numerical gradients.",
        discussion: "Exit status: 0 when every analytic gradient (input and each parameter) agrees with centered differences, 1 when one does not, 2 when the check cannot run.")

    @Argument(help: "The name of a type in Exercises/ that conforms to Layer and has init().")
    var typeName: String

    @Option(help: "The input shape, comma-separated, e.g. 4,5.")
    var inputShape: String

    @Option(help: "Also write the result as JSON to this path.")
    var json: String?

    @OptionGroup var seedOption: SeedOption

    @Option(help: "Finite-difference step h (default 1e-6: balances truncation error ~h² against round-off ~1e-16/h in Float64).")
    var step: Double = GradCheckOptions().step

    @Option(help: "Absolute tolerance: |analytic − numerical| ≤ atol + rtol·|numerical|.")
    var atol: Double = GradCheckOptions().absoluteTolerance

    @Option(help: "Relative tolerance.")
    var rtol: Double = GradCheckOptions().relativeTolerance

    @Option(help: "full (every element), sparse (--count random elements per tensor) or fast (--count random directions).")
    var mode: String = "full"

    @Option(help: "Elements (sparse) or directions (fast) to check per tensor.")
    var count: Int = 16

    func validate() throws {
        guard ["full", "sparse", "fast"].contains(mode) else { throw ValidationError("--mode must be full, sparse or fast; got '\(mode)'.") }
        guard step > 0, step < 1 else { throw ValidationError("--step must be between 0 and 1; got \(step).") }
        guard atol >= 0, rtol >= 0 else { throw ValidationError("--atol and --rtol must not be negative.") }
        guard count >= 1 else { throw ValidationError("--count must be at least 1; got \(count).") }
        do { _ = try LayerGradcheck.parseShape(inputShape); try LayerGradcheck.validate(typeName: typeName) } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let setup: GraderSetup
        do { setup = try GraderSetup.prepare(policy: .preferForOwnCode) } catch {
            Terminal.error("grader gradcheck could not start: \(error)")
            throw ExitCode(2)
        }
        if let notice = setup.sandboxNotice { Terminal.error(notice) }
        let gradMode: GradCheckMode = mode == "full" ? .full : mode == "sparse" ? .sparse(count: count) : .fast(directions: count)
        let options = GradCheckOptions(step: step, absoluteTolerance: atol, relativeTolerance: rtol, mode: gradMode, seed: seedOption.seed)
        let request = LayerGradcheck.Request(typeName: typeName, inputShape: try LayerGradcheck.parseShape(inputShape), options: options)
        let outcome = LayerGradcheck.run(request, setup: setup)
        let color = Terminal.useColor(isTerminal: Terminal.stdoutIsTerminal)
        print(GradcheckRenderer(useColor: color).render(outcome, request: request))
        if let json {
            let result = GradcheckResultFile(outcome: outcome, request: request)
            do { try ReportIO.write(result, to: URL(fileURLWithPath: json)) } catch {
                Terminal.error("The result could not be written to \(json): \(error)")
            }
        }
        let status = LayerGradcheck.exitStatus(outcome)
        if status != 0 { throw ExitCode(status) }
    }
}

/// What `--json` writes.
struct GradcheckResultFile: Encodable {
    var type: String
    var inputShape: [Int]
    var status: String
    var exitStatus: Int32
    var message: String
    var report: GradCheckReport?
    /// Per tensor, what was compared and how close it came: what the terminal shows, in fields.
    var tensors: [TensorResult]
    var diagnostics: [Diagnostic]

    struct TensorResult: Encodable {
        var name: String
        var shape: [Int]
        /// "full", "sparse" or "fast".
        var mode: String
        var passed: Bool
        /// Elements compared one by one (in fast mode only after a direction disagreed).
        var elementsChecked: Int
        /// Fast mode: random directions compared, how many disagreed, the largest directional error and what
        /// that direction allowed.
        var directionsChecked: Int?
        var directionsFailed: Int?
        var largestDirectionalError: Double?
        var allowedDirectionalError: Double?
        /// The terminal's line for this tensor, after its name and shape.
        var summary: String

        init(_ check: TensorCheck) {
            name = check.name
            shape = check.shape
            passed = check.passed
            elementsChecked = check.checkedCount
            summary = check.summary
            switch check.mode {
            case .full: mode = "full"
            case .sparse: mode = "sparse"
            case .fast:
                mode = "fast"
                directionsChecked = check.directionsChecked
                directionsFailed = check.directionsFailed
                largestDirectionalError = check.worstDirection?.absoluteError
                allowedDirectionalError = check.worstDirection?.allowedError
            }
        }
    }

    init(outcome: LayerGradcheck.Outcome, request: LayerGradcheck.Request) {
        type = request.typeName
        inputShape = request.inputShape
        exitStatus = LayerGradcheck.exitStatus(outcome)
        status = exitStatus == 0 ? "passed" : exitStatus == 1 ? "failed" : "error"
        switch outcome {
        case let .checked(report):
            self.report = report; message = report.message; tensors = report.checks.map(TensorResult.init); diagnostics = []
        case let .couldNotRun(reason, diagnostics):
            self.report = nil; message = reason; tensors = []; self.diagnostics = diagnostics
        }
    }
}

struct GradcheckRenderer {
    var useColor: Bool
    func paint(_ text: String, _ code: String) -> String { useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func render(_ outcome: LayerGradcheck.Outcome, request: LayerGradcheck.Request) -> String {
        let shape = DisplayFormat.shape(request.inputShape)
        switch outcome {
        case let .couldNotRun(reason, diagnostics):
            var lines = [paint("✗ \(request.typeName) could not be checked.", "31;1"), "  " + reason]
            lines += CompilerDiagnostics.render(diagnostics, indent: "  ", lineBudget: CompilerDiagnostics.lineBudget, paint: paint)
            return lines.joined(separator: "\n")
        case let .checked(report):
            var lines: [String] = []
            lines.append(report.passed
                ? paint("✓ \(request.typeName): analytic gradients agree with numerical ones (input \(shape), seed \(request.options.seed)).", "32;1")
                : paint("✗ \(request.typeName): gradients disagree or could not be compared (input \(shape), seed \(request.options.seed)).", "31;1"))
            for check in report.checks {
                let mark = check.passed ? paint("✓", "32") : paint("✗", "31")
                let line = "  \(mark) \(check.name) \(DisplayFormat.shape(check.shape)): \(check.summary)"
                lines.append(line)
            }
            for problem in report.problems { lines.append("  " + paint("!", "33") + " \(problem)") }
            if !report.passed { lines.append("  " + report.message) }
            return lines.joined(separator: "\n")
        }
    }
}
