import Foundation
import TensorKit

/// The words reports use around their numbers (the numbers themselves come from TensorKit's `DisplayFormat`).
public enum ScoreFormatting {
    /// Keeps at most `maxLines` lines and `maxCharacters` characters, saying how much was cut.
    static func truncated(_ text: String, maxLines: Int, maxCharacters: Int) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        var kept = Array(lines.prefix(maxLines))
        var result = kept.joined(separator: "\n")
        var cut = false
        if result.count > maxCharacters {
            result = String(result.prefix(maxCharacters))
            kept = result.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            cut = true
        }
        if lines.count > kept.count || cut {
            let dropped = max(0, lines.count - kept.count)
            result += dropped > 0 ? "\n… (\(DisplayFormat.count(dropped, "more line")) not shown)" : "\n… (truncated)"
        }
        return result
    }

    /// What a test's status means, in words ("timed out").
    static func words(_ status: TestStatus) -> String {
        switch status {
        case .passed: return "passed"
        case .failed: return "failed"
        case .notImplemented: return "not implemented"
        case .crashed: return "crashed"
        case .timedOut: return "timed out"
        case .skipped: return "not run"
        }
    }

    static func words(_ status: ExerciseStatus) -> String {
        switch status {
        case .passed: return "passed"
        case .partial: return "partly passed"
        case .failed: return "failed"
        case .notImplemented: return "not implemented"
        case .compileError: return "does not compile"
        case .crashed: return "crashed"
        case .timedOut: return "timed out"
        case .missing: return "file missing"
        case .rejected: return "rejected"
        }
    }

    /// The tolerance rule with its numbers: `|got − expected| ≤ 1e-10 + 1e-08·|expected|`.
    public static func rule(_ tolerance: Tolerance) -> String {
        "|got − expected| ≤ \(DisplayFormat.value(tolerance.atol)) + \(DisplayFormat.value(tolerance.rtol))·|expected|"
    }
}
