import Foundation
import TensorKit

/// The gradebook (`grades.csv`): one row per submission, sorted by name, with the points earned per exercise,
/// `total` and `max_total`. Quoted per RFC 4180 (a field with a comma, quote or line break is wrapped in
/// double quotes, inner quotes doubled), so any folder name survives a spreadsheet import.
public enum GradesCSV {
    /// - Parameter exerciseIDs: the columns, in order; an exercise absent from a report counts 0 points there.
    public static func make(reports: [SubmissionReport], exerciseIDs: [String]) -> String {
        var rows = [(["submission"] + exerciseIDs + ["total", "max_total"]).map(field).joined(separator: ",")]
        for report in reports.sorted(by: { $0.submission < $1.submission }) {
            var cells = [field(report.submission)]
            for id in exerciseIDs {
                let points = report.exercises.first { $0.id == id }?.score ?? 0
                cells.append(DisplayFormat.points(points))
            }
            cells.append(DisplayFormat.points(report.score))
            cells.append(DisplayFormat.points(report.maxScore))
            rows.append(cells.joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    public static func field(_ text: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character and would compare equal to neither "\r" nor "\n".
        guard text.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
