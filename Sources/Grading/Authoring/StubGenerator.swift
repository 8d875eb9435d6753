import Foundation
import GradingCore

/// Writes a student's stub from the instructor's master, as `otter assign` and nbgrader's `generate_assignment` do.
///
/// The master is the solution file (`Solutions/<File>.swift`) with its solution code inside marked regions:
///
///     public func softmax(_ logits: Tensor) -> Tensor {
///         // BEGIN SOLUTION
///         ...the solution...
///         // END SOLUTION
///     }
///
/// A region inside a function body (its `BEGIN` line indented) becomes the stub's body: the "your code" markers
/// around `notImplemented()`, at the same indentation. A region at the top level (its `BEGIN` line at column 0:
/// notes for instructors, solution-only helpers) is left out, with the blank line after it. Everything outside the
/// regions — imports, the handout comments, the signatures — is copied as it is, so the stub and the solution can
/// never disagree on a signature or a sentence of the handout.
public enum StubGenerator {
    public static let beginMarker = "// BEGIN SOLUTION"
    public static let endMarker = "// END SOLUTION"
    public static let stubBody = ["// ===== YOUR CODE STARTS HERE =====", "notImplemented()", "// ===== YOUR CODE ENDS HERE ====="]

    public struct MarkerError: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var problem: String
        public var description: String { "\(file), line \(line): \(problem)" }
    }

    /// The stub for `master` (the text of a solution file named `file`, used in error messages).
    public static func stub(fromMaster master: String, file: String) throws -> String {
        let lines = master.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var output: [String] = []
        var open: (line: Int, indentation: String)?
        var regions = 0
        var skipBlankLine = false
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indentation = String(line.prefix { $0 == " " })
            if trimmed == beginMarker {
                if let open { throw MarkerError(file: file, line: index + 1, problem: "\(beginMarker) inside the region opened on line \(open.line); close it with \(endMarker) first.") }
                open = (index + 1, indentation)
                regions += 1
                continue
            }
            if trimmed == endMarker {
                guard let region = open else { throw MarkerError(file: file, line: index + 1, problem: "\(endMarker) without a \(beginMarker) before it.") }
                guard region.indentation == indentation else {
                    throw MarkerError(file: file, line: index + 1, problem: "\(endMarker) is indented differently from its \(beginMarker) on line \(region.line).")
                }
                if indentation.isEmpty {
                    skipBlankLine = true
                } else {
                    output += stubBody.map { indentation + $0 }
                }
                open = nil
                continue
            }
            if open != nil { continue }
            if skipBlankLine {
                skipBlankLine = false
                if trimmed.isEmpty { continue }
            }
            output.append(line)
        }
        if let open { throw MarkerError(file: file, line: open.line, problem: "\(beginMarker) is never closed with \(endMarker).") }
        if regions == 0 { throw MarkerError(file: file, line: 1, problem: "no \(beginMarker) region: the stub would be the solution itself.") }
        return output.joined(separator: "\n")
    }

    /// One registered exercise's stub as generated from its master, and whether the checked-in stub matches.
    public struct Result {
        public var file: String
        public var generated: String
        public var current: String?
        public var isCurrent: Bool { generated == current }
    }

    /// Generates the stub of every registered exercise from `Solutions/` under `packageRoot`.
    public static func generateAll(packageRoot: URL) throws -> [Result] {
        try ExerciseCatalog.all.map { exercise in
            let master = packageRoot.appendingPathComponent("Solutions").appendingPathComponent(exercise.fileName)
            let text = try String(contentsOf: master, encoding: .utf8)
            let stubURL = packageRoot.appendingPathComponent("Exercises").appendingPathComponent(exercise.fileName)
            return Result(file: exercise.fileName, generated: try stub(fromMaster: text, file: "Solutions/" + exercise.fileName),
                          current: try? String(contentsOf: stubURL, encoding: .utf8))
        }
    }
}
