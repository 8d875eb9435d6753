import ArgumentParser
import Foundation
import Grading
import GradingCore
import TensorKit

/// `grader batch`: the instructor's run over a whole class of untrusted submissions.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade every submission (subfolder or .zip) in a folder, sandboxed, with all tests.")

    @Argument(help: "The folder of submissions: one subfolder or .zip file per student.")
    var submissions: String

    @Option(help: "The folder for reports: OUT/<submission>/report.json and results.json, and OUT/grades.csv.")
    var out: String

    /// Nil means one job per processor core; written this way so `--help` states the default once, in words,
    /// rather than also printing this machine's core count.
    @Option(help: "Submissions graded at once (default: the number of processor cores).")
    var jobs: Int?

    private var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    @OptionGroup var assignmentOption: AssignmentOption

    @OptionGroup var seedOption: SeedOption

    @Flag(help: "Grade even when bubblewrap cannot isolate student code (resource limits only). Accepts the risk of running untrusted code unsandboxed.")
    var allowUnsandboxed = false

    @Flag(help: "Run only the visible tests.")
    var visibleOnly = false

    @OptionGroup var secretOption: HiddenSecretOption

    func validate() throws {
        if let jobs, !(1...64).contains(jobs) { throw ValidationError("--jobs must be between 1 and 64; got \(jobs).") }
        try secretOption.requireSecretForPerStudentInputs()
    }

    func run() throws {
        let setup: GraderSetup
        do { setup = try GraderSetup.prepare(policy: allowUnsandboxed ? .preferAllowingFallback : .require) } catch {
            Terminal.error("grader batch refuses to run: \(error)")
            throw ExitCode(2)
        }
        let plan: GradingPlan
        do { plan = try setup.manifest.plan(assignment: assignmentOption.name) } catch {
            Terminal.error("grader batch cannot run: \(error)")
            throw ExitCode(2)
        }
        if let notice = setup.sandboxNotice { Terminal.error(notice) }
        Terminal.error(setup.memoryLimitNotice)
        let started = Date()
        let onTerminal = Terminal.stderrIsTerminal
        let progress: @Sendable (Int, Int, String) -> Void = { done, total, name in
            let elapsed = Date().timeIntervalSince(started)
            let rate = Double(done) / Swift.max(elapsed, 0.001) * 60
            let left = rate > 0 ? Double(total - done) / rate * 60 : 0
            if onTerminal {
                let width = 30
                let filled = Int(Double(width) * Double(done) / Double(Swift.max(total, 1)))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                Terminal.errorInline("\r\(bar) \(done)/\(total)  \(Int(rate.rounded())) per minute  about \(Int(left.rounded())) s left ")
                if done == total { Terminal.error("") }
            } else {
                Terminal.error("graded \(done) of \(total): \(name) (\(Int(rate.rounded())) per minute)")
            }
        }
        var options = BatchRunner.Options(submissions: URL(fileURLWithPath: submissions), out: URL(fileURLWithPath: out),
                                          jobs: jobCount, seed: seedOption.seed, includeHidden: !visibleOnly,
                                          assignment: plan.assignment)
        options.hiddenSecret = try secretOption.load()
        options.perStudentInputs = secretOption.perStudentInputs
        let runner = BatchRunner(grader: try setup.makeGrader(), options: options, progress: progress)
        let result: BatchRunner.Result
        do { result = try runner.run() } catch {
            Terminal.error("grader batch could not run: \(error)")
            throw ExitCode(2)
        }
        if result.manifestChanged {
            Terminal.error("The manifest changed since the reports in \(out) were written, so every submission was graded again.")
        }
        let summary = ClassSummary(reports: result.reports, exerciseIDs: plan.exercises.map(\.id))
        print(summary.render(useColor: Terminal.useColor(isTerminal: Terminal.stdoutIsTerminal)), terminator: "")
        let rate = Double(result.graded) / Swift.max(result.seconds, 0.001) * 60
        print("Graded \(DisplayFormat.count(result.graded, "submission")) in \(DisplayFormat.seconds(result.seconds)) s (\(Int(rate.rounded())) per minute, \(DisplayFormat.count(jobCount, "job")))" +
              (result.resumed > 0 ? "; \(result.resumed) finished earlier were kept." : ".") +
              " Reports are in \(out); grades in \(out)/grades.csv.")
    }
}

extension Terminal {
    static func errorInline(_ message: String) {
        FileHandle.standardError.write(Data(message.utf8))
    }
}
