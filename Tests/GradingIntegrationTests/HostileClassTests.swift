import Foundation
import XCTest
@testable import Grading

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

        let runner = BatchRunner(grader: try package.grader(),
                                 options: .init(submissions: submissions, out: out, jobs: 2, seed: 2026, includeHidden: true))
        let result = try runner.run()
        listener.stop()
        listenerStopped = true

        let expectedNames = Set(attacked.keys).union(["victim", "symlinked-file", "huge-file", "linked-folder", "zipped"])
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

        // Nothing left running: no process of the sandbox uids, no `sleep 600` of the background attack.
        let survivors = ProcessTable.waitUntilNone(within: 10) { entry in
            entry.uid == 61000 || entry.uid == 61001 || (entry.commandLine.first?.hasSuffix("sleep") == true && entry.commandLine.contains("600"))
        }
        XCTAssertEqual(survivors.map { "\($0.pid) uid \($0.uid): \($0.commandLine.joined(separator: " "))" }, [])

        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        XCTAssertEqual(rows.count, expectedNames.count + 1)
        XCTAssertEqual(Set(rows.dropFirst().map { String($0.prefix { $0 != "," }) }), expectedNames)
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
