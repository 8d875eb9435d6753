import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The whole Gradescope bundle, as Gradescope would run it, against a simulated `/autograder` tree
/// (`AUTOGRADER_ROOT`): `grader gradescope` builds the zip, its `setup.sh` installs the grader (the one built with
/// these tests, through GRADER_PREBUILT, instead of a release build) and its `run_autograder` grades a correct, a
/// broken and a hostile submission. Every `results.json` is checked against Gradescope's documented fields.
final class GradescopeBundleTests: XCTestCase {
    private static let secretText = "gradescope-bundle-tests-secret-0123456789"
    private var work: URL!
    private var root: URL { work.appendingPathComponent("autograder") }
    private var binary: URL!

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("The Gradescope bundle runs as root, as in Gradescope's container.") }
        guard let binary = CLITests.graderBinary() else { throw XCTSkip("The grader binary is not built.") }
        self.binary = binary
        work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("grading-tests-gradescope-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("source"), withIntermediateDirectories: true)
        chmod(work.path, 0o755)
        chmod(root.path, 0o755)
        let secret = work.appendingPathComponent("course.secret")
        try Self.secretText.write(to: secret, atomically: true, encoding: .utf8)

        let zip = work.appendingPathComponent("autograder.zip")
        let bundle = try run(binary.path, ["gradescope", "--out", zip.path, "--secret-file", secret.path, "--per-student-inputs"],
                             in: TestPackage.sourceRoot)
        XCTAssertEqual(bundle.status, 0, bundle.stdout + bundle.stderr)
        let listing = try run("/usr/bin/unzip", ["-Z1", zip.path], in: work).stdout.split(separator: "\n").map(String.init)
        for file in ["setup.sh", "run_autograder", "Package.swift", "gradescope-config.json", "hidden-secret"] {
            XCTAssertTrue(listing.contains(file), "\(file) must be at the zip's root: \(listing.prefix(20))")
        }
        XCTAssertFalse(listing.contains { $0.hasPrefix(".build") }, "build products stay out of the bundle")
        XCTAssertEqual(try run("/usr/bin/unzip", ["-q", zip.path, "-d", root.appendingPathComponent("source").path], in: work).status, 0)
        let setup = try run("/bin/bash", [root.appendingPathComponent("source/setup.sh").path], in: work,
                            environment: ["AUTOGRADER_ROOT": root.path, "GRADER_PREBUILT": binary.path])
        XCTAssertEqual(setup.status, 0, setup.stdout + setup.stderr)
    }

    override func tearDownWithError() throws {
        if let work { try? FileManager.default.removeItem(at: work) }
    }

    private func run(_ program: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> ProcessRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "GRADER_SANDBOX")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return try ProcessRun.collect(process)
    }

    /// Puts `files` in the tree's submission folder with metadata for `student`, runs `run_autograder` and returns
    /// the results file, checked against Gradescope's format.
    private func autograde(_ files: [String: String], student: Int, environment: [String: String] = [:]) throws -> [String: Any] {
        let submission = root.appendingPathComponent("submission")
        try? FileManager.default.removeItem(at: submission)
        try FileManager.default.createDirectory(at: submission, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: submission.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try #"{"id": 9\#(student), "created_at": "2026-12-01T10:00:00.000000-08:00", "assignment": {"title": "Training basics"}, "users": [{"email": "s\#(student)@example.edu", "id": \#(student), "name": "Student"}]}"#
            .write(to: root.appendingPathComponent("submission_metadata.json"), atomically: true, encoding: .utf8)
        let result = try run("/bin/bash", [root.appendingPathComponent("source/run_autograder").path], in: work,
                             environment: environment.merging(["AUTOGRADER_ROOT": root.path]) { $1 })
        XCTAssertEqual(result.status, 0, result.stderr)
        let url = root.appendingPathComponent("results/results.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertFalse(text.contains(Self.secretText), "the course secret must never reach results.json")
        for forbidden in ["NaN", "Infinity", "\"nan\"", "\"inf\"", "\"-inf\""] {
            XCTAssertFalse(text.contains(forbidden), "results.json must hold no \(forbidden)")
        }
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        Self.assertGradescopeFormat(results)
        XCTAssertEqual(Self.mode(of: root), 0o700)
        XCTAssertEqual(Self.mode(of: root.appendingPathComponent("source")), 0o700)
        XCTAssertEqual(Self.mode(of: root.appendingPathComponent("results")), 0o700)
        return results
    }

    static func mode(of url: URL) -> mode_t {
        var info = stat()
        return stat(url.path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    /// Gradescope's documented fields: top-level score, execution_time, output (and its format and visibility),
    /// tests[] each with name, score, max_score, status, visibility and output_format; every number finite.
    static func assertGradescopeFormat(_ results: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        func finite(_ value: Any?) -> Bool { (value as? NSNumber).map { $0.doubleValue.isFinite } ?? false }
        XCTAssertTrue(finite(results["score"]), "score", file: file, line: line)
        XCTAssertTrue(finite(results["execution_time"]), "execution_time", file: file, line: line)
        XCTAssertTrue(results["output"] is String, "output", file: file, line: line)
        XCTAssertTrue(["text", "html", "simple_format", "md", "ansi"].contains(results["output_format"] as? String ?? ""), file: file, line: line)
        XCTAssertTrue(["hidden", "after_due_date", "after_published", "visible"].contains(results["visibility"] as? String ?? ""), file: file, line: line)
        let tests = results["tests"] as? [[String: Any]] ?? []
        XCTAssertFalse(tests.isEmpty, "tests[]", file: file, line: line)
        var total = 0.0
        for test in tests {
            XCTAssertTrue(test["name"] is String, "name", file: file, line: line)
            XCTAssertTrue(finite(test["score"]) && finite(test["max_score"]), "\(test["name"] ?? "?") scores", file: file, line: line)
            XCTAssertTrue(["passed", "failed"].contains(test["status"] as? String ?? ""), file: file, line: line)
            XCTAssertTrue(["hidden", "after_due_date", "after_published", "visible"].contains(test["visibility"] as? String ?? ""), file: file, line: line)
            XCTAssertTrue(["text", "html", "simple_format", "md", "ansi"].contains(test["output_format"] as? String ?? ""), file: file, line: line)
            total += (test["score"] as? NSNumber)?.doubleValue ?? 0
        }
        XCTAssertEqual(total, (results["score"] as? NSNumber)?.doubleValue ?? -1, accuracy: 1e-9, "the tests add up to the score", file: file, line: line)
    }

    private func solutions(overrides: [String: String] = [:]) throws -> [String: String] {
        var files: [String: String] = [:]
        for (_, file) in TestPackage.exerciseFiles {
            files[file] = try String(contentsOf: TestPackage.sourceRoot.appendingPathComponent("Solutions/\(file)"), encoding: .utf8)
        }
        return files.merging(overrides) { $1 }
    }

    /// A softmax that is right but first tries to read the solutions, the reference and the course secret (printing
    /// whatever it gets, which visible tests show) and to overwrite results.json with 1000 points.
    private func hostileSoftmax() throws -> String {
        let solution = try String(contentsOf: TestPackage.sourceRoot.appendingPathComponent("Solutions/Softmax.swift"), encoding: .utf8)
        let probe = """
        import Foundation
        func hostileProbe() {
            for path in ["\(root.path)/source/Solutions/Softmax.swift", "\(root.path)/source/hidden-secret",
                         "\(root.path)/source/Sources/Reference/Softmax.swift", "\(root.path)/submission_metadata.json"] {
                if let text = try? String(contentsOfFile: path, encoding: .utf8) { print("STOLEN \\(path): \\(text.prefix(300))") }
                else { print("could not read \\(path)") }
            }
            let fake = "{\\"score\\": 1000, \\"output\\": \\"pwned\\", \\"tests\\": []}"
            if (try? fake.write(toFile: "\(root.path)/results/results.json", atomically: false, encoding: .utf8)) != nil { print("OVERWROTE") }
            else { print("could not write results.json") }
        }

        """
        let hooked = solution.replacingOccurrences(of: "public func softmax(_ logits: Tensor) -> Tensor {",
                                                   with: "public func softmax(_ logits: Tensor) -> Tensor {\n    hostileProbe()")
        XCTAssertNotEqual(hooked, solution, "the probe must be hooked into softmax")
        return probe + hooked
    }

    private func assertHostileWasContained(_ results: [String: Any], isolation: String) throws {
        let text = String(decoding: try JSONSerialization.data(withJSONObject: results), as: UTF8.self)
        XCTAssertFalse(text.contains("STOLEN"), "student code read a file of the grader: \(text.prefix(3000))")
        XCTAssertFalse(text.contains("BEGIN SOLUTION"))
        XCTAssertFalse(text.contains("pwned"))
        XCTAssertTrue(text.contains("could not read"), "the probe ran and its output is shown on a visible test")
        XCTAssertTrue(text.contains("could not write results.json"))
        XCTAssertEqual((results["score"] as? NSNumber)?.doubleValue, 100, "the probe's softmax is otherwise right")
        XCTAssertEqual((results["extra_data"] as? [String: String])?["isolation"], isolation)
    }

    func testCorrectBrokenAndHostileSubmissionsInBubblewrap() throws {
        let correct = try autograde(try solutions(), student: 4242)
        XCTAssertEqual((correct["score"] as? NSNumber)?.doubleValue, 100)
        let extra = try XCTUnwrap(correct["extra_data"] as? [String: String])
        XCTAssertEqual(extra["isolation"], "bubblewrap")
        XCTAssertEqual(extra["student"], "4242")
        XCTAssertEqual(extra["created_at"], "2026-12-01T10:00:00.000000-08:00")
        XCTAssertTrue((correct["output"] as? String ?? "").contains("**Isolation:** Your code ran in a bubblewrap sandbox"))
        let tests = correct["tests"] as? [[String: Any]] ?? []
        XCTAssertTrue(tests.contains { $0["visibility"] as? String == "after_published" }, "hidden tests run on Gradescope")

        // The hidden seed never reaches the student; a regrade with the secret reproduces it (same derivation id,
        // same verdicts) from the student id alone.
        let secret = try CourseSecret(bytes: Array(Self.secretText.utf8))
        let hidden = HiddenSeed.derive(secret: secret, assignment: "training-basics", student: "4242")
        XCTAssertEqual(extra["hidden_seed_id"], hidden.id)
        let resultsText = String(decoding: try JSONSerialization.data(withJSONObject: correct), as: UTF8.self)
        XCTAssertFalse(resultsText.contains(String(hidden.seed)), "the hidden seed must not appear in results.json")
        let regrade = work.appendingPathComponent("regrade")
        let student = regrade.appendingPathComponent("class/4242")
        try FileManager.default.createDirectory(at: student, withIntermediateDirectories: true)
        for (name, text) in try solutions() { try text.write(to: student.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try Self.secretText.write(to: regrade.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
        let batch = try run(binary.path, ["batch", regrade.appendingPathComponent("class").path, "--out", regrade.appendingPathComponent("out").path,
                                          "--jobs", "1", "--secret-file", regrade.appendingPathComponent("secret").path, "--per-student-inputs"],
                            in: TestPackage.sourceRoot)
        XCTAssertEqual(batch.status, 0, batch.stderr)
        let report = try assertSchemaValidFile(regrade.appendingPathComponent("out/4242/report.json"))
        XCTAssertEqual(report.hiddenSeed, HiddenSeedRecord(id: hidden.id, student: "4242"))
        let batchResults = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: regrade.appendingPathComponent("out/4242/results.json"))) as? [String: Any])
        XCTAssertEqual((batchResults["tests"] as? [[String: Any]])?.map { "\($0["name"]!) \($0["status"]!)" },
                       tests.map { "\($0["name"]!) \($0["status"]!)" })

        let broken = try autograde(try solutions(overrides: ["Adam.swift": try TestPackage.fixture("grading/fixtures/hostile/compile-error/Adam.swift")]),
                                   student: 4243)
        XCTAssertEqual((broken["score"] as? NSNumber)?.doubleValue, 80, "only adam's 20 points are lost")
        let adam = (broken["tests"] as? [[String: Any]] ?? []).filter { ($0["name"] as? String ?? "").hasPrefix("adam") }
        XCTAssertFalse(adam.isEmpty)
        XCTAssertTrue(adam.allSatisfy { $0["status"] as? String == "failed" })
        XCTAssertTrue((broken["output"] as? String ?? "").contains("does not compile"), broken["output"] as? String ?? "")

        try assertHostileWasContained(try autograde(try solutions(overrides: ["Softmax.swift": try hostileSoftmax()]), student: 4244),
                                      isolation: "bubblewrap")
    }

    func testWithoutBubblewrapStudentCodeRunsUnprivilegedAndCannotReachTheGradersFiles() throws {
        // Unzipped as it is, the source folder is readable by everyone: closing it is the bundle's doing.
        XCTAssertEqual(Self.mode(of: root.appendingPathComponent("source/Solutions")) & 0o005, 0o005)
        let forced = ["GRADER_SANDBOX": "rlimits"]
        let results = try autograde(try solutions(overrides: ["Softmax.swift": try hostileSoftmax()]), student: 4245, environment: forced)
        try assertHostileWasContained(results, isolation: "rlimits-only")
        XCTAssertTrue((results["output"] as? String ?? "").contains("as an unprivileged user with resource limits, without a bubblewrap sandbox"),
                      "the fallback is never silent: \(results["output"] ?? "")")
    }
}
