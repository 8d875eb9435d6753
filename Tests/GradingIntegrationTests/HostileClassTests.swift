import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// A whole class of hostile submissions (grading/fixtures/hostile, plus attacks a test must make itself) graded in
/// one batch, two at a time, beside a clean "victim": each attack costs only its own exercise, nothing leaks or
/// escapes, and nothing is left running.
final class HostileClassTests: XCTestCase {
    /// The README's table: the attacked exercise's status (any of these).
    static let expectedStatuses: [String: Set<ExerciseStatus>] = [
        "infinite-loop": [.timedOut],
        "sleep-forever": [.timedOut],
        "ignore-sigterm": [.timedOut],
        "crash": [.crashed],
        "exit-zero": [.crashed],
        // Crashed at the address-space limit; filling 1 GiB element by element in a debug build can pass the time
        // limit first on a loaded machine, and one timed-out test makes the exercise timed-out. The memory verdict
        // itself is checked below.
        "alloc-unbounded": [.crashed, .timedOut],
        "recurse-unbounded": [.crashed],
        "background-process": [.passed],
        // Its signals cannot reach outside the sandbox, so its answers are judged: the garbage it returns is right
        // for eval mode (identity, mask of ones), so some points are earned; it still loses points.
        "kill-parent": [.failed, .crashed, .partial],
        // The README's "softmax passes (output truncated)" predates stopping a program once it has printed 16 MiB
        // (a flood then costs milliseconds, not the time limit); its softmax prints more than that, so it crashes.
        "flood-output": [.partial, .crashed],
        "fill-disk": [.passed],
        "forged-results": [.crashed, .failed],
        "compile-error": [.compileError],
        "type-checker-bomb": [.compileError],
        "snoop": [.passed],
        "write-outside": [.failed],
        // Only increments state.t, which some of Adam's checks give credit for.
        "network": [.failed, .partial],
        // Replies no answer could be: judged failed without computing or allocating anything from their claims.
        "shape-overflow": [.failed],
        "many-dims": [.failed],
        "huge-frame": [.failed],
        // Right shapes, poisoned values: the shape checks earn their points, every statistic fails.
        "nan-inf": [.partial, .failed],
        // Lists its inherited descriptors and answers correctly.
        "inherited-fds": [.passed],
        // Fills /dev/shm, /dev, /tmp and memfd files until they refuse, then answers correctly.
        "memory-outside-limits": [.passed],
        // Its #sourceLocation lines blame its errors on Softmax.swift, Conv2D.swift and HeInit.swift: refused.
        "forged-location": [.rejected],
        // Calls ptrace, memfd_create, unshare, io_uring_setup, bpf and keyctl (each refused), then answers correctly.
        "forbidden-syscalls": [.passed],
    ]

    func testHostileClassCostsOnlyTheAttackedExercises() throws {
        let secret = "grader-test-secret-\(UUID().uuidString)"
        setenv("GRADER_TEST_SECRET", secret, 1)
        defer { unsetenv("GRADER_TEST_SECRET") }
        // Short limits: every hang costs its time limit, and there are several.
        let package = try TestPackage.sharedShortLimits()
        let work = try package.scratchFolder("hostile")
        let submissions = work.appendingPathComponent("class")
        let out = work.appendingPathComponent("out")
        let listener = try ConnectionCounter()
        var listenerStopped = false
        defer { if !listenerStopped { listener.stop() } }

        let hostTargets = ["/tmp/fill", "/tmp/results.json", "/autograder", "/PWNED", "/usr/PWNED", "/etc/PWNED"]
        let alreadyThere = Set(hostTargets.filter { FileManager.default.fileExists(atPath: $0) })

        // The fixtures, aimed at this run's real paths.
        var attacked: [String: String] = [:]  // submission → exercise id
        for fixture in TestPackage.subfolders(of: "grading/fixtures/hostile") {
            let file = try TestPackage.onlySwiftFile(in: fixture)
            let name = fixture.lastPathComponent
            let source = try String(contentsOf: file, encoding: .utf8)
                .replacingOccurrences(of: "__ROOT__", with: package.root.path)
                .replacingOccurrences(of: "__OUT__", with: out.path)
                .replacingOccurrences(of: "__SUBMISSIONS__", with: submissions.path)
                .replacingOccurrences(of: "__PORT__", with: String(listener.port))
            try package.makeSubmission(in: submissions, name: name, overrides: [file.lastPathComponent: source])
            attacked[name] = try XCTUnwrap(TestPackage.exerciseID(forFile: file.lastPathComponent))
        }
        XCTAssertEqual(Set(attacked.keys), Set(Self.expectedStatuses.keys), "the hostile fixtures and this test's table differ")
        try package.makeSubmission(in: submissions, name: "victim")

        // An exercise file that is a symbolic link to a file elsewhere.
        let linked = try package.makeSubmission(in: submissions, name: "symlinked-file", overrides: ["Softmax.swift": nil])
        try FileManager.default.createSymbolicLink(at: linked.appendingPathComponent("Softmax.swift"),
                                                   withDestinationURL: package.solutions.appendingPathComponent("Softmax.swift"))
        // A 50 MB exercise file.
        let huge = try package.makeSubmission(in: submissions, name: "huge-file", overrides: ["Softmax.swift": nil])
        let hugePath = huge.appendingPathComponent("Softmax.swift").path
        XCTAssertTrue(FileManager.default.createFile(atPath: hugePath, contents: Data("// padding\n".utf8)))
        XCTAssertEqual(truncate(hugePath, 50_000_000), 0)
        // A submission folder that is itself a symbolic link.
        let outside = try package.makeSubmission(in: work, name: "outside-folder")
        try FileManager.default.createSymbolicLink(at: submissions.appendingPathComponent("linked-folder"), withDestinationURL: outside)
        // A zip holding a correct submission in a subfolder, and an entry that climbs out.
        try makeZip(at: submissions.appendingPathComponent("zipped.zip"), solutions: package.solutions)
        // Zip bombs: a 100 MB Swift file, a 100 MB binary and a 50 MB file whose declared size lies (100 bytes),
        // beside correct solutions; and a zip of 3000 entries.
        try runPython(Self.zipBombScript, submissions.appendingPathComponent("zip-bomb.zip").path, package.solutions.path)
        try runPython(Self.zipManyScript, submissions.appendingPathComponent("zip-many-entries.zip").path)
        let bombBytes = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: submissions.appendingPathComponent("zip-bomb.zip").path)[.size] as? Int)
        XCTAssertLessThan(bombBytes, 2_000_000, "the bomb is small on disk")

        let runner = BatchRunner(grader: try package.grader(),
                                 options: .init(submissions: submissions, out: out, jobs: 2, seed: 2026, includeHidden: true))
        // A writable descriptor the grader holds (opened without close-on-exec, as a library might) while workers start.
        let heldName = "held-by-grader-\(UUID().uuidString)"
        let held = open(work.appendingPathComponent(heldName).path, O_WRONLY | O_CREAT, 0o600)
        XCTAssertGreaterThan(held, 2)
        defer { close(held) }
        let residentBefore = Self.peakResidentBytes()
        let result = try runner.run()
        let residentAfter = Self.peakResidentBytes()
        listener.stop()
        listenerStopped = true

        let expectedNames = Set(attacked.keys).union(["victim", "symlinked-file", "huge-file", "linked-folder", "zipped",
                                                      "zip-bomb", "zip-many-entries"])
        XCTAssertEqual(Set(result.reports.map(\.submission)), expectedNames)
        let reports = Dictionary(uniqueKeysWithValues: result.reports.map { ($0.submission, $0) })
        for report in result.reports {
            assertSchemaValid(report)
            try assertSchemaValidFile(out.appendingPathComponent(report.submission).appendingPathComponent("report.json"))
        }

        // Each attack costs its own exercise only.
        for (name, exerciseID) in attacked.sorted(by: { $0.key < $1.key }) {
            guard let report = reports[name], let exercise = report.exercise(exerciseID) else { XCTFail("no report for \(name)"); continue }
            let allowed = Self.expectedStatuses[name] ?? []
            XCTAssertTrue(allowed.contains(exercise.status),
                          "\(name): \(exerciseID) is \(exercise.status.rawValue), expected one of \(allowed.map(\.rawValue)): \(exercise.message) " +
                          exercise.tests.map { "[\($0.name) \($0.status.rawValue): \($0.message)]" }.joined())
            if exercise.status != .passed {
                XCTAssertLessThan(exercise.score, exercise.maxScore, "\(name): an attack that fails keeps no full marks")
            }
            for other in report.exercises where other.id != exerciseID {
                XCTAssertEqual(other.status, .passed, "\(name): the untouched \(other.id) is \(other.status.rawValue): \(other.message)")
            }
        }
        assertFullMarks(try XCTUnwrap(reports["victim"]))

        // Details the table promises.
        let compileError = try XCTUnwrap(reports["compile-error"]?.exercise("adam"))
        XCTAssertTrue(compileError.diagnostics.contains { $0.file == "Adam.swift" && $0.line > 0 && $0.severity == "error" }, "\(compileError.diagnostics)")
        let hoard = try XCTUnwrap(reports["alloc-unbounded"]?.exercise("softmax"))
        XCTAssertTrue(hoard.tests.contains { $0.status == .crashed && $0.message.contains("ran out of memory") && $0.message.contains("1024 MiB") },
                      hoard.tests.map { "\($0.name) \($0.status.rawValue): \($0.message)" }.joined(separator: "\n"))
        let forged = try XCTUnwrap(reports["forged-results"])
        XCTAssertEqual(forged.exercise("conv2d")?.score, 0)
        XCTAssertEqual(forged.score, forged.maxScore - (forged.exercise("conv2d")?.maxScore ?? 0), accuracy: 1e-9)
        let flood = try XCTUnwrap(reports["flood-output"]?.exercise("softmax"))
        XCTAssertTrue(flood.tests.allSatisfy { $0.studentOutput.utf8.count <= 8192 + 200 }, "a flood is truncated in the report")

        // Absurd replies: short messages that quote the shape abbreviated, small reports, no gigabyte allocated.
        for (name, exerciseID) in [("shape-overflow", "conv2d"), ("many-dims", "softmax"), ("huge-frame", "adam")] {
            let tests = try XCTUnwrap(reports[name]?.exercise(exerciseID)).tests
            XCTAssertTrue(tests.allSatisfy { $0.status == .failed && $0.score == 0 && $0.message.utf8.count < 400 },
                          "\(name): " + tests.map { "\($0.status.rawValue): \($0.message.prefix(500))" }.joined(separator: "\n"))
        }
        let overflow = try XCTUnwrap(reports["shape-overflow"]?.exercise("conv2d")).tests.map(\.message)
        XCTAssertTrue(overflow.contains { $0.contains("[2147483648, 2147483648, 2147483648, 4]") && $0.contains("overflows") }, "\(overflow)")
        let manyDims = try XCTUnwrap(reports["many-dims"]?.exercise("softmax")).tests.map(\.message)
        XCTAssertTrue(manyDims.contains { $0.contains("1000 dimensions") }, "\(manyDims)")
        XCTAssertTrue(manyDims.contains { $0.contains("16000033 bytes") && $0.contains("not read") }, "\(manyDims)")
        let hugeFrame = try XCTUnwrap(reports["huge-frame"]?.exercise("adam")).tests.map(\.message)
        XCTAssertTrue(hugeFrame.allSatisfy { $0.contains("1073741824 bytes") }, "\(hugeFrame)")
        // A grader that allocated what the huge-frame header announces would hold 1 GiB (zero-filled, so resident).
        XCTAssertLessThan(residentAfter - residentBefore, 512 << 20, "the grader's peak resident memory grew by \(residentAfter - residentBefore) bytes")
        let poisoned = try XCTUnwrap(reports["nan-inf"]?.exercise("he-init"))
        XCTAssertTrue(poisoned.tests.allSatisfy { $0.status == .failed && $0.message.contains("NaN") }, poisoned.message)
        for name in expectedNames {
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("\(name)/report.json").path)[.size] as? Int)
            XCTAssertLessThan(size, 1_000_000, "\(name)/report.json is \(size) bytes")
        }

        // Workers see their standard streams, the reply channel and the descriptor they list with, nothing else.
        let listing = try XCTUnwrap(reports["inherited-fds"]?.exercise("dropout")).tests.map(\.studentOutput).joined(separator: "\n")
        let descriptors = listing.split(separator: "\n").filter { $0.hasPrefix("FD ") }
        XCTAssertFalse(descriptors.isEmpty, "the listing ran: \(listing.prefix(300))")
        XCTAssertFalse(listing.contains(heldName), "a worker inherited the grader's writable descriptor: \(listing.prefix(600))")
        let numbers = Set(descriptors.compactMap { Int($0.split(separator: " ")[1]) })
        XCTAssertTrue(numbers.isSubset(of: [0, 1, 2, 3, 4]), "a worker started with descriptors \(numbers.sorted()): \(listing.prefix(600))")

        // Memory outside the address-space limit: /dev (and /dev/shm) hold nothing, /tmp its size, memfd files at
        // most the open-file limit × the file-size limit.
        let hoarding = try XCTUnwrap(reports["memory-outside-limits"]?.exercise("adam")).tests.map(\.studentOutput).joined(separator: "\n")
        func hoarded(_ label: String) -> Int? {
            hoarding.split(separator: "\n").first { $0.hasPrefix(label + " ") }.flatMap { Int($0.split(separator: " ")[1]) }
        }
        XCTAssertEqual(hoarded("SHM"), 0, hoarding)
        XCTAssertEqual(hoarded("DEV"), 0, hoarding)
        XCTAssertLessThanOrEqual(try XCTUnwrap(hoarded("TMP"), hoarding), 64 << 20)
        XCTAssertLessThanOrEqual(try XCTUnwrap(hoarded("MEMFD"), hoarding), WorkerSession.openFiles * (runner.grader.manifest.defaults.fileSizeMiB << 20))
        if runner.grader.sandbox.filtersSystemCalls {
            XCTAssertEqual(hoarded("MEMFD"), 0, "the system-call filter refuses memfd_create: \(hoarding)")
        }

        // System calls no exercise needs fail with EPERM (errno 1) under the filter, one line each:
        // "SYSCALL name result errno".
        let attempts = try XCTUnwrap(reports["forbidden-syscalls"]?.exercise("he-init")).tests.map(\.studentOutput).joined(separator: "\n")
        let calls = Dictionary(attempts.split(separator: "\n").filter { $0.hasPrefix("SYSCALL ") }
            .map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 4 }
            .map { ($0[1], "\($0[2]) \($0[3])") }) { first, _ in first }
        XCTAssertEqual(Set(calls.keys), ["ptrace", "memfd_create", "unshare", "io_uring_setup", "bpf", "keyctl"], attempts)
        if runner.grader.sandbox.filtersSystemCalls {
            for (name, outcome) in calls.sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(outcome, "-1 1", "\(name) was not refused with EPERM: \(attempts)")
            }
        } else {
            print("The sandbox runs without its system-call filter here (\(runner.grader.sandbox.notice ?? "no reason given")); the forbidden calls' errors are not checked.")
        }

        // A forged #sourceLocation costs its own file only, and says why.
        let forgedLocation = try XCTUnwrap(reports["forged-location"]?.exercise("adam"))
        XCTAssertTrue(forgedLocation.message.contains("#sourceLocation"), forgedLocation.message)

        // Zip bombs: only bounded Swift files are unpacked; the correct files beside the bomb keep full marks.
        let bomb = try XCTUnwrap(reports["zip-bomb"])
        assertFullMarks(bomb)
        XCTAssertTrue(bomb.notices.contains { $0.contains("bomb.swift") && $0.contains("104857600 bytes") && $0.contains("not unpacked") }, "\(bomb.notices)")
        XCTAssertTrue(bomb.notices.contains { $0.contains("liar.swift") && $0.contains("refused") }, "\(bomb.notices)")
        let many = try XCTUnwrap(reports["zip-many-entries"])
        XCTAssertTrue(many.exercises.allSatisfy { $0.status == .rejected && $0.message.contains("3000 entries") }, many.statusLine)

        // Refused files and folders.
        let symlinkedFile = try XCTUnwrap(reports["symlinked-file"])
        XCTAssertEqual(symlinkedFile.exercise("softmax")?.status, .rejected)
        XCTAssertEqual(reports["huge-file"]?.exercise("softmax")?.status, .rejected)
        XCTAssertTrue(reports["huge-file"]?.exercise("softmax")?.message.contains("50000000") ?? false,
                      reports["huge-file"]?.exercise("softmax")?.message ?? "")
        for name in ["symlinked-file", "huge-file"] {
            for other in reports[name]?.exercises ?? [] where other.id != "softmax" {
                XCTAssertEqual(other.status, .passed, "\(name): \(other.id) \(other.message)")
            }
        }
        let linkedFolder = try XCTUnwrap(reports["linked-folder"])
        XCTAssertTrue(linkedFolder.exercises.allSatisfy { $0.status == .rejected }, linkedFolder.statusLine)
        XCTAssertEqual(linkedFolder.score, 0)
        let zipped = try XCTUnwrap(reports["zipped"])
        assertFullMarks(zipped)
        XCTAssertTrue(zipped.notices.contains { $0.contains("../escape.swift") && $0.contains("refused") }, "\(zipped.notices)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("escape.swift").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: submissions.appendingPathComponent("escape.swift").path))

        // Nothing written where the attacks aimed, no connection, no secret read.
        for path in [package.root.appendingPathComponent("PWNED").path, package.root.appendingPathComponent("PWNED-DIR").path,
                     out.appendingPathComponent("PWNED").path, submissions.appendingPathComponent("victim/PWNED").path,
                     out.appendingPathComponent("results.json").path] + hostTargets where !alreadyThere.contains(path) {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(path) was written by a sandboxed submission")
        }
        XCTAssertEqual(listener.count, 0, "a sandboxed submission connected to the host's network")
        let network = try XCTUnwrap(reports["network"]?.exercise("adam"))
        XCTAssertFalse(network.tests.contains { $0.studentOutput.contains("CONNECTED") })

        let snoop = try XCTUnwrap(reports["snoop"]?.exercise("dropout"))
        let snooped = snoop.tests.map(\.studentOutput).joined(separator: "\n")
        XCTAssertTrue(snooped.contains("PEEK"), "the snoop's code ran and its output was captured")
        XCTAssertFalse(snooped.contains(secret), "the grader's environment reached the sandbox")
        XCTAssertFalse(snooped.contains("GRADER_TEST_SECRET"))
        let manifestText = try String(contentsOf: package.root.appendingPathComponent("grading/manifest.json"), encoding: .utf8)
        let solutionText = try String(contentsOf: package.solutions.appendingPathComponent("Softmax.swift"), encoding: .utf8)
        for (label, text) in [("manifest", manifestText), ("solution", solutionText)] {
            XCTAssertFalse(snooped.contains(String(text.prefix(48))), "the snoop read the \(label)")
        }
        XCTAssertFalse(snooped.contains("root:x:0:0"), "the snoop read /etc/passwd")
        // What /proc shows of the host (the sandbox's init command line, its mount table) names no submission, no
        // class or output folder, not the project and not the grader's work folder (the worker program is copied
        // into the sandbox, not bound from its job folder).
        let procViews = snooped.split(separator: "\n").filter { !$0.hasPrefix("PEEK") }
        XCTAssertTrue(procViews.contains { $0.hasPrefix("WHOLE /proc/self/mountinfo") }, "the snoop read its mount table")
        XCTAssertTrue(procViews.contains { $0.contains(" /usr /usr ") }, "the mount table was read whole: \(procViews.prefix(3))")
        for view in procViews {
            for hostPath in [submissions.path, out.path, package.root.path, "victim", "training-grader", runner.grader.workRoot.path] {
                XCTAssertFalse(view.contains(hostPath), "the sandbox's /proc names \(hostPath): \(view.prefix(300))")
            }
        }

        // Nothing left running: no process of the sandbox uids, no `sleep 600` of the background attack.
        // The sandbox uids are this test process's own (TestPackage.sandboxBaseUID), so other test runs on the
        // machine are not counted; the background attack's `sleep 600` runs as one of them too.
        let uids = [runner.grader.sandbox.baseUID, runner.grader.sandbox.baseUID + 1]
        XCTAssertEqual(uids[0], TestPackage.sandboxBaseUID)
        let survivors = ProcessTable.waitUntilNone(within: 10) { uids.contains($0.uid) }
        XCTAssertEqual(survivors.map { "\($0.pid) uid \($0.uid): \($0.commandLine.joined(separator: " "))" }, [])

        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        XCTAssertEqual(rows.count, expectedNames.count + 1)
        XCTAssertEqual(Set(rows.dropFirst().map { String($0.prefix { $0 != "," }) }), expectedNames)
    }

    /// The peak resident set size of this process so far, in bytes (Linux reports KiB).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Solutions under `submission/`, plus `bomb.swift` (100 MB of spaces), `padding.bin` (100 MB of zeros) and
    /// `liar.swift` (50 MB whose headers declare 100 bytes).
    static let zipBombScript = """
    import sys, zipfile, os, struct
    target, folder = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(os.listdir(folder)):
            z.write(os.path.join(folder, name), "submission/" + name)
        z.writestr("submission/bomb.swift", b" " * (100 << 20))
        z.writestr("submission/padding.bin", b"\\0" * (100 << 20))
        z.writestr("submission/liar.swift", b"/" * (50 << 20))
    data = bytearray(open(target, "rb").read())
    name, i = b"submission/liar.swift", 0
    while True:
        i = data.find(name, i + 1)
        if i < 0: break
        if data[i - 46:i - 42] == b"PK\\x01\\x02": struct.pack_into("<I", data, i - 46 + 24, 100)
        if data[i - 30:i - 26] == b"PK\\x03\\x04": struct.pack_into("<I", data, i - 30 + 22, 100)
    open(target, "wb").write(data)
    """

    /// 3000 one-byte entries.
    static let zipManyScript = """
    import sys, zipfile
    with zipfile.ZipFile(sys.argv[1], "w") as z:
        for k in range(3000):
            z.writestr("f%d.txt" % k, b"x")
    """

    private func runPython(_ script: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 could not write the zip")
    }

    /// A zip with the solutions under `submission/` and an entry named `../escape.swift`.
    private func makeZip(at url: URL, solutions: URL) throws {
        let script = """
        import sys, zipfile, os
        target, folder = sys.argv[1], sys.argv[2]
        with zipfile.ZipFile(target, "w") as z:
            for name in sorted(os.listdir(folder)):
                z.write(os.path.join(folder, name), "submission/" + name)
            z.writestr(zipfile.ZipInfo("../escape.swift"), "let escaped = 1\\n")
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path, solutions.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 could not write the zip")
        let listing = Process()
        listing.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        listing.arguments = ["python3", "-c", "import zipfile,sys; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", url.path]
        let pipe = Pipe()
        listing.standardOutput = pipe
        try listing.run()
        let names = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        listing.waitUntilExit()
        XCTAssertTrue(names.contains("../escape.swift"), "the zip must really hold the climbing entry: \(names)")
    }
}
