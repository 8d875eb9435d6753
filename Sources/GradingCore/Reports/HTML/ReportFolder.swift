import Foundation

/// A batch's output folder read back (`grader report OUT`): every `OUT/<submission>/report.json` and the
/// gradebook `OUT/grades.csv`, which gives the exercise columns and the students' order. Whatever cannot be read
/// becomes a notice on the page, so one damaged file never costs the others.
public struct ReportFolder {
    public var reports: [SubmissionReport]
    public var exerciseIDs: [String]
    /// Files that could not be read or disagree with each other, in sentences.
    public var notices: [String]

    public enum ReadError: Error, CustomStringConvertible {
        case notAFolder(String)
        case noReports(String)
        public var description: String {
            switch self {
            case let .notAFolder(path): return "\(path) is not a folder; give the folder `grader batch --out` wrote."
            case let .noReports(path): return "\(path) holds no <submission>/report.json; run `grader batch SUBMISSIONS --out \(path)` first."
            }
        }
    }

    public static func read(_ folder: URL) throws -> ReportFolder {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReadError.notAFolder(folder.path)
        }
        var notices: [String] = []
        var reports: [SubmissionReport] = []
        let entries = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for entry in entries {
            let url = folder.appendingPathComponent(entry).appendingPathComponent("report.json")
            guard manager.fileExists(atPath: url.path) else { continue }
            do {
                reports.append(try ReportIO.decoder().decode(SubmissionReport.self, from: Data(contentsOf: url)))
            } catch {
                notices.append("\(entry)/report.json could not be read (\(error)), so that submission is left out.")
            }
        }
        guard !reports.isEmpty || !notices.isEmpty else { throw ReadError.noReports(folder.path) }

        var exerciseIDs: [String] = []
        let csvURL = folder.appendingPathComponent("grades.csv")
        if let text = try? String(contentsOf: csvURL, encoding: .utf8) {
            if let table = try? CSVTable.parse(text), table.header.first == "submission",
               let total = table.header.firstIndex(of: "total") {
                exerciseIDs = Array(table.header[1..<total])
                let order = Dictionary(table.rows.compactMap(\.first).enumerated().map { ($1, $0) }) { first, _ in first }
                let missing = order.keys.filter { name in !reports.contains { $0.submission == name } }.sorted()
                if !missing.isEmpty {
                    notices.append("grades.csv lists \(missing.joined(separator: ", ")) but no readable report.json was found for \(missing.count == 1 ? "it" : "them").")
                }
                reports.sort { (order[$0.submission] ?? Int.max, $0.submission) < (order[$1.submission] ?? Int.max, $1.submission) }
            } else {
                notices.append("grades.csv has no header row starting with submission and ending with total, max_total; exercises are taken from the reports.")
            }
        } else {
            notices.append("grades.csv is missing from \(folder.path); exercises are taken from the reports.")
        }
        if !reports.isEmpty && !reports.contains(where: { $0.exercises.contains { $0.figures != nil } }) {
            notices.append("These reports carry no pictures of the students' code; `grader batch SUBMISSIONS --out \(folder.path) --html` records them.")
        }
        if exerciseIDs.isEmpty {
            for report in reports { for exercise in report.exercises where !exerciseIDs.contains(exercise.id) { exerciseIDs.append(exercise.id) } }
        }
        return ReportFolder(reports: reports, exerciseIDs: exerciseIDs, notices: notices)
    }

    /// `OUT/report.html` (the class page, every student a section of it) and, for handing out, each student's own
    /// page `OUT/<submission>/report.html`; written atomically. Returns the class page's location.
    @discardableResult
    public func writeHTML(to folder: URL) throws -> URL {
        try Self.writeHTML(reports: reports, exerciseIDs: exerciseIDs, notices: notices, to: folder)
    }

    @discardableResult
    public static func writeHTML(reports: [SubmissionReport], exerciseIDs: [String], notices: [String] = [], to folder: URL) throws -> URL {
        for report in reports {
            let own = folder.appendingPathComponent(report.submission)
            guard FileManager.default.fileExists(atPath: own.appendingPathComponent("report.json").path) else { continue }
            try ReportIO.writeAtomically(Data(HTMLReport.studentPage(report).utf8), to: own.appendingPathComponent("report.html"))
        }
        let url = folder.appendingPathComponent("report.html")
        try ReportIO.writeAtomically(Data(HTMLReport.classPage(reports: reports, exerciseIDs: exerciseIDs, notices: notices).utf8), to: url)
        return url
    }
}
