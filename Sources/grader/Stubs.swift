import ArgumentParser
import Foundation
import Grading
import GradingCore

/// `grader stubs`: writes the students' `Exercises/` from the masters in `Solutions/` (instructors only).
struct Stubs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write Exercises/ from the solution masters in Solutions/ (for instructors).",
        discussion: "Every `// BEGIN SOLUTION` … `// END SOLUTION` region inside a function becomes the not-implemented body; one at the top level is left out. With --check nothing is written, and the exit status is 1 when a checked-in stub differs from its master.")

    @Flag(help: "Only report stubs that differ from their masters; write nothing.")
    var check = false

    func run() throws {
        let environment: GraderEnvironment
        do { environment = try GraderEnvironment.discover() } catch {
            Terminal.error("\(error)"); throw ExitCode(2)
        }
        let results: [StubGenerator.Result]
        do { results = try StubGenerator.generateAll(packageRoot: environment.packageRoot) } catch {
            Terminal.error("Cannot generate the stubs: \(error)"); throw ExitCode(2)
        }
        let stale = results.filter { !$0.isCurrent }
        if check {
            for result in stale { print("Exercises/\(result.file) differs from the stub generated from Solutions/\(result.file).") }
            if stale.isEmpty { print("All \(results.count) stubs in Exercises/ match their masters in Solutions/.") }
            if !stale.isEmpty { throw ExitCode(1) }
            return
        }
        for result in stale {
            try result.generated.write(to: environment.exercisesURL.appendingPathComponent(result.file), atomically: true, encoding: .utf8)
            print("Wrote Exercises/\(result.file).")
        }
        print("\(stale.count) of \(results.count) stubs written; the others were already current.")
    }
}
