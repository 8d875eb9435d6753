import Foundation

/// The last line of `grader check`: where to look first. That is the first exercise, in the assignment's order,
/// that did not pass — its first error when it does not compile, otherwise its first test that did not pass, with
/// the misconception the grader recognised there — or, when nothing failed, that there is nothing to fix.
public enum WhereToLookFirst {
    public static func sentence(_ report: SubmissionReport) -> String {
        guard let exercise = report.exercises.first(where: { $0.status != .passed }) else {
            return report.exercises.isEmpty ? "No exercise was graded." : "Every test passed, so there is nothing to fix."
        }
        let start = "Look first at \(exercise.id)"
        switch exercise.status {
        case .compileError:
            if let error = CompilerDiagnostics.firstError(exercise.diagnostics), error.line > 0 {
                return "\(start): \(error.file) does not compile, line \(error.line): \(error.message)."
            }
            return "\(start): \(exercise.message)"
        case .notImplemented:
            return "\(start): it is not implemented yet (the code still calls notImplemented())."
        case .missing, .rejected:
            return "\(start): \(exercise.message)"
        case .passed, .partial, .failed, .crashed, .timedOut:
            guard let test = exercise.tests.first(where: { $0.status != .passed && $0.status != .skipped }) else {
                return "\(start): \(exercise.message)"
            }
            let outcome = test.status == .notImplemented ? "is not implemented yet" : ScoreFormatting.words(test.status)
            var text = "\(start), test \(test.name): it \(outcome)"
            if let misconception = test.misconception { text += "; the likely misconception is \(misconception.id)" }
            return text + "."
        }
    }
}
