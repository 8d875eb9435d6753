import Foundation
import TensorKit

/// Compiler diagnostics as a student reads them: per file, errors before warnings, each in line order with the
/// source line and caret swiftc printed under it, and no more than fits on a screen.
///
/// swiftc reports in the order its passes meet problems, so a typo repeated three times can come out between
/// unrelated warnings and notes. A note belongs to the error or warning before it (its "declared here" or "did you
/// mean"), so it travels with that diagnostic and is never sorted on its own.
public enum CompilerDiagnostics {
    /// Lines of diagnostics (headers, source lines, carets) `grader check` shows before "… and N more"; a screenful
    /// with the exercise's own lines around it. Verbose output shows up to `verboseLineBudget`.
    public static let lineBudget = 18
    public static let verboseLineBudget = 400

    /// Each error or warning with the notes that follow it; a note with nothing before it stands alone.
    public static func groups(_ diagnostics: [Diagnostic]) -> [[Diagnostic]] {
        var groups: [[Diagnostic]] = []
        for diagnostic in diagnostics {
            if diagnostic.severity == "note", !groups.isEmpty {
                groups[groups.count - 1].append(diagnostic)
            } else {
                groups.append([diagnostic])
            }
        }
        return groups
    }

    /// Per file (in the order the files first appear), errors first, then warnings, then stray notes, each by line
    /// and column; a diagnostic's notes stay right after it. Applying it twice changes nothing.
    public static func ordered(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        let grouped = groups(diagnostics)
        var fileRank: [String: Int] = [:]
        for group in grouped where fileRank[group[0].file] == nil { fileRank[group[0].file] = fileRank.count }
        func key(_ group: [Diagnostic]) -> (Int, Int, Int, Int) {
            (fileRank[group[0].file] ?? 0, severityRank(group[0].severity), group[0].line, group[0].column)
        }
        return grouped.enumerated()
            .sorted { a, b in key(a.element) != key(b.element) ? key(a.element) < key(b.element) : a.offset < b.offset }
            .flatMap(\.element)
    }

    static func severityRank(_ severity: String) -> Int {
        switch severity {
        case "error": return 0
        case "warning": return 1
        default: return 2
        }
    }

    /// The first error in line order, for a one-sentence message.
    public static func firstError(_ diagnostics: [Diagnostic]) -> Diagnostic? {
        ordered(diagnostics).first { $0.severity == "error" }
    }

    /// Terminal lines for `diagnostics` (ordered first), each indented by `indent`: `file:line:column: severity:
    /// message`, then the source line and caret as swiftc printed them. Whole diagnostics are shown while they fit
    /// in `lineBudget` lines (the first always), then one line says how many more there are and of which kind,
    /// followed by `moreHint` when given.
    public static func render(_ diagnostics: [Diagnostic], indent: String, lineBudget: Int, moreHint: String? = nil,
                              paint: (String, String) -> String = { text, _ in text }) -> [String] {
        var lines: [String] = []
        let grouped = groups(ordered(diagnostics))
        var shown = 0
        for group in grouped {
            let block = group.flatMap { renderOne($0, indent: indent, paint: paint) }
            if shown > 0 && lines.count + block.count > lineBudget { break }
            lines += block
            shown += 1
        }
        let rest = grouped.dropFirst(shown).map { $0[0] }
        if !rest.isEmpty {
            let errors = rest.filter { $0.severity == "error" }.count
            let warnings = rest.filter { $0.severity == "warning" }.count
            let kinds = [errors > 0 ? DisplayFormat.count(errors, "error") : nil,
                         warnings > 0 ? DisplayFormat.count(warnings, "warning") : nil].compactMap { $0 }
            let detail = kinds.isEmpty ? "" : " (" + kinds.joined(separator: " and ") + ")"
            lines.append(indent + "… and \(rest.count) more\(detail)." + (moreHint.map { " " + $0 } ?? ""))
        }
        return lines
    }

    private static func renderOne(_ diagnostic: Diagnostic, indent: String, paint: (String, String) -> String) -> [String] {
        let location = diagnostic.line > 0 ? "\(diagnostic.file):\(diagnostic.line):\(diagnostic.column): " : "\(diagnostic.file): "
        let color = diagnostic.severity == "error" ? "31" : diagnostic.severity == "warning" ? "33" : "2"
        var lines = [indent + paint(location + "\(diagnostic.severity): ", color) + TerminalRenderer.sanitized(diagnostic.message)]
        for line in (diagnostic.excerpt ?? "").split(separator: "\n", omittingEmptySubsequences: false) where diagnostic.excerpt != nil {
            lines.append(indent + TerminalRenderer.sanitized(String(line)))
        }
        return lines
    }
}
