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

    @Option(help: ArgumentHelp("Grade only shard I of N (1 ≤ I ≤ N) of the class; shards share OUT and `grader merge OUT` makes the gradebook.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Grade one of N shards, its index taken from the scheduler: JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID counted from SLURM_ARRAY_TASK_MIN (Slurm job array).", valueName: "N"))
    var shards: Int?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Regrade only these submissions (folder names in OUT), whatever their reports say; the gradebook is rebuilt from every report in OUT.", valueName: "student"))
    var only: [String] = []

    @Option(name: .customLong("exercise"), help: ArgumentHelp("Regrade only this exercise (repeatable) and keep the rest of each report; the report records the regrade and why.", valueName: "id"))
    var exercises: [String] = []

    @Option(help: "With --only or --exercise: the reason for the regrade, recorded in each regraded report.")
    var reason: String?

    @Flag(help: "Also record pictures of each student's code in the reports and write OUT/report.html (see `grader report`).")
    var html = false

    @OptionGroup var secretOption: HiddenSecretOption

    func validate() throws {
        if let jobs, !(1...64).contains(jobs) { throw ValidationError("--jobs must be between 1 and 64; got \(jobs).") }
        if (shard != nil || shards != nil) && (!only.isEmpty || !exercises.isEmpty) {
            throw ValidationError("A regrade (--only, --exercise) names its students or exercises, so it takes no --shard or --shards.")
        }
        if reason != nil && only.isEmpty && exercises.isEmpty {
            throw ValidationError("--reason goes with a regrade (--only or --exercise).")
        }
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
        let selectedShard: Shard?
        do { selectedShard = try Shard.resolve(shard: shard, shards: shards, environment: ProcessInfo.processInfo.environment) } catch {
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
                                          assignment: plan.assignment, shard: selectedShard,
                                          only: only.isEmpty ? nil : only, regradeExercises: exercises.isEmpty ? nil : exercises,
                                          regradeNote: reason)
        options.figures = html
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
        let rate = Double(result.graded) / Swift.max(result.seconds, 0.001) * 60
        let graded = "Graded \(DisplayFormat.count(result.graded, "submission")) in \(DisplayFormat.seconds(result.seconds)) s (\(Int(rate.rounded())) per minute, \(DisplayFormat.count(jobCount, "job")))"
            + (result.resumed > 0 ? "; \(result.resumed) finished earlier were kept." : ".")
        if let record = result.shardRecord {
            print("Shard \(record.shard) of \(record.shards): \(DisplayFormat.count(record.students.count, "student")) of \(record.submissionCount). \(graded) Reports are in \(out); \(out)/shards/\(record.shard)-of-\(record.shards).json records the shard. When every shard is done, run grader merge \(out)" + (html ? ", then grader report \(out) for the HTML report." : "."))
            return
        }
        if only.isEmpty && exercises.isEmpty {
            let summary = ClassSummary(reports: result.reports, exerciseIDs: plan.exercises.map(\.id))
            print(summary.render(useColor: Terminal.useColor(isTerminal: Terminal.stdoutIsTerminal)), terminator: "")
            print(graded + " Reports are in \(out); grades in \(out)/grades.csv.")
            if html {
                try writeHTML { try ReportFolder.writeHTML(reports: result.reports, exerciseIDs: plan.exercises.map(\.id), to: URL(fileURLWithPath: out)) }
            }
            return
        }
        // A regrade changed some reports: the gradebook is rebuilt from every report in OUT, as `grader merge` does.
        print(graded)
        for report in result.reports {
            print("\(report.submission): \(DisplayFormat.points(report.score)) / \(DisplayFormat.points(report.maxScore)) points"
                  + (report.regraded.map { " (regraded \($0.exercises.joined(separator: ", ")): \($0.reason))" } ?? " (graded for the first time)"))
        }
        let status = try Merge.rebuild(outs: [URL(fileURLWithPath: out)], into: URL(fileURLWithPath: out), submissions: nil)
        if html {
            // The class page covers every report in OUT, not only the regraded ones.
            try writeHTML { try ReportFolder.read(URL(fileURLWithPath: out)).writeHTML(to: URL(fileURLWithPath: out)) }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Writes the HTML report with `write` and prints where it is; a failure stops the batch with exit status 2.
    private func writeHTML(_ write: () throws -> URL) throws {
        do {
            let url = try write()
            print("HTML report: \(url.path)")
        } catch {
            Terminal.error("The HTML report could not be written: \(error)")
            throw ExitCode(2)
        }
    }
}

extension Terminal {
    static func errorInline(_ message: String) {
        FileHandle.standardError.write(Data(message.utf8))
    }
}
