import ArgumentParser
import Foundation
import Grading
import GradingCore
#if canImport(Glibc)
import Glibc
#endif

/// `grader gradescope`: the Gradescope autograder, both halves. `bundle` (the default) builds `autograder.zip` from
/// this master; `run` is what the bundle's `run_autograder` calls for every submission.
struct Gradescope: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the Gradescope autograder bundle (default), or grade one submission inside Gradescope.",
        subcommands: [GradescopeBundleCommand.self, GradescopeRunCommand.self],
        defaultSubcommand: GradescopeBundleCommand.self)
}

typealias GradescopeConfig = GradescopeRun.Config

struct GradescopeBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Write autograder.zip: setup.sh and run_autograder at its root, the grader's sources, the course secret.")

    @Option(help: "The zip to write.")
    var out: String = "autograder.zip"

    @OptionGroup var assignmentOption: AssignmentOption

    @OptionGroup var seedOption: SeedOption

    @OptionGroup var secretOption: HiddenSecretOption

    func run() throws {
        let environment: GraderEnvironment
        let manifest: Manifest
        do {
            environment = try GraderEnvironment.discover()
            manifest = try loadManifest(packageRoot: environment.packageRoot)
            _ = try manifest.plan(assignment: assignmentOption.name)
        } catch {
            Terminal.error("grader gradescope cannot build the bundle: \(error)")
            throw ExitCode(2)
        }
        let root = environment.packageRoot
        let output = URL(fileURLWithPath: out).standardizedFileURL
        let fm = FileManager.default
        let stage = fm.temporaryDirectory.appendingPathComponent("gradescope-bundle-\(getpid())-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: stage, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: stage) }
        for script in ["setup.sh", "run_autograder"] {
            try fm.copyItem(at: root.appendingPathComponent("grading/gradescope/\(script)"), to: stage.appendingPathComponent(script))
            chmod(stage.appendingPathComponent(script).path, 0o755)
        }
        for item in ["Package.swift", "Package.resolved", "Sources", "Exercises", "Solutions", "grading"]
            where fm.fileExists(atPath: root.appendingPathComponent(item).path) {
            try fm.copyItem(at: root.appendingPathComponent(item), to: stage.appendingPathComponent(item))
        }
        try? fm.removeItem(at: stage.appendingPathComponent("grading/gradescope"))
        try? fm.removeItem(at: stage.appendingPathComponent("grading/samples"))

        // The secret travels in the bundle (Gradescope's container needs it; run_autograder closes the source
        // folder to student code); without one, a fresh random secret is made and kept beside the zip for regrades.
        let secretNote: String
        let secretBytes: Data
        if let file = secretOption.secretFile {
            do { _ = try CourseSecret.load(file: file) } catch {
                Terminal.error("grader gradescope cannot build the bundle: \(error)")
                throw ExitCode(2)
            }
            secretBytes = try Data(contentsOf: URL(fileURLWithPath: file))
            secretNote = "the course secret in \(file)"
        } else if let text = ProcessInfo.processInfo.environment[CourseSecret.environmentVariable], !text.isEmpty {
            do { _ = try CourseSecret(bytes: Array(text.utf8), source: CourseSecret.environmentVariable) } catch {
                Terminal.error("grader gradescope cannot build the bundle: \(error)")
                throw ExitCode(2)
            }
            secretBytes = Data(text.utf8)
            secretNote = "the course secret in \(CourseSecret.environmentVariable)"
        } else {
            secretBytes = Data((CourseSecret.random() + "\n").utf8)
            let kept = URL(fileURLWithPath: output.path + ".secret")
            try ReportIO.writeAtomically(secretBytes, to: kept)
            chmod(kept.path, 0o600)
            secretNote = "a new random course secret, kept in \(kept.path): regrade with `batch --secret-file \(kept.path)` and never share it"
        }
        let secretURL = stage.appendingPathComponent(GradescopeConfig.secretFileName)
        try secretBytes.write(to: secretURL)
        chmod(secretURL.path, 0o600)
        let config = GradescopeConfig(assignment: assignmentOption.name, seed: seedOption.seed,
                                      perStudentInputs: secretOption.perStudentInputs)
        try ReportIO.encode(config).write(to: stage.appendingPathComponent(GradescopeConfig.fileName))

        try? fm.removeItem(at: output)
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zip.arguments = ["zip", "-qr", "-X", output.path, "."]
        zip.currentDirectoryURL = stage
        try zip.run()
        zip.waitUntilExit()
        guard zip.terminationStatus == 0 else {
            Terminal.error("grader gradescope could not write \(output.path): zip exited with status \(zip.terminationStatus) (is zip installed? make deps).")
            throw ExitCode(2)
        }
        print("Wrote \(output.path) for assignment \(assignmentOption.name ?? manifest.assignments.first?.name ?? "?") (visible seed \(seedOption.seed), hidden inputs from \(secretNote)\(secretOption.perStudentInputs ? ", per student" : "")).")
    }
}

struct GradescopeRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Grade /autograder/submission and write /autograder/results/results.json (what run_autograder calls).")

    @Option(help: ArgumentHelp("The autograder folder (default: $AUTOGRADER_ROOT, else /autograder).", valueName: "path"))
    var root: String?

    func run() throws {
        let rootURL = URL(fileURLWithPath: root ?? ProcessInfo.processInfo.environment["AUTOGRADER_ROOT"] ?? "/autograder")
        let results = rootURL.appendingPathComponent("results/results.json")
        do {
            let outcome = try GradescopeRun(root: rootURL, exercises: ExerciseCatalog.all).grade()
            // Written last, by this process, after every student process has ended.
            try ReportIO.writeAtomically(try ReportIO.encode(outcome.results), to: results)
            print(outcome.log)
        } catch {
            try? ReportIO.writeAtomically(try ReportIO.encode(GradescopeFailure(reason: "\(error)")), to: results)
            Terminal.error("grader gradescope run: \(error)")
            throw ExitCode(1)
        }
    }
}
