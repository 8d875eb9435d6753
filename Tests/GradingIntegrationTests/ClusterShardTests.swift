import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// Sharded grading as a cluster runs it: N `grader batch --shards N` processes, each given its index the way a
/// Kubernetes Indexed Job gives it (JOB_COMPLETION_INDEX), sharing one OUT; `grader merge` then writes the gradebook
/// a single batch run writes. Then a regrade after a manifest fix, a refused merge, and the LMS export, all through
/// the grader binary.
final class ClusterShardTests: XCTestCase {
    var binary: URL!

    override func setUpWithError() throws {
        guard let binary = CLITests.graderBinary() else {
            throw XCTSkip("The grader binary is not built (swift build --product grader); the cluster tests need it.")
        }
        self.binary = binary
        _ = TestPackage.isolateSandboxUIDs
    }

    /// The scheduler variables of the machine running the tests are not the test's.
    static let schedulerVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
                                     "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT"]

    func grader(_ arguments: [String], in package: TestPackage, environment: [String: String] = [:]) throws -> ProcessRun {
        try ProcessRun.grader(binary, arguments, in: package.root, environment: environment, removing: Self.schedulerVariables)
    }

    /// Three students, one per shard of three (found by the shard scheme itself, so each process has work).
    static func names(count: Int) -> [String] {
        var chosen: [Int: String] = [:]
        for k in 0..<200 where chosen.count < count {
            let name = "student-\(k)"
            chosen[Shard.of(name, count: count)] = chosen[Shard.of(name, count: count)] ?? name
        }
        return (1...count).compactMap { chosen[$0] }
    }

    func testIndexedShardsMergeIntoTheSingleRunsGradebookAndARegradeTouchesOnlyItsStudent() throws {
        let package = try TestPackage(name: "cluster")
        let submissions = try package.scratchFolder("class")
        let names = Self.names(count: 3)
        XCTAssertEqual(names.count, 3)
        try package.makeSubmission(in: submissions, name: names[0])
        try package.makeSubmission(in: submissions, name: names[1], overrides: ["Adam.swift": try String(contentsOf: package.stubs.appendingPathComponent("Adam.swift"), encoding: .utf8)])
        try package.makeSubmission(in: submissions, name: names[2], fromStubs: true)
        let single = try package.scratchFolder("single"), sharded = try package.scratchFolder("sharded")

        let whole = try grader(["batch", submissions.path, "--out", single.path, "--seed", "11", "--jobs", "2"], in: package)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        for index in 0..<3 {
            let run = try grader(["batch", submissions.path, "--out", sharded.path, "--seed", "11", "--shards", "3", "--jobs", "1"],
                                 in: package, environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stdout.contains("Shard \(index + 1) of 3: 1 student of 3."), run.stdout)
            // A shard writes only its own student and its record, never the class's gradebook.
            XCTAssertFalse(FileManager.default.fileExists(atPath: sharded.appendingPathComponent("grades.csv").path))
            let record = try ReportIO.decoder().decode(ShardRecord.self, from: Data(contentsOf: sharded.appendingPathComponent("shards/\(index + 1)-of-3.json")))
            XCTAssertEqual(record.students, [names[index]])
            XCTAssertEqual(record.seed, 11)
        }
        // A replaced pod runs its shard again: nothing is graded twice, nothing changes.
        let before = try Data(contentsOf: sharded.appendingPathComponent("\(names[1])/report.json"))
        let rerun = try grader(["batch", submissions.path, "--out", sharded.path, "--seed", "11", "--shards", "3"],
                               in: package, environment: ["JOB_COMPLETION_INDEX": "1"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("Graded 0 submissions"), rerun.stdout)
        XCTAssertEqual(try Data(contentsOf: sharded.appendingPathComponent("\(names[1])/report.json")), before)

        let merged = try grader(["merge", sharded.path, "--submissions", submissions.path], in: package)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertTrue(merged.stdout.contains("Merged 3 reports from 3 shard records"), merged.stdout)
        let singleCSV = try String(contentsOf: single.appendingPathComponent("grades.csv"), encoding: .utf8)
        XCTAssertEqual(try String(contentsOf: sharded.appendingPathComponent("grades.csv"), encoding: .utf8), singleCSV)
        // Merging again changes nothing.
        XCTAssertEqual(try grader(["merge", sharded.path], in: package).status, 0)
        XCTAssertEqual(try String(contentsOf: sharded.appendingPathComponent("grades.csv"), encoding: .utf8), singleCSV)

        try regrade(package: package, submissions: submissions, out: sharded, names: names)
        try exportToCanvas(package: package, out: sharded, names: names)

        // One shard graded again with another seed: the merge refuses, naming the student.
        let reseeded = try grader(["batch", submissions.path, "--out", sharded.path, "--seed", "99", "--shard", "3/3"], in: package)
        XCTAssertEqual(reseeded.status, 0, reseeded.stderr)
        let refused = try grader(["merge", sharded.path], in: package)
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Reports differ in the seed: 4 have 11, but \(names[2]) (99), shard record 3-of-3 (99) do not."), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Nothing was written"), refused.stderr)
    }

    /// The adam tests are worth a point more after a manifest fix: regrading one student's adam changes that
    /// student's report and gradebook row only, and the report says why.
    func regrade(package: TestPackage, submissions: URL, out: URL, names: [String]) throws {
        let oldDigest = try XCTUnwrap(try assertSchemaValidFile(out.appendingPathComponent("\(names[0])/report.json")).manifestDigest)
        let untouched = try [names[1], names[2]].map { try Data(contentsOf: out.appendingPathComponent("\($0)/report.json")) }
        let oldReport = try assertSchemaValidFile(out.appendingPathComponent("\(names[0])/report.json"))
        let oldCSV = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)

        let manifestURL = package.root.appendingPathComponent("grading/manifest.json")
        let original = try Data(contentsOf: manifestURL)
        defer { try? original.write(to: manifestURL) }
        var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: original) as? [String: Any])
        var exercises = try XCTUnwrap(manifest["exercises"] as? [[String: Any]])
        let adam = try XCTUnwrap(exercises.firstIndex { $0["id"] as? String == "adam" })
        var tests = try XCTUnwrap(exercises[adam]["tests"] as? [[String: Any]])
        tests[0]["points"] = (tests[0]["points"] as? Double ?? 0) + 1
        exercises[adam]["tests"] = tests
        manifest["exercises"] = exercises
        try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted]).write(to: manifestURL)

        let unknown = try grader(["batch", submissions.path, "--out", out.path, "--seed", "11", "--only", "nobody"], in: package)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("No submission is named nobody"), unknown.stderr)

        let run = try grader(["batch", submissions.path, "--out", out.path, "--seed", "11", "--only", names[0],
                              "--exercise", "adam", "--reason", "The first Adam test was worth too little."], in: package)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("\(names[0]): 101 / 101 points (regraded adam"), run.stdout)
        let report = try assertSchemaValidFile(out.appendingPathComponent("\(names[0])/report.json"))
        let regraded = try XCTUnwrap(report.regraded)
        XCTAssertEqual(regraded.exercises, ["adam"])
        XCTAssertEqual(regraded.previousManifestDigest, oldDigest)
        XCTAssertNotEqual(report.manifestDigest, oldDigest)
        XCTAssertEqual(regraded.reason, "The manifest digest changed from \(oldDigest) to \(report.manifestDigest!). The first Adam test was worth too little.")
        XCTAssertEqual(report.maxScore, oldReport.maxScore + 1)
        XCTAssertEqual(report.exercises.first { $0.id == "adam" }?.maxScore, (oldReport.exercises.first { $0.id == "adam" }?.maxScore ?? 0) + 1)
        XCTAssertEqual(try ReportIO.encode(report.exercises.filter { $0.id != "adam" }),
                       try ReportIO.encode(oldReport.exercises.filter { $0.id != "adam" }))
        XCTAssertEqual(try [names[1], names[2]].map { try Data(contentsOf: out.appendingPathComponent("\($0)/report.json")) }, untouched)

        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        let oldRows = oldCSV.split(separator: "\n"), rows = csv.split(separator: "\n")
        XCTAssertEqual(rows.count, oldRows.count)
        for (old, new) in zip(oldRows, rows) {
            if new.hasPrefix(names[0] + ",") { XCTAssertTrue(new.hasSuffix(",101,101"), String(new)) } else { XCTAssertEqual(old, new) }
        }
        // The merge accepts the regraded report (its manifest is the fix's) and says so.
        let merged = try grader(["merge", out.path], in: package)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertTrue(merged.stdout.contains("Regraded: \(names[0]) (adam"), merged.stdout)
    }

    func exportToCanvas(package: TestPackage, out: URL, names: [String]) throws {
        let roster = out.deletingLastPathComponent().appendingPathComponent("roster.csv")
        try """
            Student,ID,SIS User ID,SIS Login ID,Section
            "One, Student",1,S1,\(names[0].uppercased()),A
            "Two, Student",2,S2,\(names[1]),A
            "Late, Larry",3,S3,larry,B

            """.write(to: roster, atomically: true, encoding: .utf8)
        let csv = out.deletingLastPathComponent().appendingPathComponent("canvas.csv")
        let run = try grader(["export", out.path, "--roster", roster.path, "--format", "canvas", "--assignment-name", "Basics",
                              "--canvas-assignment-id", "55", "--output", csv.path], in: package)
        XCTAssertEqual(run.status, 1, "a submission off the roster and a student without one make the exit status 1")
        XCTAssertTrue(run.stderr.contains("1 submission matches no roster row and is not in the file: \(names[2])."), run.stderr)
        XCTAssertTrue(run.stderr.contains("1 roster student has no submission (an empty grade in the file): larry."), run.stderr)
        let table = try CSVTable.parse(String(contentsOf: csv, encoding: .utf8))
        XCTAssertEqual(table.header.last, "Basics (55)")
        XCTAssertEqual(table.rows.map { $0.last }, ["101", "101", "80", ""])
    }
}
