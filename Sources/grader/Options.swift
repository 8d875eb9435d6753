import ArgumentParser
import Foundation
import GradingCore

// What the commands share: options and the terminal. The student kit's grader is built from this file, Check.swift
// and GradCheckCommand.swift (see `grader release`), so nothing here may need the instructor's modules.

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

/// The course secret hidden tests are derived from (see `CourseSecret`), for `batch` and `gradescope run`.
struct HiddenSecretOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A file holding the course secret: hidden tests then take their inputs from a seed derived from it, not from --seed (default: the GRADER_HIDDEN_SECRET environment variable, if set).",
        valueName: "path"))
    var secretFile: String?

    @Flag(help: "With a course secret, give every submission its own hidden inputs, derived from the secret and the submission's name (the student id).")
    var perStudentInputs = false

    /// For commands that grade: per-student inputs need a secret to derive them from.
    func requireSecretForPerStudentInputs() throws {
        if perStudentInputs, secretFile == nil, ProcessInfo.processInfo.environment[CourseSecret.environmentVariable] == nil {
            throw ValidationError("--per-student-inputs needs a course secret: pass --secret-file PATH or set \(CourseSecret.environmentVariable).")
        }
    }

    /// The secret, or nil when none is configured; a secret that cannot be read stops the command (exit status 2).
    func load() throws -> CourseSecret? {
        do { return try CourseSecret.load(file: secretFile) } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }
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
