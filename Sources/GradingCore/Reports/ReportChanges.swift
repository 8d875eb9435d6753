import Foundation
import TensorKit

/// What changed between two gradings of the same work (`grader check --watch`): the tests that now pass, the tests
/// that passed before and now do not, and the points before and after. Tests are matched by exercise id and test
/// name; a test in only one of the two reports is not a change.
public struct ReportChanges: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var exercise: String
        public var test: String
        /// The test's status now.
        public var status: TestStatus
    }

    public var nowPassing: [Change]
    public var nowFailing: [Change]
    public var previousScore: Double
    public var score: Double
    public var maxScore: Double

    public init(from previous: SubmissionReport, to current: SubmissionReport) {
        var before: [String: TestStatus] = [:]
        for exercise in previous.exercises {
            for test in exercise.tests { before[exercise.id + "\u{0}" + test.name] = test.status }
        }
        nowPassing = []
        nowFailing = []
        for exercise in current.exercises {
            for test in exercise.tests {
                guard let old = before[exercise.id + "\u{0}" + test.name] else { continue }
                let change = Change(exercise: exercise.id, test: test.name, status: test.status)
                if old != .passed && test.status == .passed { nowPassing.append(change) }
                if old == .passed && test.status != .passed { nowFailing.append(change) }
            }
        }
        previousScore = previous.score
        score = current.score
        maxScore = current.maxScore
    }

    /// At most this many tests are listed per kind; the rest are counted.
    public static let listLimit = 12
}

extension TerminalRenderer {
    /// "Since the last run: 4 → 9 / 20 points; 2 tests now pass." and one line per test that changed.
    public func render(_ changes: ReportChanges) -> [String] {
        let points = "\(DisplayFormat.points(changes.score)) / \(DisplayFormat.points(changes.maxScore)) points"
        guard !changes.nowPassing.isEmpty || !changes.nowFailing.isEmpty else {
            return [paint("Since the last run: no test changed its result (\(points)).", .bold)]
        }
        var counts: [String] = []
        if !changes.nowPassing.isEmpty { counts.append("\(DisplayFormat.count(changes.nowPassing.count, "test")) now "
            + (changes.nowPassing.count == 1 ? "passes" : "pass")) }
        if !changes.nowFailing.isEmpty { counts.append("\(DisplayFormat.count(changes.nowFailing.count, "test")) now "
            + (changes.nowFailing.count == 1 ? "fails" : "fail")) }
        var lines = [paint("Since the last run: \(DisplayFormat.points(changes.previousScore)) → \(points); "
            + counts.joined(separator: ", ") + ".", .bold)]
        for change in changes.nowPassing.prefix(ReportChanges.listLimit) {
            lines.append("  " + paint("✓ now passes:", .green) + " \(change.exercise), test \(change.test)")
        }
        if changes.nowPassing.count > ReportChanges.listLimit {
            lines.append("  … and \(changes.nowPassing.count - ReportChanges.listLimit) more that now pass.")
        }
        for change in changes.nowFailing.prefix(ReportChanges.listLimit) {
            lines.append("  " + paint("✗ now fails:", .red) + " \(change.exercise), test \(change.test) "
                + "(\(ScoreFormatting.words(change.status)))")
        }
        if changes.nowFailing.count > ReportChanges.listLimit {
            lines.append("  … and \(changes.nowFailing.count - ReportChanges.listLimit) more that now fail.")
        }
        return lines
    }
}
