import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// Batch runs: the files a batch writes, resuming after an interruption, and reproducibility by seed.
final class PipelineBatchTests: XCTestCase {
    private var package: TestPackage!

    override func setUpWithError() throws {
        package = try TestPackage.shared()
    }

    /// A class of three: a correct submission, the stubs, and one with a misconception (partial credit).
    private func makeClass() throws -> (submissions: URL, work: URL) {
        let work = try package.scratchFolder("batch")
        let submissions = work.appendingPathComponent("class")
        try package.makeSubmission(in: submissions, name: "clean")
        try package.makeSubmission(in: submissions, name: "stub", fromStubs: true)
        let noShift = try TestPackage.fixture("grading/fixtures/misconceptions/softmax/no-max-shift/Softmax.swift")
        try package.makeSubmission(in: submissions, name: "partial", overrides: ["Softmax.swift": noShift])
        return (submissions, work)
    }

    private func runBatch(_ submissions: URL, out: URL, seed: UInt64) throws -> BatchRunner.Result {
        let runner = BatchRunner(grader: try package.grader(),
                                 options: .init(submissions: submissions, out: out, jobs: 2, seed: seed, includeHidden: true))
        let result = try runner.run()
        result.reports.forEach { assertSchemaValid($0) }
        return result
    }

    private func scores(_ reports: [SubmissionReport]) -> [String: [Double]] {
        Dictionary(uniqueKeysWithValues: reports.map { report in
            (report.submission, [report.score] + report.exercises.flatMap { [$0.score] + $0.tests.map(\.score) })
        })
    }

    func testResumeRegradesOnlyUnfinishedSubmissionsAndSeedsReproduce() throws {
        let (submissions, work) = try makeClass()
        let out = work.appendingPathComponent("out")

        let first = try runBatch(submissions, out: out, seed: 2026)
        XCTAssertEqual(first.graded, 3)
        XCTAssertEqual(first.resumed, 0)
        let byName = Dictionary(uniqueKeysWithValues: first.reports.map { ($0.submission, $0) })
        assertFullMarks(try XCTUnwrap(byName["clean"]))
        XCTAssertEqual(byName["stub"]?.score, 0)
        let partial = try XCTUnwrap(byName["partial"])
        XCTAssertEqual(partial.exercise("softmax")?.status, .partial, partial.statusLine)
        for name in ["clean", "stub", "partial"] {
            let folder = out.appendingPathComponent(name)
            try assertSchemaValidFile(folder.appendingPathComponent("report.json"))
            let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as? [String: Any])
            XCTAssertEqual(results["score"] as? Double, byName[name]?.score, "results.json of \(name)")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.first, "submission,softmax,he-init,dropout,adam,conv2d,total,max_total")
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows.dropFirst().map { String($0.prefix { $0 != "," }) }, ["clean", "partial", "stub"])

        // An interrupted batch: one report never got written. Only that submission is graded again.
        try FileManager.default.removeItem(at: out.appendingPathComponent("partial/report.json"))
        let resumed = try runBatch(submissions, out: out, seed: 2026)
        XCTAssertEqual(resumed.graded, 1)
        XCTAssertEqual(resumed.resumed, 2)
        XCTAssertEqual(scores(resumed.reports), scores(first.reports))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("partial/report.json").path))
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8), csv)

        // A finished report made with another seed is not reused.
        let reseeded = try runBatch(submissions, out: out, seed: 99)
        XCTAssertEqual(reseeded.graded, 3)
        XCTAssertTrue(reseeded.reports.allSatisfy { $0.seed == 99 })
        let clean = try XCTUnwrap(reseeded.reports.first { $0.submission == "clean" })
        assertFullMarks(clean)
        XCTAssertEqual(reseeded.reports.first { $0.submission == "stub" }?.score, 0)

        // The same seed in a fresh folder gives the same scores, test by test.
        let again = try runBatch(submissions, out: work.appendingPathComponent("out-again"), seed: 2026)
        XCTAssertEqual(again.graded, 3)
        XCTAssertEqual(scores(again.reports), scores(first.reports))
        XCTAssertEqual(try String(contentsOf: work.appendingPathComponent("out-again/grades.csv"), encoding: .utf8), csv)
    }

    func testResumeAfterTheManifestChangedGradesAgain() throws {
        let work = try package.scratchFolder("manifest-change")
        let submissions = work.appendingPathComponent("class")
        try package.makeSubmission(in: submissions, name: "clean")
        let out = work.appendingPathComponent("out")
        let original = try package.grader()
        let first = try runBatch(submissions, out: out, seed: 7)
        XCTAssertEqual(first.graded, 1)
        XCTAssertFalse(first.manifestChanged)

        // Same seed and flags, but the first softmax test is now worth one point more.
        var changed = original.manifest
        changed.exercises[0].tests[0].points += 1
        XCTAssertNotEqual(changed.digest, original.manifest.digest)
        let regrader = try SubmissionGrader(environment: original.environment, manifest: changed, graders: original.graders,
                                            kit: original.kit, sandbox: original.sandbox)
        let second = try BatchRunner(grader: regrader, options: .init(submissions: submissions, out: out, jobs: 1, seed: 7)).run()
        XCTAssertTrue(second.manifestChanged)
        XCTAssertEqual(second.graded, 1, "a report graded against the old manifest was reused")
        XCTAssertEqual(second.resumed, 0)
        let report = try XCTUnwrap(second.reports.first)
        XCTAssertEqual(report.maxScore, first.reports[0].maxScore + 1)
        XCTAssertEqual(try assertSchemaValidFile(out.appendingPathComponent("clean/report.json")).maxScore, report.maxScore)

        // Resuming under the changed manifest reuses what it graded; the original manifest grades again.
        let third = try BatchRunner(grader: regrader, options: .init(submissions: submissions, out: out, jobs: 1, seed: 7)).run()
        XCTAssertEqual(third.resumed, 1)
        XCTAssertFalse(third.manifestChanged)
        let fourth = try runBatch(submissions, out: out, seed: 7)
        XCTAssertEqual(fourth.graded, 1)
        XCTAssertEqual(fourth.reports.first?.maxScore, first.reports[0].maxScore)
    }

    func testBatchOnAMissingFolderThrowsAReadableError() throws {
        let missing = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        let runner = BatchRunner(grader: try package.grader(),
                                 options: .init(submissions: missing, out: try package.scratchFolder("missing-out"), jobs: 1, seed: 1))
        XCTAssertThrowsError(try runner.run()) { error in
            XCTAssertTrue("\(error)".contains(missing.path), "\(error)")
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
    }
}
