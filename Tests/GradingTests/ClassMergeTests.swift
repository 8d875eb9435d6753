import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// `grader merge`: one gradebook from reports graded in shards or separate runs, refused when they were not graded
/// alike, with missing and duplicate students named.
final class ClassMergeTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    static func report(_ name: String, seed: UInt64 = 42, digest: String? = "00000000000000aa") -> SubmissionReport {
        var report = ReportFixtures.full(name: name, seed: seed)
        report.manifestDigest = digest
        return report
    }

    func folder(_ name: String) -> URL { root.appendingPathComponent(name) }

    func write(_ report: SubmissionReport, in out: URL) throws {
        try ReportIO.write(report, to: out.appendingPathComponent(report.submission).appendingPathComponent("report.json"))
    }

    func record(_ shard: Int, of count: Int, students: [String], in out: URL, seed: UInt64 = 42) throws {
        let record = ShardRecord(shard: shard, shards: count, scheme: ShardRecord.scheme, assignment: "training-basics",
                                 seed: seed, includesHidden: true, manifestDigest: "00000000000000aa",
                                 graderVersion: "1.0.0", students: students, submissionCount: 3, graded: students.count,
                                 resumed: 0, finishedAt: "2026-01-01T00:00:00Z", host: "node1")
        try ReportIO.write(record, to: ShardRecord.url(in: out, for: try Shard(index: shard, count: count)))
    }

    func testShardsOfOneOutMergeIntoTheGradebookABatchWouldWrite() throws {
        let out = folder("out")
        let reports = ["alice", "bob", "carol"].map { Self.report($0) }
        for report in reports { try write(report, in: out) }
        try record(1, of: 2, students: ["alice", "carol"], in: out)
        try record(2, of: 2, students: ["bob"], in: out)

        let merge = try ClassMerge.collect(outs: [out])
        XCTAssertFalse(merge.refused)
        XCTAssertTrue(merge.complete, "\(merge.problems())")
        XCTAssertEqual(merge.problems(), [])
        XCTAssertEqual(merge.reports.map(\.report.submission), ["alice", "bob", "carol"])
        XCTAssertEqual(merge.exerciseIDs, ["softmax", "he-init", "dropout", "adam", "conv2d"])
        try merge.write(to: out)
        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        XCTAssertEqual(csv, GradesCSV.make(reports: reports, exerciseIDs: merge.exerciseIDs))
        // Again: the same file.
        try ClassMerge.collect(outs: [out]).write(to: out)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8), csv)
    }

    func testReportsGradedWithAnotherSeedOrManifestAreRefusedByName() throws {
        let out = folder("out")
        for report in [Self.report("alice"), Self.report("bob", seed: 7), Self.report("carol"),
                       Self.report("dave", digest: "00000000000000bb")] {
            try write(report, in: out)
        }
        let merge = try ClassMerge.collect(outs: [out])
        XCTAssertTrue(merge.refused)
        XCTAssertEqual(merge.disagreements.map(\.setting), ["seed", "manifest digest"])
        XCTAssertEqual(merge.disagreements[0].classValue, "42")
        XCTAssertEqual(merge.disagreements[0].differing, [.init(name: "bob", value: "7")])
        XCTAssertEqual(merge.disagreements[1].differing, [.init(name: "dave", value: "00000000000000bb")])
        let problems = merge.problems().joined(separator: "\n")
        XCTAssertTrue(problems.contains("Reports differ in the seed: 3 have 42, but bob (7) does not."), problems)
        XCTAssertTrue(problems.contains("dave (00000000000000bb)"), problems)
    }

    func testARegradedReportMayCarryItsRegradesManifest() throws {
        let out = folder("out")
        var carol = Self.report("carol", digest: "00000000000000bb")
        carol.regraded = Regrade(at: "2026-01-02T00:00:00Z", reason: "The manifest digest changed from 00000000000000aa to 00000000000000bb.",
                                 exercises: ["adam"], previousManifestDigest: "00000000000000aa")
        for report in [Self.report("alice"), Self.report("bob"), carol] { try write(report, in: out) }
        let merge = try ClassMerge.collect(outs: [out])
        XCTAssertFalse(merge.refused, "\(merge.problems())")
        XCTAssertEqual(merge.regraded.map(\.submission), ["carol"])
    }

    func testMissingStudentsAndShardsAreListedAndTheRestIsWritten() throws {
        let out = folder("out")
        try write(Self.report("alice"), in: out)
        try record(1, of: 3, students: ["alice", "bob"], in: out)
        try record(2, of: 3, students: [], in: out)
        let merge = try ClassMerge.collect(outs: [out])
        XCTAssertFalse(merge.refused)
        XCTAssertFalse(merge.complete)
        XCTAssertEqual(merge.missing, ["bob"])
        XCTAssertEqual(merge.missingShards, [3])
        XCTAssertEqual(merge.problems(), [
            "Shard 3 of 3 has no record in shards/: it has not finished, or did not run.",
            "1 student without a report: bob.",
        ])
        try merge.write(to: out)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8).split(separator: "\n").count, 2)
    }

    func testAStudentNamedShardsIsAStudent() throws {
        let out = folder("out")
        try write(Self.report("shards"), in: out)
        try record(1, of: 1, students: ["shards"], in: out)
        let merge = try ClassMerge.collect(outs: [out])
        XCTAssertEqual(merge.reports.map(\.report.submission), ["shards"])
        XCTAssertTrue(merge.complete, "\(merge.problems())")
        XCTAssertTrue(ShardRecord.isRecordName("12-of-16.json"))
        XCTAssertFalse(ShardRecord.isRecordName("report.json"))
    }

    func testShardRecordsOfTwoRunsAreRefused() throws {
        let out = folder("out")
        try write(Self.report("alice"), in: out)
        try record(1, of: 2, students: ["alice"], in: out)
        try record(1, of: 3, students: ["alice"], in: out)
        let merge = try ClassMerge.collect(outs: [out])
        XCTAssertTrue(merge.refused)
        XCTAssertEqual(merge.conflictingShardCounts, [2, 3])
    }

    func testSeveralOutsMergeIntoOneAndDifferentCopiesOfAStudentAreRefused() throws {
        let first = folder("first"), second = folder("second"), merged = folder("merged")
        try write(Self.report("alice"), in: first)
        try write(Self.report("bob"), in: second)
        // The same report in both folders (a copy) is one report.
        try write(Self.report("carol"), in: first)
        try write(Self.report("carol"), in: second)
        let merge = try ClassMerge.collect(outs: [first, second])
        XCTAssertFalse(merge.refused, "\(merge.problems())")
        try merge.write(to: merged)
        for name in ["alice", "bob", "carol"] {
            XCTAssertEqual(try Data(contentsOf: merged.appendingPathComponent("\(name)/report.json")), try ReportIO.encode(Self.report(name)))
        }
        XCTAssertEqual(try String(contentsOf: merged.appendingPathComponent("grades.csv"), encoding: .utf8).split(separator: "\n").count, 4)

        // A different report of carol in the second folder: which one counts is not the merge's to decide.
        var other = Self.report("carol")
        other.exercises.removeLast()
        try write(other, in: second)
        let refused = try ClassMerge.collect(outs: [first, second])
        XCTAssertTrue(refused.refused)
        XCTAssertEqual(refused.duplicates["carol"]?.count, 2)
        XCTAssertTrue(refused.problems().contains { $0.hasPrefix("carol has 2 different reports") }, "\(refused.problems())")
    }

    func testAMissingFolderIsAReadableError() {
        XCTAssertThrowsError(try ClassMerge.collect(outs: [folder("nowhere")])) {
            XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
        }
    }
}
