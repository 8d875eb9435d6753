import ArgumentParser
import GradingCore

/// The student kit's grader: `check` and `gradcheck`.
@main
struct Grader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grader",
        abstract: "Checks your exercises against the course's recorded tests and gradient-checks your layers.",
        version: GraderEnvironment.graderVersion,
        subcommands: [Check.self, GradCheckCommand.self]
    )
}
