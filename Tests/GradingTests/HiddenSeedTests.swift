import Foundation
import XCTest
@testable import GradingCore

final class HiddenSeedTests: XCTestCase {
    func testSHA256MatchesTheFIPSVectors() {
        XCTAssertEqual(SHA256.hex(SHA256.hash(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(SHA256.hash([])),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // Two blocks: the 56-byte message whose padding spills into a second block.
        XCTAssertEqual(SHA256.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testHMACMatchesRFC4231() {
        // Test case 2 (a short key) and test case 6 (a key longer than the block, hashed first).
        XCTAssertEqual(SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                                              message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testDerivationIsStableAndSeparatesSecretsAssignmentsAndStudents() throws {
        let secret = try CourseSecret(bytes: Array("course secret for tests, 32 bytes".utf8))
        let other = try CourseSecret(bytes: Array("another secret for tests, 32 byte".utf8))
        let alice = HiddenSeed.derive(secret: secret, assignment: "training-basics", student: "alice")
        XCTAssertEqual(alice, HiddenSeed.derive(secret: secret, assignment: "training-basics", student: "alice"))
        XCTAssertEqual(alice.student, "alice")
        let variants = [
            HiddenSeed.derive(secret: secret, assignment: "training-basics", student: "bob"),
            HiddenSeed.derive(secret: secret, assignment: "training-basics", student: nil),
            HiddenSeed.derive(secret: secret, assignment: "stable-softmax", student: "alice"),
            HiddenSeed.derive(secret: other, assignment: "training-basics", student: "alice"),
        ]
        for variant in variants {
            XCTAssertNotEqual(variant.seed, alice.seed)
            XCTAssertNotEqual(variant.id, alice.id)
        }
        XCTAssertEqual(alice.id.count, 16)
        XCTAssertFalse(alice.id.contains(String(alice.seed, radix: 16)), "the id must not spell out the seed")
    }

    func testSecretLoadsFromAFileOrTheEnvironmentAndRefusesShortOnes() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "0123456789abcdef0123\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try XCTUnwrap(CourseSecret.load(file: file.path, environment: [:]))
        let fromEnvironment = try XCTUnwrap(CourseSecret.load(file: nil, environment: [CourseSecret.environmentVariable: "0123456789abcdef0123"]))
        XCTAssertEqual(fromFile, fromEnvironment, "the file's trailing newline is not part of the secret")
        XCTAssertNil(try CourseSecret.load(file: nil, environment: [:]))
        XCTAssertThrowsError(try CourseSecret.load(file: nil, environment: [CourseSecret.environmentVariable: "short"])) { error in
            XCTAssertTrue("\(error)".contains("at least 16"), "\(error)")
        }
        XCTAssertThrowsError(try CourseSecret.load(file: "/nonexistent/secret", environment: [:]))
    }

    func testHiddenTestsUseTheDerivedSeedOnlyWhenASecretIsGiven() throws {
        let secret = try CourseSecret(bytes: Array("course secret for tests, 32 bytes".utf8))
        var options = SubmissionGrader.Options(seed: 7, includeHidden: true, assignment: "training-basics", hiddenSecret: secret)
        XCTAssertEqual(options.hiddenSeed(assignment: "training-basics", submission: "alice")?.student, nil)
        XCTAssertEqual(options.hiddenSeed(assignment: "training-basics", submission: "alice"),
                       options.hiddenSeed(assignment: "training-basics", submission: "bob"), "one set of hidden inputs for the class")
        options.perStudentInputs = true
        XCTAssertNotEqual(options.hiddenSeed(assignment: "training-basics", submission: "alice"),
                          options.hiddenSeed(assignment: "training-basics", submission: "bob"))
        options.includeHidden = false
        XCTAssertNil(options.hiddenSeed(assignment: "training-basics", submission: "alice"), "no hidden tests, no hidden seed")
        XCTAssertNil(SubmissionGrader.Options(seed: 7, includeHidden: true).hiddenSeed(assignment: "a", submission: "b"))
    }

    func testGradescopeMetadataGivesTheStudentAndTheTime() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metadata-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try #"{"id": 555, "created_at": "2026-12-01T10:00:00.0+00:00", "users": [{"email": "a@example.edu", "id": 4242}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(GradescopeRun.Metadata.read(file),
                       GradescopeRun.Metadata(student: "4242", createdAt: "2026-12-01T10:00:00.0+00:00", submissionID: "555"))
        try #"{"users": [{"email": "a@example.edu"}]}"#.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(GradescopeRun.Metadata.read(file).student, "a@example.edu")
        XCTAssertEqual(GradescopeRun.Metadata.read(URL(fileURLWithPath: "/nonexistent.json")).student, "submission")
    }
}
