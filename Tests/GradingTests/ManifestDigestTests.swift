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

    func testReportsOfAnotherManifestAreForgotten() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let names = ["alice", "bob"]
        func writeReports(_ digests: [String?]) throws {
            for (name, digest) in zip(names, digests) {
                let folder = out.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let json = digest.map { "{\"manifestDigest\": \"\($0)\"}" } ?? "{}"
                try Data(json.utf8).write(to: folder.appendingPathComponent("report.json"))
            }
        }
        func reportsLeft() -> [String] {
            names.filter { FileManager.default.fileExists(atPath: out.appendingPathComponent("\($0)/report.json").path) }
        }

        // Reports that record no manifest (an older grader's) are not trusted.
        try writeReports([nil, nil])
        XCTAssertTrue(try BatchRunner.forgetReports(gradedAgainstAnotherManifestThan: "aaaa", in: out, names: names))
        XCTAssertEqual(reportsLeft(), [])

        // Same manifest: kept.
        try writeReports(["aaaa", "aaaa"])
        XCTAssertFalse(try BatchRunner.forgetReports(gradedAgainstAnotherManifestThan: "aaaa", in: out, names: names))
        XCTAssertEqual(reportsLeft(), names)

        // Another manifest: removed, report by report; and only the names asked about (another shard's stay).
        try writeReports(["aaaa", "bbbb"])
        XCTAssertTrue(try BatchRunner.forgetReports(gradedAgainstAnotherManifestThan: "aaaa", in: out, names: names))
        XCTAssertEqual(reportsLeft(), ["alice"])
        try writeReports(["aaaa", "bbbb"])
        XCTAssertTrue(try BatchRunner.forgetReports(gradedAgainstAnotherManifestThan: "cccc", in: out, names: ["bob"]))
        XCTAssertEqual(reportsLeft(), ["alice"])
    }
}
