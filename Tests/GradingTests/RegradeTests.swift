import Foundation
import XCTest
@testable import GradingCore

/// A regraded exercise replaces its part of the report; the rest stays, and the report says what was regraded and why.
final class RegradeTests: XCTestCase {
    let ids = ["softmax", "he-init", "dropout", "adam", "conv2d"]

    func testARegradedExerciseReplacesOnlyItsPart() throws {
        var old = ReportFixtures.full(name: "alice", seed: 7)
        old.manifestDigest = "00000000000000aa"
        var fixedAdam = ReportFixtures.compileErrorAdam
        fixedAdam.status = .passed
        fixedAdam.score = 4
        var fresh = ReportFixtures.full(name: "alice", seed: 7)
        fresh.exercises = [fixedAdam]
        fresh.manifestDigest = "00000000000000bb"
        let regrading = Regrading(earlier: ["alice": old], planIDs: ids, regradedIDs: ["adam"], digest: "00000000000000bb",
                                  note: "Adam's tolerance was too tight.", at: "2026-01-02T03:04:05Z")
        let spliced = regrading.splice(fresh, into: old)
        XCTAssertEqual(spliced.exercises.map(\.id), ids)
        XCTAssertEqual(spliced.exercises[3].status, .passed)
        XCTAssertEqual(try ReportIO.encode(Array(spliced.exercises[0..<3])), try ReportIO.encode(Array(old.exercises[0..<3])))
        XCTAssertEqual(spliced.score, old.score + 4)
        XCTAssertEqual(spliced.manifestDigest, "00000000000000bb")
        XCTAssertEqual(spliced.regraded, Regrade(
            at: "2026-01-02T03:04:05Z",
            reason: "The manifest digest changed from 00000000000000aa to 00000000000000bb. Adam's tolerance was too tight.",
            exercises: ["adam"], previousManifestDigest: "00000000000000aa"))
        XCTAssertEqual(try ReportFixtures.validator().validate(ReportIO.encode(spliced)), [])

        // A second regrade adds its exercises and keeps the digest from before the first.
        let again = Regrading(earlier: [:], planIDs: ids, regradedIDs: ["softmax"], digest: "00000000000000bb", note: nil,
                              at: "2026-01-03T00:00:00Z").splice(fresh, into: spliced)
        XCTAssertEqual(again.regraded?.exercises, ["softmax", "adam"])
        XCTAssertEqual(again.regraded?.previousManifestDigest, "00000000000000aa")
        XCTAssertEqual(again.regraded?.reason, "Graded again with the same manifest (digest 00000000000000bb).")
    }
}
