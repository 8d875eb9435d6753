import ArgumentParser
import Foundation
import Grading
import GradingCore

/// `grader check`: the student's loop. Grades the working copy's Exercises/ through the same pipeline as batch.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade your working copy's Exercises/ (visible tests) and explain every failure.")

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

    @Flag(help: "Show passing tests' details too.")
    var verbose = false

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
        let report = grader.grade(submission: setup.environment.exercisesURL, name: "working-copy", options: options)
        let renderer = TerminalRenderer(useColor: Terminal.useColor(isTerminal: Terminal.stdoutIsTerminal), verbose: verbose,
                                        revealHidden: hidden)
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
        let allPassed = report.exercises.allSatisfy { $0.status == .passed }
        if !allPassed { throw ExitCode(1) }
    }
}
