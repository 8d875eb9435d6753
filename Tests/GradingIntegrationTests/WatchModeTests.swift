import Foundation
import Synchronization
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `grader check --watch` as a real process in a package copy: it grades, grades again when a file is saved and
/// says which tests now pass, and Ctrl-C (SIGINT) or SIGTERM ends it with no sandbox, compiler or worker left
/// running and its work folders removed.
final class WatchModeTests: XCTestCase {
    private var package: TestPackage!
    private var binary: URL!

    override func setUpWithError() throws {
        guard let binary = CLITests.graderBinary() else {
            throw XCTSkip("The grader binary is not built (swift build --product grader); the watch tests need it.")
        }
        self.binary = binary
        // A copy of its own (its Exercises/ are edited while the grader watches), with 4 s per test so the infinite
        // loop below stays short.
        package = try TestPackage(name: "watch", limits: .init(timeLimitSeconds: 4, memoryMiB: 1024, compileSeconds: 40))
    }

    override func tearDown() {
        package = nil
    }

    func testSavingRegradesAndSaysWhatNowPassesAndCtrlCLeavesNothingRunning() throws {
        let watch = try WatchedGrader(binary: binary, directory: package.root, arguments: ["check", "softmax", "--watch"])
        defer { watch.stop() }
        XCTAssertTrue(watch.waitFor("Watching Exercises/ for changes; press Ctrl-C to stop.", seconds: 300), watch.output)
        XCTAssertTrue(watch.output.contains("Look first at softmax: it is not implemented yet"), watch.output)
        XCTAssertFalse(watch.output.contains("\u{1B}["), "NO_COLOR, and a pipe: no escapes, no screen clearing")

        // Saving the solution grades again and names the tests that now pass.
        try Data(contentsOf: package.solutions.appendingPathComponent("Softmax.swift"))
            .write(to: package.exercises.appendingPathComponent("Softmax.swift"))
        XCTAssertTrue(watch.waitFor("✓ now passes: softmax, test ", seconds: 120), watch.output)
        XCTAssertTrue(watch.waitFor("Watching Exercises/ for changes", count: 2, seconds: 30), watch.output)
        let second = watch.output.components(separatedBy: "Softmax.swift changed; graded again.").last ?? ""
        XCTAssertTrue(second.contains("✓ PASS  softmax"), second)
        XCTAssertTrue(second.contains("Every test passed, so there is nothing to fix."), second)
        XCTAssertTrue(second.range(of: #"Since the last run: 0 → (\d+) / \1 points; \d+ tests now pass\."#,
                                   options: .regularExpression) != nil, second)
        XCTAssertFalse(second.contains("now fails"), second)

        // An infinite loop: interrupt while its sandboxed worker runs.
        try TestPackage.fixture("grading/fixtures/hostile/infinite-loop/Softmax.swift")
            .write(to: package.exercises.appendingPathComponent("Softmax.swift"), atomically: true, encoding: .utf8)
        // The worker program itself (the sandbox execs it as ./worker), not a linker or sandbox command that merely
        // names the worker file among its arguments and is gone a moment later.
        let running = watch.waitForDescendant(seconds: 120) { $0.commandLine.first == "./worker" }
        XCTAssertFalse(running.isEmpty, "the worker of the third run never started: \(watch.output)")
        let children = Set(ProcessTable.descendants(of: Int(watch.pid)).map(\.pid))
        XCTAssertFalse(children.isEmpty)
        kill(watch.pid, SIGINT)
        XCTAssertTrue(watch.waitForExit(seconds: 20), "check --watch did not end on SIGINT: \(watch.output)")
        XCTAssertEqual(watch.process.terminationReason, .uncaughtSignal, "it ends by the signal, as an interrupted program should")
        XCTAssertEqual(watch.process.terminationStatus, SIGINT)
        let survivors = ProcessTable.waitUntilNone(within: 5) { children.contains($0.pid) && !$0.isZombie }
        XCTAssertEqual(survivors.map { "\($0.pid) \($0.commandLine.prefix(2))" }, [],
                       "every sandbox, compiler and worker the grader started has ended")
        XCTAssertEqual(watch.workFolders(), [], "the work folders are removed")
    }

    func testSIGTERMWhileWaitingEndsCleanly() throws {
        let watch = try WatchedGrader(binary: binary, directory: package.root,
                                      arguments: ["check", "softmax", "--watch", "--no-clear"])
        defer { watch.stop() }
        XCTAssertTrue(watch.waitFor("Watching Exercises/ for changes", seconds: 300), watch.output)
        kill(watch.pid, SIGTERM)
        XCTAssertTrue(watch.waitForExit(seconds: 20), watch.output)
        XCTAssertEqual(watch.process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(watch.process.terminationStatus, SIGTERM)
        XCTAssertEqual(watch.workFolders(), [])
        XCTAssertEqual(ProcessTable.descendants(of: Int(watch.pid)).filter { !$0.isZombie }.map(\.pid), [])
    }
}

/// A `grader` started in the background whose output (standard output and error together) is collected as it comes.
private final class WatchedGrader {
    let process: Process
    private let collected = CollectedText()
    private let reader: Thread

    var pid: pid_t { process.processIdentifier }
    var output: String { collected.text.withLock { $0 } }

    init(binary: URL, directory: URL, arguments: [String]) throws {
        process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let handle = pipe.fileHandleForReading
        let collected = self.collected
        reader = Thread {
            // availableData returns what has arrived (read(upToCount:) would wait for the whole count).
            while case let data = handle.availableData, !data.isEmpty {
                collected.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try process.run()
        reader.start()
    }

    /// Waits until `text` has appeared `count` times in the output.
    func waitFor(_ text: String, count: Int = 1, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.components(separatedBy: text).count - 1 >= count { return true }
            if !process.isRunning { return output.components(separatedBy: text).count - 1 >= count }
            usleep(100_000)
        }
        return false
    }

    /// Waits until a process below the grader matches `predicate`; returns the matches (empty on timeout).
    func waitForDescendant(seconds: Double, _ predicate: (ProcessTable.Entry) -> Bool) -> [ProcessTable.Entry] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && process.isRunning {
            let matching = ProcessTable.descendants(of: Int(pid)).filter(predicate)
            if !matching.isEmpty { return matching }
            usleep(50_000)
        }
        return []
    }

    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return !process.isRunning
    }

    /// The grader's work folders (`training-grader-PID-…` in the temporary directory) that still exist.
    func workFolders() -> [String] {
        let temporary = NSTemporaryDirectory()
        return ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [])
            .filter { $0.hasPrefix("training-grader-\(pid)-") }
    }

    /// Ends the grader if a failed assertion left it running.
    func stop() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

private final class CollectedText: Sendable {
    let text = Mutex("")
}
