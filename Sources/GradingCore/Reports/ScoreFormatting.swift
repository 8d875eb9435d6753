import Foundation

/// How reports print numbers for people: points without needless decimals, measured values in full.
enum ScoreFormatting {
    /// Points as a gradebook shows them: at most six decimals, trailing zeros dropped (`20`, `17.5`, `6.666667`);
    /// never exponent notation, never `-0`.
    static func points(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// A value the student's code or the reference produced, in the shortest form that reads back exactly
    /// (`0.30000000000000004`, `1e-10`), so "expected 0.3, got 0.30000000000000004" shows the real difference.
    static func value(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// An error or statistic, to three significant digits (`2.35e-05`, `0.0123`).
    static func brief(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.3g", value)
    }

    /// `[2, 5]`.
    static func index(_ index: [Int]) -> String { "[" + index.map(String.init).joined(separator: ", ") + "]" }

    /// `1 test` / `3 tests`.
    static func count(_ number: Int, _ noun: String) -> String { number == 1 ? "1 \(noun)" : "\(number) \(noun)s" }

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
            result += dropped > 0 ? "\n… (\(count(dropped, "more line")) not shown)" : "\n… (truncated)"
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
    static func rule(_ tolerance: Tolerance) -> String {
        "|got − expected| ≤ \(value(tolerance.atol)) + \(value(tolerance.rtol))·|expected|"
    }
}
