import ArgumentParser
import Foundation
import Grading
import GradingCore

/// `grader new-exercise ID`: the files of a new exercise, ready to fill in (for instructors; see grading/AUTHORING.md).
struct NewExercise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new-exercise",
        abstract: "Create the files of a new exercise (for instructors; see grading/AUTHORING.md).")

    @Argument(help: "The new exercise's id: lowercase letters, digits and hyphens (like rmsprop).")
    var id: String

    @Option(help: "The Swift type prefix and file name (default: from the id, rmsprop gives Rmsprop).")
    var name: String?

    @Option(help: "The student's function (default: <name>Forward); it starts as (Tensor) -> Tensor.")
    var function: String?

    func run() throws {
        do {
            let environment = try GraderEnvironment.discover()
            let scaffold = try ExerciseScaffold(id: id, name: name, function: function)
            for path in try scaffold.write(packageRoot: environment.packageRoot) { print("Wrote \(path).") }
            print("""

            Two edits remain, outside the new files:
              1. Register it: add `\(scaffold.registration)` to ExerciseCatalog.all in Sources/Grading/Exercises/ExerciseCatalog.swift.
              2. Add its entry to "exercises" in grading/manifest.json, and its id to an assignment there:
            \(scaffold.manifestEntry.split(separator: "\n").map { "     " + $0 }.joined(separator: "\n"))
            Then write the reference, the tests and the misconceptions (grading/AUTHORING.md), and run `make test-fast`.
            """)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }
}
