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
        subcommands: [Check.self, Batch.self, Report.self, Merge.self, Export.self, GradCheckCommand.self, Bench.self,
                      Stubs.self, NewExercise.self, Gradescope.self, Release.self]
    )
}
