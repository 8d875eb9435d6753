import Foundation
import TensorKit

/// What `grader batch` prints at the end: how the class did per exercise (mean and median points, how many
/// submissions ended in each status), which misconceptions were most common, and the mean total.
///
/// A misconception counts once per submission and exercise, however many of that exercise's tests showed it,
/// so the count reads as "this many students made this mistake".
public struct ClassSummary: Sendable {
    public struct ExerciseLine: Sendable, Equatable {
        public var id: String
        public var maxScore: Double
        public var mean: Double
        public var median: Double
        /// How many submissions ended in each status (statuses that did not occur are absent).
        public var statusCounts: [ExerciseStatus: Int]
    }

    public struct MisconceptionCount: Sendable, Equatable {
        public var exercise: String
        public var id: String
        public var summary: String
        public var count: Int
    }

    public let submissionCount: Int
    public let meanTotal: Double
    public let maxTotal: Double
    public let exercises: [ExerciseLine]
    /// Most frequent first; ties by exercise order, then id.
    public let misconceptions: [MisconceptionCount]

    public init(reports: [SubmissionReport], exerciseIDs: [String]) {
        submissionCount = reports.count
        meanTotal = Self.mean(reports.map(\.score))
        maxTotal = reports.map(\.maxScore).max() ?? 0
        exercises = exerciseIDs.map { id in
            let found = reports.compactMap { report in report.exercises.first { $0.id == id } }
            // An exercise absent from a report earned nothing there, so it counts as 0 points.
            let scores = found.map(\.score) + Array(repeating: 0, count: reports.count - found.count)
            var counts: [ExerciseStatus: Int] = [:]
            for exercise in found { counts[exercise.status, default: 0] += 1 }
            if reports.count > found.count { counts[.missing, default: 0] += reports.count - found.count }
            return ExerciseLine(id: id, maxScore: found.map(\.maxScore).max() ?? 0, mean: Self.mean(scores),
                                median: Self.median(scores), statusCounts: counts)
        }
        var tally: [String: MisconceptionCount] = [:]
        for report in reports {
            for exercise in report.exercises {
                var seen = Set<String>()
                for test in exercise.tests {
                    guard let misconception = test.misconception, seen.insert(misconception.id).inserted else { continue }
                    let key = exercise.id + "\u{0}" + misconception.id
                    tally[key, default: MisconceptionCount(exercise: exercise.id, id: misconception.id,
                                                           summary: misconception.summary, count: 0)].count += 1
                }
            }
        }
        let order = Dictionary(exerciseIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        misconceptions = tally.values.sorted { lhs, rhs in
            if lhs.count != rhs.count { return lhs.count > rhs.count }
            let left = order[lhs.exercise] ?? Int.max, right = order[rhs.exercise] ?? Int.max
            if left != right { return left < right }
            return (lhs.exercise, lhs.id) < (rhs.exercise, rhs.id)
        }
    }

    /// A plain-text table, then at most `misconceptionLimit` misconceptions.
    public func render(useColor: Bool, misconceptionLimit: Int = 10) -> String {
        func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
        var lines = [bold("Class summary: \(DisplayFormat.count(submissionCount, "submission")), mean total "
            + "\(DisplayFormat.points(Self.rounded(meanTotal))) / \(DisplayFormat.points(maxTotal)) points.")]
        lines.append("")
        let statusOrder = ExerciseStatus.allCases
        let header = ["exercise", "mean", "median", "max"] + statusOrder.map(\.rawValue)
        var table = [header]
        for line in exercises {
            table.append([line.id, DisplayFormat.points(Self.rounded(line.mean)),
                          DisplayFormat.points(Self.rounded(line.median)), DisplayFormat.points(line.maxScore)]
                         + statusOrder.map { String(line.statusCounts[$0] ?? 0) })
        }
        // Drop status columns that are zero everywhere, so the table fits a terminal.
        let keep = header.indices.filter { column in
            column < 4 || table.dropFirst().contains { $0[column] != "0" }
        }
        let trimmed = table.map { row in keep.map { row[$0] } }
        let widths = keep.indices.map { column in trimmed.map { $0[column].count }.max() ?? 0 }
        for (rowOffset, row) in trimmed.enumerated() {
            let cells = row.enumerated().map { column, cell -> String in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }
            let text = cells.joined(separator: "  ")
            lines.append(rowOffset == 0 ? bold(text) : text)
        }
        lines.append("")
        if misconceptions.isEmpty {
            lines.append("No known misconception was recognised.")
        } else {
            lines.append(bold("Most frequent misconceptions:"))
            for item in misconceptions.prefix(misconceptionLimit) {
                lines.append("  \(item.count) × \(item.exercise) / \(item.id): \(item.summary)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Statistics

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// The middle value, or the mean of the two middle values for an even count; 0 for none.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Two decimals are enough for a class average.
    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
