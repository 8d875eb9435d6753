import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The built `grader` binary, run as a student or instructor would, in a throwaway copy of the package
/// (so it grades that copy's `Exercises/` against that copy's manifest).
final class CLITests: XCTestCase {
    private var package: TestPackage!
    private var binary: URL!

    /// The `grader` built with these tests (beside the test bundle), else the package's `.build/debug/grader`.
    static func graderBinary() -> URL? {
        let besideTests = Bundle(for: CLITests.self).bundleURL.deletingLastPathComponent().appendingPathComponent("grader")
        let packageBuild = TestPackage.sourceRoot.appendingPathComponent(".build/debug/grader")
        return [besideTests, packageBuild].first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    override func setUpWithError() throws {
        guard let binary = Self.graderBinary() else {
            throw XCTSkip("The grader binary is not built (swift build --product grader); the CLI tests need it.")
        }
        self.binary = binary
        // Short limits, so the infinite loop below costs seconds.
        package = try TestPackage.sharedShortLimits()
    }

    typealias Run = ProcessRun

    /// Runs the grader in the package copy with `arguments`; `environment` entries are added to this process's.
    private func grader(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? package.root
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return try ProcessRun.collect(process)
    }

    private func readReport(_ url: URL) throws -> SubmissionReport { try assertSchemaValidFile(url) }

    func testCheckOnStubsExitsOneAndSaysNotImplemented() throws {
        try package.fillExercises(fromSolutions: false)
        let run = try grader(["check"])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.lowercased().contains("not implemented"), run.stdout)
        XCTAssertFalse(run.stdout.contains("\u{1B}["), "output to a pipe is never coloured")
    }

    func testCheckOnSolutionsExitsZero() throws {
        try package.fillExercises(fromSolutions: true)
        let json = try package.scratchFolder("cli-json").appendingPathComponent("report.json")
        let run = try grader(["check", "--json", json.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try readReport(json)
        XCTAssertEqual(report.exercises.map(\.id), ["softmax", "he-init", "dropout", "adam", "conv2d"])
        XCTAssertFalse(report.includesHidden, "check runs the visible tests only")
        assertFullMarks(report)
    }

    func testCheckOneExerciseWritesASchemaValidReportOfThatExerciseOnly() throws {
        try package.fillExercises(fromSolutions: true)
        let json = try package.scratchFolder("cli-one").appendingPathComponent("softmax.json")
        let run = try grader(["check", "softmax", "--seed", "17", "--json", json.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try readReport(json)
        XCTAssertEqual(report.exercises.map(\.id), ["softmax"])
        XCTAssertEqual(report.seed, 17)
        assertFullMarks(report)
    }

    func testNoColorRemovesEscapesEvenOnATerminal() throws {
        try package.fillExercises(fromSolutions: false)
        // `script` gives the grader a real terminal, where it would colour its output.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            let run = try grader(["check", "softmax"], environment: ["NO_COLOR": "1"])
            XCTAssertFalse(run.stdout.contains("\u{1B}["))
            return
        }
        func onTerminal(_ environment: [String: String]) throws -> Run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", "'\(binary.path)' check softmax", "/dev/null"]
            process.currentDirectoryURL = package.root
            var env = ProcessInfo.processInfo.environment
            env.removeValue(forKey: "NO_COLOR")
            env["TERM"] = "xterm"
            for (key, value) in environment { env[key] = value }
            process.environment = env
            return try ProcessRun.collect(process)
        }
        let coloured = try onTerminal([:])
        XCTAssertTrue(coloured.stdout.contains("\u{1B}["), "on a terminal the grader colours its output: \(coloured.stdout)")
        let plain = try onTerminal(["NO_COLOR": "1"])
        XCTAssertTrue(plain.stdout.lowercased().contains("not implemented"), plain.stdout)
        XCTAssertFalse(plain.stdout.contains("\u{1B}["), "NO_COLOR=1 must remove every ANSI escape")
    }

    func testUnknownExerciseExitsTwoNamingTheExercises() throws {
        let run = try grader(["check", "softmx"])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("There is no exercise 'softmx'"), run.stderr)
        XCTAssertTrue(run.stderr.contains("softmax, he-init, dropout, adam, conv2d"), run.stderr)
    }

    func testCompileErrorAndInfiniteLoopCostOnlyTheirExercises() throws {
        let loop = try TestPackage.fixture("grading/fixtures/hostile/infinite-loop/Softmax.swift")
        let broken = try TestPackage.fixture("grading/fixtures/hostile/compile-error/Adam.swift")
        try package.fillExercises(fromSolutions: true, overrides: ["Softmax.swift": loop, "Adam.swift": broken])
        defer { try? package.fillExercises(fromSolutions: false) }
        let json = try package.scratchFolder("cli-local").appendingPathComponent("report.json")
        let run = try grader(["check", "--json", json.path])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("Adam.swift"), "the compile error is shown: \(run.stdout)")
        let report = try readReport(json)
        XCTAssertEqual(report.exercise("softmax")?.status, .timedOut, report.statusLine)
        XCTAssertEqual(report.exercise("adam")?.status, .compileError, report.statusLine)
        for id in ["he-init", "dropout", "conv2d"] {
            XCTAssertEqual(report.exercise(id)?.status, .passed, "\(id): \(report.statusLine)")
        }
    }

    func testBatchWritesReportsAndTheGradebook() throws {
        let work = try package.scratchFolder("cli-batch")
        let submissions = work.appendingPathComponent("class")
        let out = work.appendingPathComponent("out")
        try package.makeSubmission(in: submissions, name: "alice")
        try package.makeSubmission(in: submissions, name: "bob", fromStubs: true)
        let misplaced = try package.makeSubmission(in: submissions, name: "carol")
        // carol keeps her files under Exercises/, which batch also accepts.
        let nested = misplaced.appendingPathComponent("Exercises")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: misplaced.path) where file.hasSuffix(".swift") {
            try FileManager.default.moveItem(at: misplaced.appendingPathComponent(file), to: nested.appendingPathComponent(file))
        }

        let run = try grader(["batch", submissions.path, "--out", out.path, "--jobs", "2", "--seed", "5"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.first, "submission,softmax,he-init,dropout,adam,conv2d,total,max_total")
        XCTAssertEqual(rows.dropFirst().map { String($0.prefix { $0 != "," }) }, ["alice", "bob", "carol"])
        for name in ["alice", "bob", "carol"] {
            let report = try readReport(out.appendingPathComponent("\(name)/report.json"))
            XCTAssertEqual(report.seed, 5)
            XCTAssertTrue(report.includesHidden, "batch runs the hidden tests")
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name)/results.json").path))
            if name == "bob" { XCTAssertEqual(report.score, 0) } else { assertFullMarks(report) }
        }
    }

    func testBatchOnAMissingFolderExitsTwo() throws {
        let missing = package.root.appendingPathComponent("no-such-class").path
        let run = try grader(["batch", missing, "--out", package.root.appendingPathComponent("no-such-out").path])
        XCTAssertEqual(run.status, 2, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains(missing) && run.stderr.contains("does not exist"), run.stderr)
    }
}
