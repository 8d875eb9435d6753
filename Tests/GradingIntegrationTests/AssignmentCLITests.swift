import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// `--assignment` and exercise lookup through the built `grader`, run as a student or instructor would, in
/// throwaway copies of the package (see CLITests); and batch resume across assignments, in-process.
final class AssignmentCLITests: XCTestCase {
    private var binary: URL!

    override func setUpWithError() throws {
        guard let binary = CLITests.graderBinary() else {
            throw XCTSkip("The grader binary is not built (swift build --product grader); the CLI tests need it.")
        }
        self.binary = binary
    }

    typealias Run = ProcessRun

    private func grader(_ arguments: [String], in package: TestPackage) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = package.root
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        return try ProcessRun.collect(process)
    }

    // MARK: --assignment

    func testCheckGradesTheSelectedAssignmentsVisibleTestsAndNamesIt() throws {
        let package = try TestPackage.sharedShortLimits()
        try package.fillExercises(fromSolutions: true)
        defer { try? package.fillExercises(fromSolutions: false) }
        let json = try package.scratchFolder("assignment-check").appendingPathComponent("report.json")
        let run = try grader(["check", "--assignment", "stable-softmax", "--json", json.path], in: package)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n").first, "Assignment stable-softmax: 1 exercise.", run.stdout)
        let report = try assertSchemaValidFile(json)
        XCTAssertEqual(report.assignment, "stable-softmax")
        XCTAssertEqual(report.exercises.map(\.id), ["softmax"])
        // The assignment's visible tests in its order (ce-huge-gap is made visible there), with its points.
        XCTAssertEqual(report.exercises.first?.tests.map(\.name), ["basic", "huge-logits", "cross-entropy", "ce-huge-gap"])
        XCTAssertEqual(report.exercises.first?.tests.map(\.maxScore), [3, 5, 3, 4])
        XCTAssertEqual(report.maxScore, 15)
        assertFullMarks(report)
    }

    func testAnUnknownAssignmentExitsTwoListingTheAssignments() throws {
        let package = try TestPackage.sharedShortLimits()
        let known = try package.manifest.assignments.map(\.name).joined(separator: ", ")
        XCTAssertTrue(known.hasPrefix("training-basics, stable-softmax"), known)
        let expected = "There is no assignment 'optimisers'. The assignments are: \(known)."
        let check = try grader(["check", "--assignment", "optimisers"], in: package)
        XCTAssertEqual(check.status, 2, check.stdout + check.stderr)
        XCTAssertTrue(check.stderr.contains(expected), check.stderr)
        let work = try package.scratchFolder("assignment-unknown")
        try package.makeSubmission(in: work.appendingPathComponent("class"), name: "alice")
        let batch = try grader(["batch", work.appendingPathComponent("class").path, "--out", work.appendingPathComponent("out").path,
                                "--assignment", "optimisers"], in: package)
        XCTAssertEqual(batch.status, 2, batch.stdout + batch.stderr)
        XCTAssertTrue(batch.stderr.contains(expected), batch.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("out/alice/report.json").path),
                       "nothing is graded for an unknown assignment")
    }

    func testBatchGradesTheSelectedAssignmentAndTheGradebookHasItsColumns() throws {
        let package = try TestPackage.sharedShortLimits()
        let work = try package.scratchFolder("assignment-batch")
        let submissions = work.appendingPathComponent("class")
        let out = work.appendingPathComponent("out")
        try package.makeSubmission(in: submissions, name: "alice")
        let run = try grader(["batch", submissions.path, "--out", out.path, "--jobs", "1", "--seed", "3",
                              "--assignment", "stable-softmax"], in: package)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").map(String.init), ["submission,softmax,total,max_total", "alice,18,18,18"])
        let report = try assertSchemaValidFile(out.appendingPathComponent("alice/report.json"))
        XCTAssertEqual(report.assignment, "stable-softmax")
        XCTAssertEqual(report.exercises.first?.tests.map(\.name),
                       ["basic", "huge-logits", "cross-entropy", "ce-huge-gap", "mixed-scale-rows"])
        let results = try JSONDecoder().decode(GradescopeResults.self,
                                               from: Data(contentsOf: out.appendingPathComponent("alice/results.json")))
        XCTAssertTrue(results.output.hasPrefix("**Assignment:** stable-softmax"), results.output)
        XCTAssertEqual(results.tests.reduce(0) { $0 + $1.maxScore }, 18)
    }

    // MARK: check ID outside the default assignment

    /// A copy whose manifest takes conv2d out of training-basics into an assignment of its own.
    private static func splitPackage() throws -> TestPackage {
        let package = try TestPackage(name: "split-assignments", limits: .init(timeLimitSeconds: 4, memoryMiB: 1024, compileSeconds: 40))
        let url = package.root.appendingPathComponent("grading/manifest.json")
        var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        manifest["assignments"] = [
            ["name": "training-basics", "title": "Four", "exercises": ["softmax", "he-init", "dropout", "adam"].map { ["id": $0] }],
            ["name": "convolutions", "title": "Conv", "exercises": [["id": "conv2d", "tests": ["basic", "stride-and-padding"]]]],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]).write(to: url)
        return package
    }

    func testCheckFindsAnExerciseOutsideTheDefaultAssignment() throws {
        let package = try Self.splitPackage()
        try package.fillExercises(fromSolutions: true)
        let scratch = try package.scratchFolder("split")

        let alone = scratch.appendingPathComponent("conv2d.json")
        let run = try grader(["check", "conv2d", "--json", alone.path], in: package)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let report = try assertSchemaValidFile(alone)
        XCTAssertEqual(report.assignment, "convolutions")
        XCTAssertEqual(report.exercises.map(\.id), ["conv2d"])
        XCTAssertEqual(report.exercises.first?.tests.map(\.name), ["basic", "stride-and-padding"], "as convolutions defines it")
        assertFullMarks(report)

        let mixed = scratch.appendingPathComponent("mixed.json")
        let both = try grader(["check", "conv2d", "adam", "--json", mixed.path], in: package)
        XCTAssertEqual(both.status, 0, both.stdout + both.stderr)
        let mixedReport = try assertSchemaValidFile(mixed)
        XCTAssertEqual(mixedReport.assignment, "training-basics+convolutions")
        XCTAssertEqual(mixedReport.exercises.map(\.id), ["adam", "conv2d"])
        assertFullMarks(mixedReport)
    }

    // MARK: Resume

    func testBatchResumeNeverKeepsAReportMadeForAnotherAssignment() throws {
        let package = try TestPackage.shared()
        let work = try package.scratchFolder("assignment-resume")
        let submissions = work.appendingPathComponent("class")
        let out = work.appendingPathComponent("out")
        // An empty submission: every exercise is missing, so nothing is compiled and each run takes no time.
        try FileManager.default.createDirectory(at: submissions.appendingPathComponent("alice"), withIntermediateDirectories: true)
        func batch(_ assignment: String?) throws -> BatchRunner.Result {
            try BatchRunner(grader: try package.grader(),
                            options: .init(submissions: submissions, out: out, jobs: 1, seed: 9, assignment: assignment)).run()
        }
        func saved() throws -> SubmissionReport { try assertSchemaValidFile(out.appendingPathComponent("alice/report.json")) }

        let practice = try batch("stable-softmax")
        XCTAssertEqual(practice.graded, 1)
        XCTAssertEqual(try saved().assignment, "stable-softmax")

        let main = try batch(nil)
        XCTAssertEqual(main.resumed, 0, "a report made for stable-softmax must not stand for training-basics")
        XCTAssertEqual(main.graded, 1)
        XCTAssertEqual(try saved().assignment, "training-basics")
        XCTAssertEqual(try saved().exercises.map(\.id), ["softmax", "he-init", "dropout", "adam", "conv2d"])

        let again = try batch("training-basics")
        XCTAssertEqual(again.resumed, 1, "the same assignment, seed and tests: the finished report is kept")
        XCTAssertEqual(again.graded, 0)
        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("submission,softmax,he-init,dropout,adam,conv2d,total,max_total\n"), csv)
    }
}
