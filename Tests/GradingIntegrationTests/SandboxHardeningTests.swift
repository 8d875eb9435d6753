import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The sandbox's own guarantees, checked by running small programs in it: every limit takes or the run stops, no
/// user namespaces inside, a read-only /dev, a sized /tmp, no root without a way to drop it.
final class SandboxHardeningTests: XCTestCase {
    private func sandbox() throws -> Sandbox {
        try Sandbox.bubblewrap(toolchainRoot: GraderEnvironment.discover(from: TestPackage.sourceRoot).toolchainRoot)
    }

    /// Runs a shell line in `sandbox`; returns the exit status and the merged output.
    private func run(_ line: String, in sandbox: Sandbox, limits: Sandbox.ResourceLimits = .init(cpuSeconds: 10, memoryMiB: 512, processes: 16, fileSizeMiB: 4, tmpfsMiB: 8),
                     copies: [Sandbox.Copy] = [], workingDirectory: String = "/tmp") throws -> (status: Int32?, output: String) {
        let command = sandbox.command(["/bin/bash", "-c", line], limits: limits, binds: [], copies: copies,
                                      workingDirectory: workingDirectory, slot: 0)
        let child = try ChildProcess(command, outputCap: 64 * 1024)
        child.closeInput()
        let (status, killed) = child.waitForExit(deadline: Date().addingTimeInterval(30))
        child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(1))
        XCTAssertFalse(killed, "the sandboxed line did not finish: \(line)")
        return (ExitDescription.exitCode(status), child.outputText())
    }

    func testALimitThatCannotBeSetStopsTheRun() throws {
        // A negative CPU limit is refused by ulimit: the program must not run without it.
        let result = try run("echo RAN", in: try sandbox(), limits: .init(cpuSeconds: -1, memoryMiB: 512, processes: 16, fileSizeMiB: 4))
        XCTAssertEqual(result.status, 125, result.output)
        XCTAssertFalse(result.output.contains("RAN"), result.output)
        XCTAssertTrue(result.output.contains("could not set its resource limits"), result.output)
    }

    /// With a delegated cgroup v2 (a plain folder stands in here: this machine mounts memory and pids as cgroup v1),
    /// the sandboxed command's first process enters its own child cgroup, whose limits are the command's, before
    /// privileges are dropped; the cgroup is removed once the command has been reaped.
    func testASandboxedCommandEntersItsOwnCgroupFirstAndLeavesNothingBehind() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-sandbox-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var sandbox = try sandbox()
        sandbox.cgroups = try CgroupTree.prepare(folder: folder.path, pid: 1).get()
        let command = sandbox.command(["/bin/bash", "-c", "echo INSIDE"],
                                      limits: .init(cpuSeconds: 10, memoryMiB: 300, processes: 12, fileSizeMiB: 4, tmpfsMiB: 8),
                                      binds: [], workingDirectory: "/tmp", slot: 0)
        let lease = try XCTUnwrap(command.cgroup)
        XCTAssertEqual(Array(command.arguments.prefix(4)), lease.enterPrefix)
        XCTAssertEqual(try String(contentsOfFile: lease.folder + "/memory.max", encoding: .utf8), "\(300 << 20)\n")
        XCTAssertEqual(try String(contentsOfFile: lease.folder + "/pids.max", encoding: .utf8), "12\n")
        let child = try ChildProcess(command, outputCap: 4096)
        // The pid written is the spawned process itself (sh execs the rest of the chain in place); the folder stays
        // until the grader reaps the child.
        let procs = lease.folder + "/cgroup.procs"
        for _ in 0..<500 where (try? String(contentsOfFile: procs, encoding: .utf8))?.hasSuffix("\n") != true { usleep(10_000) }
        XCTAssertEqual(try String(contentsOfFile: lease.folder + "/cgroup.procs", encoding: .utf8), "\(child.pid)\n")
        child.closeInput()
        let (status, _) = child.waitForExit(deadline: Date().addingTimeInterval(30))
        child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(1))
        XCTAssertEqual(ExitDescription.exitCode(status), 0, child.outputText())
        XCTAssertTrue(child.outputText().contains("INSIDE"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: lease.folder), "the command's cgroup outlived it")
    }

    func testEveryLimitIsInPlaceInside() throws {
        let result = try run("ulimit -t; ulimit -v; ulimit -f; ulimit -u; ulimit -n; ulimit -c", in: try sandbox(),
                             limits: .init(cpuSeconds: 7, memoryMiB: 300, processes: 12, fileSizeMiB: 3, tmpfsMiB: 8, openFiles: 20))
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.output.split(separator: "\n").map(String.init), ["7", "\(300 * 1024)", "\(3 * 1024)", "12", "20", "0"])
    }

    func testDevIsReadOnlyAndTmpIsSized() throws {
        let result = try run("""
            echo x > /dev/shm/hoard 2>/dev/null && echo SHM-WRITABLE; echo x > /dev/hoard 2>/dev/null && echo DEV-WRITABLE
            echo ok > /dev/null && echo NULL-OK; head -c 8 /dev/urandom | wc -c
            for k in 1 2 3 4; do head -c 3000000 /dev/zero > /tmp/f$k 2>/dev/null; done; du -sb /tmp | cut -f1
            """, in: try sandbox())
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.output.split(separator: "\n").map(String.init)
        XCTAssertFalse(result.output.contains("SHM-WRITABLE"), result.output)
        XCTAssertFalse(result.output.contains("DEV-WRITABLE"), result.output)
        XCTAssertTrue(lines.contains("NULL-OK"), result.output)
        XCTAssertTrue(lines.contains("8"), "urandom is readable: \(result.output)")
        let used = try XCTUnwrap(lines.last.flatMap { Int($0) }, result.output)
        XCTAssertLessThanOrEqual(used, 8 << 20, "the 8 MiB /tmp held \(used) bytes")
        XCTAssertGreaterThan(used, 4 << 20, "the files were written up to the cap")
    }

    func testNoUserNamespacesInside() throws {
        let sandbox = try sandbox()
        guard sandbox.disablesUserNamespaces else {
            throw XCTSkip("this bubblewrap has no --disable-userns")
        }
        let result = try run("unshare --user true && echo NESTED-USERNS", in: sandbox)
        XCTAssertFalse(result.output.contains("NESTED-USERNS"), result.output)
    }

    func testSystemCallFilterIsInForce() throws {
        let sandbox = try sandbox()
        guard sandbox.filtersSystemCalls else {
            throw XCTSkip(sandbox.notice ?? "no system-call filter here")
        }
        XCTAssertNil(sandbox.notice)
        // Mode 2 is a seccomp filter. An ordinary program still runs; the filter's calls fail with EPERM (errno 1).
        let status = try run("grep '^Seccomp:' /proc/self/status; /usr/bin/true && echo TRUE-RAN", in: sandbox)
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.output.contains("Seccomp:\t2"), status.output)
        XCTAssertTrue(status.output.contains("TRUE-RAN"), status.output)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            throw XCTSkip("no python3 to make the calls with")
        }
        // Each call by its number on this machine, straight through syscall(2); printed as "name result errno".
        let native = try XCTUnwrap(SeccompFilter.native)
        let names = ["memfd_create", "unshare", "ptrace", "keyctl", "personality"]
        let calls = names.map { "('\($0)', \(native.numbers[$0]!))" }.joined(separator: ", ")
        let script = """
            import ctypes, os
            libc = ctypes.CDLL(None, use_errno=True)
            for name, number in [\(calls)]:
                result = libc.syscall(number, 0, 0, 0, 0)
                print(name, result, ctypes.get_errno())
            print('getpid', 1 if libc.syscall(\(native.name == "x86_64" ? 39 : 172)) > 0 else 0)
            """
        let result = try run("/usr/bin/python3 -c \(Sandbox.shellQuote(script))", in: sandbox)
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.output.split(separator: "\n").map(String.init)
        for name in names {
            XCTAssertTrue(lines.contains("\(name) -1 1"), "\(name) was not refused with EPERM: \(result.output)")
        }
        XCTAssertTrue(lines.contains("getpid 1"), "a call off the list still works: \(result.output)")
    }

    /// A filter the kernel refuses (here: an invalid instruction, as a kernel without seccomp filters refuses
    /// every one) costs the filter only: the sandbox still runs, without it, and says so.
    func testARefusedFilterFallsBackToNoneWithANotice() throws {
        let toolchainRoot = try GraderEnvironment.discover(from: TestPackage.sourceRoot).toolchainRoot
        let refused = try Sandbox.bubblewrap(toolchainRoot: toolchainRoot, filterProgram: [0xff, 0xff, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(refused.kind, .bubblewrap)
        XCTAssertFalse(refused.filtersSystemCalls)
        let notice = try XCTUnwrap(refused.notice)
        XCTAssertTrue(notice.contains("without its system-call filter") && notice.contains("could not load it"), notice)
        XCTAssertEqual(refused.disablesUserNamespaces, try sandbox().disablesUserNamespaces, "only the filter was dropped")
        let result = try run("grep '^Seccomp:' /proc/self/status", in: refused)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("Seccomp:\t0"), result.output)
        let none = try Sandbox.bubblewrap(toolchainRoot: toolchainRoot, filterProgram: nil)
        XCTAssertFalse(none.filtersSystemCalls)
        XCTAssertTrue(none.notice?.contains("no system-call table") ?? false, none.notice ?? "no notice")
    }

    func testTheRootIsReadOnlyAndOnlyTmpIsWritable() throws {
        let result = try run("""
            touch /planted 2>/dev/null && echo ROOT-WRITABLE; mkdir /box 2>/dev/null && echo MKDIR-WORKED
            echo x > /tmp/ok && echo TMP-WRITABLE
            """, in: try sandbox())
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.output.contains("ROOT-WRITABLE"), result.output)
        XCTAssertFalse(result.output.contains("MKDIR-WORKED"), result.output)
        XCTAssertTrue(result.output.contains("TMP-WRITABLE"), result.output)
    }

    /// A copied file (how the worker program gets in) runs, cannot be changed, and its host folder is mounted
    /// nowhere; the descriptors that carried it and the filter are closed before the program starts.
    func testACopiedProgramRunsAndNamesNoHostFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("copied-program-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let program = folder.appendingPathComponent("worker")
        try FileManager.default.copyItem(atPath: "/usr/bin/echo", toPath: program.path)
        let result = try run("""
            ./worker COPY-RAN; stat -c '%A' ./worker; echo x >> ./worker 2>/dev/null && echo CHANGED
            ls /proc/self/fd | tr '\\n' ' '; echo; cat /proc/self/mountinfo
            """, in: try sandbox(), copies: [.init(program.path, at: "/box/bin/worker")], workingDirectory: "/box/bin")
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.output.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("COPY-RAN"), result.output)
        XCTAssertTrue(lines.contains("-r-xr-xr-x"), result.output)
        XCTAssertFalse(result.output.contains("CHANGED"), result.output)
        XCTAssertFalse(result.output.contains(folder.path), "the copied program's host folder is mounted: \(result.output)")
        // ls lists its own descriptor for /proc/self/fd as well (the lowest free one, 4 at most here).
        let descriptors = try XCTUnwrap(lines.first { $0.hasPrefix("0 1 2") }, result.output)
        XCTAssertTrue(Set(descriptors.split(separator: " ").compactMap { Int($0) }).isSubset(of: [0, 1, 2, 3, 4]), descriptors)
    }

    func testRootWithoutSetprivIsRefused() throws {
        XCTAssertThrowsError(try Sandbox.privilegeDropper(isRoot: true, setpriv: nil)) { error in
            XCTAssertTrue("\(error)".contains("would run as root"), "\(error)")
        }
        XCTAssertEqual(try Sandbox.privilegeDropper(isRoot: true, setpriv: "/usr/bin/setpriv"), "/usr/bin/setpriv")
        XCTAssertNil(try Sandbox.privilegeDropper(isRoot: false, setpriv: nil))
    }

    func testSandboxedCodeIsNotRootWhenTheGraderIs() throws {
        let sandbox = try sandbox()
        guard sandbox.isRoot else { throw XCTSkip("the grader is not root here") }
        // In the sandbox's user namespace the uid may read as anything; what counts is the uid outside, which the
        // process table shows.
        let result = try run("cat /proc/self/status | grep '^Uid:'", in: sandbox)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.output.contains("\t0\t"), result.output)
    }
}
