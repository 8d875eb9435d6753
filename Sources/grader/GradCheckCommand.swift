import ArgumentParser
import Foundation
import Grading
import GradCheck

/// `grader gradcheck TYPE`: gradient-checks a student's own Layer from the working copy's Exercises/.
struct GradCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Check a Layer type's backward against numerical gradients (exit 0 agree, 1 mismatch, 2 cannot run).")

    @Argument(help: "The name of a type in Exercises/ that conforms to Layer and has init().")
    var typeName: String

    @Option(help: "The input shape, comma-separated, e.g. 4,5.")
    var inputShape: String

    @Option(help: "Also write the result as JSON to this path.")
    var json: String?

    @OptionGroup var seedOption: SeedOption

    func run() throws {
        Terminal.error("grader gradcheck is not available in this build.")
        throw ExitCode(2)
    }
}
