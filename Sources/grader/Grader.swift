import ArgumentParser
import Foundation
import Grading
import GradingCore

@main
struct Grader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grader",
        abstract: "Grades the deep-learning training exercises against the reference engine.",
        version: GraderEnvironment.graderVersion,
        subcommands: [Check.self, Batch.self, Report.self, Merge.self, Export.self, GradCheckCommand.self, Bench.self, Stubs.self, NewExercise.self]
    )
}

/// Which assignment of the manifest `check` and `batch` grade.
struct AssignmentOption: ParsableArguments {
    @Option(name: .customLong("assignment"), help: ArgumentHelp(
        "The assignment to grade, as named in grading/manifest.json (default: its first assignment).",
        valueName: "name"))
    var name: String?
}

/// Options every grading command shares.
struct SeedOption: ParsableArguments {
    @Option(help: "The seed that generates every test input; reports record it, and the same seed gives the same scores.")
    var seed: UInt64 = 2026
}

enum Terminal {
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static func useColor(isTerminal: Bool) -> Bool {
        TerminalRenderer.shouldUseColor(environment: ProcessInfo.processInfo.environment, isTerminal: isTerminal)
    }
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
