import ArgumentParser
import Foundation
import Grading
import GradingCore

extension GradebookExport.Format: ExpressibleByArgument {}

/// `grader export`: the gradebook as an LMS imports it.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the gradebook for Canvas' or Moodle's grade import, matched to a roster exported from the LMS.",
        discussion: """
            Roster students without a submission keep their row with an empty grade (0 with --missing-as-zero); \
            submissions on no roster row are listed. Either case is listed on standard error and gives exit status 1 \
            (the file is written all the same); 0 means every submission and every roster student matched.
            """)

    @Argument(help: "The reports folder (after grader batch, or grader merge).")
    var out: String

    @Option(help: "The roster, a CSV file exported from the LMS (Canvas: Grades → Export; Moodle: Grades → Export → Plain text file).")
    var roster: String

    @Option(help: "canvas, moodle or csv.")
    var format: GradebookExport.Format

    @Option(help: "The roster column holding the submission folder names (default: canvas 'SIS Login ID', moodle 'Email address', csv its first column).")
    var matchColumn: String?

    @Option(help: "The assignment's name in the LMS (default: the assignment id of the reports).")
    var assignmentName: String?

    @Option(name: .customLong("canvas-assignment-id"), help: "The Canvas id of an existing assignment to update (the column becomes 'Name (id)'); without it Canvas creates a new assignment.")
    var canvasAssignmentID: String?

    @Flag(help: "Add a column per exercise besides the total.")
    var perExercise = false

    @Flag(help: "Give roster students without a submission 0 points instead of an empty grade.")
    var missingAsZero = false

    @Option(help: "Where to write the file (default: OUT/<format>-import.csv).")
    var output: String?

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        let merge: ClassMerge
        let table: CSVTable
        do {
            merge = try ClassMerge.collect(outs: [outURL])
            table = try CSVTable.parse(String(contentsOf: URL(fileURLWithPath: roster), encoding: .utf8))
        } catch {
            Terminal.error("grader export cannot run: \(error)")
            throw ExitCode(2)
        }
        if merge.refused {
            for problem in merge.problems() { Terminal.error(problem) }
            Terminal.error("Nothing was exported: the reports in \(out) were not all graded alike; see grader merge.")
            throw ExitCode(2)
        }
        let reports = merge.reports.map(\.report)
        let options = GradebookExport.Options(
            format: format, matchColumn: matchColumn,
            assignmentName: assignmentName ?? reports.first?.assignment ?? "assignment",
            canvasAssignmentID: canvasAssignmentID, perExercise: perExercise, missingAsZero: missingAsZero)
        let export: GradebookExport
        do { export = try GradebookExport.make(roster: table, reports: reports, exerciseIDs: merge.exerciseIDs, options: options) } catch {
            Terminal.error("grader export cannot run: \(error)")
            throw ExitCode(2)
        }
        let destination = URL(fileURLWithPath: output ?? outURL.appendingPathComponent("\(format.rawValue)-import.csv").path)
        do { try ReportIO.writeAtomically(Data(export.text.utf8), to: destination) } catch {
            Terminal.error("grader export could not write \(destination.path): \(error)")
            throw ExitCode(2)
        }
        var incomplete = false
        if !export.submissionsNotOnRoster.isEmpty {
            incomplete = true
            Terminal.error("\(export.submissionsNotOnRoster.count) submission\(export.submissionsNotOnRoster.count == 1 ? " matches" : "s match") no roster row and \(export.submissionsNotOnRoster.count == 1 ? "is" : "are") not in the file: \(export.submissionsNotOnRoster.joined(separator: ", ")).")
        }
        if !export.rosterWithoutSubmission.isEmpty {
            incomplete = true
            Terminal.error("\(export.rosterWithoutSubmission.count) roster student\(export.rosterWithoutSubmission.count == 1 ? " has" : "s have") no submission (\(missingAsZero ? "0 points" : "an empty grade") in the file): \(export.rosterWithoutSubmission.joined(separator: ", ")).")
        }
        if !export.repeatedRosterValues.isEmpty {
            Terminal.error("These values occur on more than one roster row, and each row got the grade: \(export.repeatedRosterValues.joined(separator: ", ")).")
        }
        if !merge.complete { for problem in merge.problems() { Terminal.error(problem) }; incomplete = true }
        print("Wrote \(destination.path): \(reports.count - export.submissionsNotOnRoster.count) of \(reports.count) graded submissions matched to the roster (\(format.rawValue) format).")
        if incomplete { throw ExitCode(1) }
    }
}
