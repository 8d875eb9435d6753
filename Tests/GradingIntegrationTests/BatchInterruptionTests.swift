import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// A batch killed with SIGKILL partway through, then started again with the same arguments, finishes the rest:
/// every submission ends with a whole report, nothing is graded twice, no temporary file is left, and no sandboxed
/// process outlives the killed grader.
final class BatchInterruptionTests: XCTestCase {
    func testKilledBatchResumesAndLeavesNothingBehind() throws {
        guard let binary = CLITests.graderBinary() else { throw XCTSkip("The grader binary is not built.") }
        let package = try TestPackage.shared()
        let classFolder = try package.scratchFolder("interrupted-class")
        let count = 8
        for k in 0..<count { try package.makeSubmission(in: classFolder, name: String(format: "student-%02d", k)) }
        let out = try package.scratchFolder("interrupted-out")
        // A leftover from an earlier interrupted write, as a kill between open() and rename() leaves it.
        try FileManager.default.createDirectory(at: out.appendingPathComponent("student-00"), withIntermediateDirectories: true)
        try Data("{\"trunc".utf8).write(to: out.appendingPathComponent("student-00/.report.json.1234.tmp"))

        _ = TestPackage.isolateSandboxUIDs
        func start() throws -> Process {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["batch", classFolder.path, "--out", out.path, "--jobs", "2", "--seed", "5"]
            process.currentDirectoryURL = package.root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        func finishedReports() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter {
                FileManager.default.fileExists(atPath: out.appendingPathComponent("\($0)/report.json").path)
            }
        }

        // Kill the first run as soon as one report is finished (or after a generous wait).
        let first = try start()
        let deadline = Date().addingTimeInterval(120)
        while finishedReports().isEmpty && first.isRunning && Date() < deadline { usleep(20_000) }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let doneBeforeKill = finishedReports().count
        XCTAssertLessThan(doneBeforeKill, count, "the batch finished before it could be interrupted")

        // --die-with-parent: the sandboxes of a killed grader die with it.
        // Sandboxed processes run as uid base + job slot (this test process's own range, passed on in the environment).
        let base = TestPackage.sandboxBaseUID
        let survivors = ProcessTable.waitUntilNone(within: 10) { $0.uid >= base && $0.uid < base + 64 }
        XCTAssertTrue(survivors.isEmpty, "sandboxes outlived the killed grader: \(survivors.map(\.commandLine))")

        let second = try start()
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0)
        XCTAssertEqual(finishedReports().count, count)
        for k in 0..<count {
            let folder = out.appendingPathComponent(String(format: "student-%02d", k))
            let report = try assertSchemaValidFile(folder.appendingPathComponent("report.json"))
            XCTAssertEqual(report.score, report.maxScore, "\(folder.lastPathComponent)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("results.json").path))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
            XCTAssertEqual(leftovers, [], "temporary files left in \(folder.lastPathComponent)")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, count + 1)
    }
}
