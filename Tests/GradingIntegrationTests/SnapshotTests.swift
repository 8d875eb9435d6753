import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// What students and instructors read, kept whole as snapshots (see `Snapshot` for how to record them): every
/// command's `--help`, and `grader check`'s output with NO_COLOR for a compile error, a passing exercise, a failing
/// one with a named misconception and a stub, and for an assignment where everything passes.
final class SnapshotTests: XCTestCase {
    private var binary: URL!

    override func setUpWithError() throws {
        guard let binary = CLITests.graderBinary() else {
            throw XCTSkip("The grader binary is not built (swift build --product grader); the snapshot tests need it.")
        }
        self.binary = binary
    }

    private func grader(_ arguments: [String], in directory: URL) throws -> ProcessRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "100"    // help text wraps at the terminal's width; this makes it the same everywhere
        environment.removeValue(forKey: "GRADER_EXERCISES")
        process.environment = environment
        return try ProcessRun.collect(process)
    }

    /// Every command the grader has, found from the grader itself (argument parser's command tree), so a command
    /// added later fails here until its help is recorded.
    func testEveryCommandsHelp() throws {
        let dump = try grader(["--experimental-dump-help"], in: TestPackage.sourceRoot)
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let tree = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            paths.append(path)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                if let name = sub["commandName"] as? String { walk(sub, path + [name]) }
            }
        }
        walk(try XCTUnwrap(tree["command"] as? [String: Any]), [])
        XCTAssertTrue(paths.contains(["check"]) && paths.contains(["gradcheck"]), "\(paths)")

        var names: Set<String> = []
        for path in paths {
            let run = try grader(path + ["--help"], in: TestPackage.sourceRoot)
            XCTAssertEqual(run.status, 0, "grader \(path.joined(separator: " ")) --help: \(run.stderr)")
            let name = "help/" + (["grader"] + path).joined(separator: "-") + ".txt"
            names.insert(name)
            Snapshot.assertMatches(run.stdout, named: name)
        }
        Snapshot.assertNoOthers(in: "help", than: names)
    }

    /// Four exercises in four states in one run (one compile): softmax with a typo repeated three times and a
    /// warning, he-init correct, dropout with survivors not rescaled (a named misconception), adam still a stub.
    func testCheckOutputForACompileErrorAPassAMisconceptionAndAStub() throws {
        let package = try TestPackage.shared("snapshots")
        let typo = try TestPackage.fixture("grading/fixtures/diagnostics/typo-and-warning/Softmax.swift")
        let noScaling = try TestPackage.fixture("grading/fixtures/misconceptions/dropout/no-scaling/Dropout.swift")
        let heInit = try String(contentsOf: package.solutions.appendingPathComponent("HeInit.swift"), encoding: .utf8)
        try package.fillExercises(fromSolutions: false,
                                  overrides: ["Softmax.swift": typo, "HeInit.swift": heInit, "Dropout.swift": noScaling])
        let run = try grader(["check", "softmax", "he-init", "dropout", "adam"], in: package.root)
        XCTAssertEqual(run.status, 1, run.stderr)
        Snapshot.assertMatches(normalized(run.stdout, package: package), named: "check/four-states.txt")
        XCTAssertTrue(run.stdout.contains("Likely misconception (no-scaling):"), run.stdout)
    }

    func testCheckOutputWhenEverythingPasses() throws {
        let package = try TestPackage.shared("snapshots")
        try package.fillExercises(fromSolutions: true)
        let run = try grader(["check", "he-init", "adam"], in: package.root)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        Snapshot.assertMatches(normalized(run.stdout, package: package), named: "check/all-pass.txt")
    }

    /// Replaces what differs from run to run and machine to machine (the package copy's temporary path) with a
    /// placeholder; what the student reads is otherwise kept as it is.
    private func normalized(_ text: String, package: TestPackage) -> String {
        var text = text
        for path in [package.root.path, package.root.resolvingSymlinksInPath().path, NSTemporaryDirectory()] {
            text = text.replacingOccurrences(of: path, with: "<tmp>")
        }
        return text
    }
}
