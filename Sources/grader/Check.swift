import ArgumentParser
import Foundation
import Grading
import GradingCore

/// `grader check`: the student's loop. Grades the working copy's Exercises/ through the same pipeline as batch.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade your working copy's Exercises/ (visible tests) and explain every failure.",
        discussion: """
            With --watch, check grades, then grades again each time a .swift file in Exercises/ is saved, and says \
            which tests now pass and which now fail. On a terminal the screen is cleared before each run (not with \
            --no-clear, TERM=dumb, or when the output goes to a pipe or file, where runs follow one another). \
            Ctrl-C stops it; nothing it started is left running.
            """)

    @Argument(help: "Exercise ids to check (\(ExerciseCatalog.all.map(\.id).joined(separator: ", "))), whichever assignment holds them; all of the assignment's when omitted.")
    var exercises: [String] = []

    @OptionGroup var assignmentOption: AssignmentOption

    @OptionGroup var seedOption: SeedOption

    @Option(help: "Also write the report as JSON to this path.")
    var json: String?

    @Option(help: "Also write the report as a self-contained HTML page, with pictures of what your code does, to this path.")
    var html: String?

    @Flag(help: "Run the hidden tests too (for instructors; students do not have them).")
    var hidden = false

    @Flag(help: "Show passing tests' details too, and every compiler diagnostic.")
    var verbose = false

    @Flag(help: "Grade again whenever a .swift file in Exercises/ is saved, saying which tests now pass or fail (Ctrl-C stops).")
    var watch = false

    @Flag(help: "With --watch, keep earlier runs on the screen instead of clearing it.")
    var noClear = false

    func validate() throws {
        if noClear && !watch { throw ValidationError("--no-clear only applies with --watch.") }
    }

    func run() throws {
        let setup: GraderSetup
        do { setup = try GraderSetup.prepare(policy: .preferForOwnCode) } catch {
            Terminal.error("grader check could not start: \(error)")
            throw ExitCode(2)
        }
        if let problem = setup.seedProblem(seedOption.seed) {
            Terminal.error(problem)
            throw ExitCode(2)
        }
        let options = SubmissionGrader.Options(seed: seedOption.seed, includeHidden: hidden,
                                               exercises: exercises.isEmpty ? nil : exercises, assignment: assignmentOption.name,
                                               figures: html != nil)
        // An unknown assignment or exercise id: say which ones there are.
        do { _ = try setup.manifest.plan(assignment: options.assignment, exercises: options.exercises) } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        if let notice = setup.sandboxNotice { Terminal.error(notice) }
        let grader = try setup.makeGrader()
        // Ctrl-C or SIGTERM while grading: end the sandboxes and remove the work folders before leaving.
        Interruption.install { grader.removeWorkFolders() }
        let renderer = TerminalRenderer(useColor: Terminal.useColor(isTerminal: Terminal.stdoutIsTerminal), verbose: verbose,
                                        revealHidden: hidden)

        func gradeAndShow() throws -> SubmissionReport {
            let report = grader.grade(submission: setup.environment.exercisesURL, name: "working-copy", options: options)
            print(renderer.render(report), terminator: "")
            if let json {
                do { try ReportIO.write(report, to: URL(fileURLWithPath: json)) } catch {
                    Terminal.error("The report could not be written to \(json): \(error)")
                    throw ExitCode(2)
                }
            }
            if let html {
                do { try ReportIO.writeAtomically(Data(HTMLReport.studentPage(report).utf8), to: URL(fileURLWithPath: html)) } catch {
                    Terminal.error("The HTML report could not be written to \(html): \(error)")
                    throw ExitCode(2)
                }
                print("HTML report: \(html)")
            }
            return report
        }

        guard watch else {
            let report = try gradeAndShow()
            let allPassed = report.exercises.allSatisfy { $0.status == .passed }
            if !allPassed { throw ExitCode(1) }
            return
        }
        let watcher = ExerciseWatcher(folder: setup.environment.exercisesURL)
        let clears = !noClear && Terminal.stdoutIsTerminal && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        var previous: SubmissionReport?
        var changed: [String] = []
        while true {
            // Taken before grading, so a save during a run starts the next one at once.
            let snapshot = watcher.snapshot()
            if previous != nil {
                if clears { print("\u{1B}[H\u{1B}[2J\u{1B}[3J", terminator: "") } else { print("") }
                print("\(changed.joined(separator: ", ")) changed; graded again.\n")
            }
            let report = try gradeAndShow()
            if let previous {
                print("")
                renderer.render(ReportChanges(from: previous, to: report)).forEach { print($0) }
            }
            print("\nWatching Exercises/ for changes; press Ctrl-C to stop.")
            fflush(nil)
            previous = report
            changed = watcher.waitForChange(since: snapshot)
        }
    }
}
