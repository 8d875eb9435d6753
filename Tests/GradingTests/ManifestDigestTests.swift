import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// Resuming a batch reuses a finished report only if it was graded against the same manifest.
final class ManifestDigestTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testDigestFollowsWhatTheManifestDecides() throws {
        let manifest = try Manifest.load(from: Self.packageRoot.appendingPathComponent("grading/manifest.json"))
        XCTAssertEqual(manifest.digest.count, 16)
        XCTAssertTrue(manifest.digest.allSatisfy(\.isHexDigit))
        // The same manifest written with other spacing and key order has the same digest.
        let respaced = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.packageRoot.appendingPathComponent("grading/manifest.json"))), options: [.prettyPrinted])
        XCTAssertEqual(try JSONDecoder().decode(Manifest.self, from: respaced).digest, manifest.digest)

        var points = manifest
        points.exercises[0].tests[0].points += 1
        var tolerance = manifest
        tolerance.exercises[0].tests[0].atol = (manifest.exercises[0].tests[0].atol ?? 0) * 2 + 1e-12
        var limits = manifest
        limits.defaults.timeLimitSeconds += 1
        var hidden = manifest
        hidden.exercises[0].tests[0].visibility = manifest.exercises[0].tests[0].visibility == .hidden ? .visible : .hidden
        let digests = [manifest, points, tolerance, limits, hidden].map(\.digest)
        XCTAssertEqual(Set(digests).count, digests.count, "two different manifests share a digest: \(digests)")
    }

    func testReportsOfAnotherManifestAreForgottenBeforeTheNewDigestIsRecorded() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let names = ["alice", "bob"]
        func writeReports() throws {
            for name in names {
                let folder = out.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data("{}".utf8).write(to: folder.appendingPathComponent("report.json"))
            }
        }
        func reportsLeft() -> [String] {
            names.filter { FileManager.default.fileExists(atPath: out.appendingPathComponent("\($0)/report.json").path) }
        }
        let record = out.appendingPathComponent(BatchRunner.manifestDigestFile)

        // Reports without a record (an older grader's, or a record lost) are not trusted.
        try writeReports()
        XCTAssertTrue(try BatchRunner.forgetReports(gradedAgainstAnotherManifestThan: "aaaa", in: out, names: names))
        XCTAssertEqual(reportsLeft(), [])
        XCTAssertEqual(try String(contentsOf: record, encoding: .utf8), "aaaa\n")

        // Same manifest: kept.
        try writeReports()
        XCTAssertFalse(try BatchRunner.forgetReports(gradedAgainstAnotherManifestThan: "aaaa", in: out, names: names))
        XCTAssertEqual(reportsLeft(), names)

        // Another manifest: removed, and the new digest recorded.
        XCTAssertTrue(try BatchRunner.forgetReports(gradedAgainstAnotherManifestThan: "bbbb", in: out, names: names))
        XCTAssertEqual(reportsLeft(), [])
        XCTAssertEqual(try String(contentsOf: record, encoding: .utf8), "bbbb\n")
    }
}
