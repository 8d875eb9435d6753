import Foundation
import GradingCore
import TensorKit

/// `grader export`: the gradebook in the shape an LMS imports, matched to the LMS's own roster.
///
/// The roster is a CSV file exported from the LMS (Canvas: Grades → Export; Moodle: Grades → Export → plain text).
/// One of its columns holds what the submission folders are named after (`matchColumn`); a roster value matches the
/// submission whose folder name `grader batch` would give a folder of that name (so `alice@uni.edu` matches the
/// folder written as `alice_uni.edu`), ignoring case. Nobody is dropped silently: students on the roster without a
/// submission keep their row (an empty grade, which both LMSs leave ungraded, or 0 if asked), and submissions that
/// match nobody on the roster are listed — the LMS would have nowhere to put them.
public struct GradebookExport: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        /// Canvas' gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
        /// assignment named `Name (assignment id)`, and a second row "Points Possible".
        case canvas
        /// Moodle's CSV grade import: the identity columns of the roster (name, ID number, email address), then one
        /// column per grade item; the import page maps users by email address or ID number.
        case moodle
        /// A plain table: the roster's matching column, the submission, points per exercise, total, max_total.
        case csv

        /// The roster column matched against submission folder names unless told otherwise.
        public var defaultMatchColumn: String? {
            switch self {
            case .canvas: return "SIS Login ID"
            case .moodle: return "Email address"
            case .csv: return nil  // the roster's first column
            }
        }
    }

    public struct Options: Sendable {
        public var format: Format
        /// The roster column holding submission folder names (default: the format's `defaultMatchColumn`).
        public var matchColumn: String?
        /// The assignment's name in the LMS (the grade column's title).
        public var assignmentName: String
        /// Canvas' id of an existing assignment: the column becomes `Name (id)` and updates it; without one, Canvas
        /// creates a new assignment from the column.
        public var canvasAssignmentID: String?
        /// One more column per exercise (`Name: exercise`), besides the total.
        public var perExercise: Bool
        /// Write 0 rather than an empty grade for roster students without a submission.
        public var missingAsZero: Bool
        public init(format: Format, matchColumn: String? = nil, assignmentName: String, canvasAssignmentID: String? = nil,
                    perExercise: Bool = false, missingAsZero: Bool = false) {
            self.format = format
            self.matchColumn = matchColumn
            self.assignmentName = assignmentName
            self.canvasAssignmentID = canvasAssignmentID
            self.perExercise = perExercise
            self.missingAsZero = missingAsZero
        }
    }

    public enum ExportError: Error, CustomStringConvertible, Equatable {
        case noSuchColumn(String, header: [String])
        public var description: String {
            switch self {
            case let .noSuchColumn(name, header):
                return "The roster has no column \"\(name)\" to match submissions by; its columns are: \(header.joined(separator: ", ")). Name one with --match-column."
            }
        }
    }

    /// The file to import.
    public var text: String
    /// Submissions no roster row matches.
    public var submissionsNotOnRoster: [String]
    /// Roster students (their matching value) with no submission.
    public var rosterWithoutSubmission: [String]
    /// Roster values that occur on more than one row (each row gets the grade).
    public var repeatedRosterValues: [String]

    /// Canvas' identity columns, in its order.
    static let canvasIdentity = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    /// The identity columns Moodle's export writes and its import can map users by.
    static let moodleIdentity = ["First name", "Last name", "ID number", "Institution", "Department", "Email address", "Username"]

    public static func make(roster: CSVTable, reports: [SubmissionReport], exerciseIDs: [String], options: Options) throws -> GradebookExport {
        let matchName = options.matchColumn ?? options.format.defaultMatchColumn ?? roster.header.first ?? ""
        guard let match = roster.column(named: matchName) else { throw ExportError.noSuchColumn(matchName, header: roster.header) }
        let student = roster.column(named: "Student")
        // Canvas' own export has a "Points Possible" row (and sometimes a muted-assignment row) under the header.
        let rows = roster.rows.filter { row in
            let first = roster.value(row, student).trimmingCharacters(in: .whitespaces)
            return first != "Points Possible" && !roster.value(row, match).trimmingCharacters(in: .whitespaces).isEmpty
        }
        func key(_ value: String) -> String {
            BatchRunner.outputName(for: value.trimmingCharacters(in: .whitespaces)).lowercased()
        }
        let bySubmission = Dictionary(reports.map { (key($0.submission), $0) }) { first, _ in first }
        var counts: [String: Int] = [:]
        for row in rows { counts[key(roster.value(row, match)), default: 0] += 1 }

        let maxTotal = reports.map(\.maxScore).max() ?? 0
        let maxPer = exerciseIDs.map { id in reports.compactMap { $0.exercises.first { $0.id == id }?.maxScore }.max() ?? 0 }
        func grades(_ report: SubmissionReport?) -> [String] {
            guard let report else {
                let empty = options.missingAsZero ? "0" : ""
                return [empty] + (options.perExercise ? exerciseIDs.map { _ in empty } : [])
            }
            let per = exerciseIDs.map { id in DisplayFormat.points(report.exercises.first { $0.id == id }?.score ?? 0) }
            return [DisplayFormat.points(report.score)] + (options.perExercise ? per : [])
        }
        let name = options.assignmentName
        let exerciseColumns = options.perExercise ? exerciseIDs.map { "\(name): \($0)" } : []

        var table: [[String]]
        switch options.format {
        case .canvas:
            let total = options.canvasAssignmentID.map { "\(name) (\($0))" } ?? name
            let identity = canvasIdentity.map { roster.column(named: $0) }
            table = [canvasIdentity + [total] + exerciseColumns]
            table.append(["Points Possible"] + Array(repeating: "", count: canvasIdentity.count - 1)
                         + [DisplayFormat.points(maxTotal)] + (options.perExercise ? maxPer.map(DisplayFormat.points) : []))
            for row in rows {
                table.append(identity.map { roster.value(row, $0) } + grades(bySubmission[key(roster.value(row, match))]))
            }
        case .moodle:
            var columns = moodleIdentity.compactMap { column in roster.column(named: column).map { (column, $0) } }
            if !columns.contains(where: { $0.1 == match }) { columns.append((roster.header[match], match)) }
            table = [columns.map(\.0) + [name] + exerciseColumns]
            for row in rows {
                table.append(columns.map { roster.value(row, $0.1) } + grades(bySubmission[key(roster.value(row, match))]))
            }
        case .csv:
            table = [[roster.header[match], "submission"] + exerciseIDs + ["total", "max_total"]]
            for row in rows {
                let report = bySubmission[key(roster.value(row, match))]
                let per = exerciseIDs.map { id in report.map { DisplayFormat.points($0.exercises.first { $0.id == id }?.score ?? 0) } ?? "" }
                table.append([roster.value(row, match), report?.submission ?? ""] + per
                             + [report.map { DisplayFormat.points($0.score) } ?? (options.missingAsZero ? "0" : ""),
                                DisplayFormat.points(maxTotal)])
            }
        }
        let onRoster = Set(counts.keys)
        return GradebookExport(
            text: CSVTable.render(table),
            submissionsNotOnRoster: reports.map(\.submission).filter { !onRoster.contains(key($0)) }.sorted(),
            rosterWithoutSubmission: rows.map { roster.value($0, match) }.filter { bySubmission[key($0)] == nil },
            repeatedRosterValues: rows.map { roster.value($0, match) }.filter { (counts[key($0)] ?? 0) > 1 }
                .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } })
    }
}
