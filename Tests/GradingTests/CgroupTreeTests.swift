import XCTest
@testable import GradingCore

/// The wiring of cgroup v2 limits, on a plain folder standing in for a delegated cgroup (this development machine
/// mounts the memory and pids controllers as cgroup v1, so no kernel enforces them here): the grader moves itself
/// into a leaf, enables the controllers for the subtree, writes each sandbox's limits, and the command's first
/// process enters its cgroup before anything else runs.
final class CgroupTreeTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "cpu memory pids\n".write(to: folder.appendingPathComponent("cgroup.controllers"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testPrepareMovesTheGraderIntoALeafAndEnablesTheControllers() throws {
        let tree = try CgroupTree.prepare(folder: folder.path, pid: 4242).get()
        XCTAssertEqual(tree.folder, folder.path)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("grader/cgroup.procs"), encoding: .utf8), "4242\n")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("cgroup.subtree_control"), encoding: .utf8), "+memory +pids\n")
    }

    func testALeaseHasTheSandboxLimitsAndTheCommandEntersItFirst() throws {
        let tree = try CgroupTree.prepare(folder: folder.path).get()
        let lease = try XCTUnwrap(tree.lease(memoryMiB: 1024, processes: 32))
        XCTAssertTrue(lease.folder.hasPrefix(folder.path + "/sandbox-"))
        XCTAssertEqual(try String(contentsOfFile: lease.folder + "/memory.max", encoding: .utf8), "\(1024 * 1024 * 1024)\n")
        XCTAssertEqual(try String(contentsOfFile: lease.folder + "/pids.max", encoding: .utf8), "32\n")
        // Two leases never share a folder.
        let other = try XCTUnwrap(tree.lease(memoryMiB: 1, processes: 1))
        XCTAssertNotEqual(other.folder, lease.folder)

        // The prefix writes the shell's own pid, then execs the command in the same process.
        let child = try ChildProcess(arguments: lease.enterPrefix + ["/bin/sh", "-c", "echo $$"], environment: [:], outputCap: 4096)
        child.closeInput()
        let (status, _) = child.waitForExit(deadline: Date().addingTimeInterval(10))
        child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(1))
        XCTAssertEqual(status, 0)
        let entered = try String(contentsOfFile: lease.folder + "/cgroup.procs", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(entered, child.outputText().trimmingCharacters(in: .whitespacesAndNewlines),
                       "the process that ran the command is the one that entered the cgroup")
        XCTAssertEqual(lease.outOfMemoryKills, 0)
        try "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n".write(toFile: lease.folder + "/memory.events", atomically: true, encoding: .utf8)
        XCTAssertEqual(lease.outOfMemoryKills, 2)

        lease.remove()
        XCTAssertFalse(FileManager.default.fileExists(atPath: lease.folder))
    }

    func testAFolderThatCannotBeUsedIsRefusedWithTheReason() throws {
        let missing = folder.appendingPathComponent("not-there/deeper").path
        guard case let .failure(reason) = CgroupTree.prepare(folder: missing) else { return XCTFail("a missing folder was taken") }
        XCTAssertTrue(reason.description.contains(missing), reason.description)
    }
}
