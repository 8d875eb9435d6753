import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// One worker serves a submission's exercises in turn while it stays clean; after a crash the next exercise gets a
/// fresh process. Each exercise's code prints a token drawn once per process, so equal tokens mean one process.
final class WorkerReuseTests: XCTestCase {
    private var package: TestPackage!

    override func setUpWithError() throws {
        package = try TestPackage.shared()
    }

    private static let tokenHelper = """
    let processToken = UInt64.random(in: 1...UInt64.max)
    func printToken(_ label: String) { print("TOKEN \\(label) \\(processToken)") }
    """

    /// The solution file with a token print as the first statement of `signature`'s body.
    private func withToken(_ file: String, signature: String, label: String) throws -> String {
        let text = try String(contentsOf: package.solutions.appendingPathComponent(file), encoding: .utf8)
        XCTAssertTrue(text.contains(signature), "\(file) no longer has \(signature)")
        return text.replacingOccurrences(of: signature, with: signature + "\n    printToken(\"\(label)\")")
    }

    private func tokens(_ report: SubmissionReport, _ id: String) throws -> Set<String> {
        let output = try XCTUnwrap(report.exercise(id)).tests.map(\.studentOutput).joined(separator: "\n")
        return Set(output.split(separator: "\n").filter { $0.hasPrefix("TOKEN \(id) ") }.map { String($0.split(separator: " ")[2]) })
    }

    private func submission(_ name: String, heInit: String? = nil) throws -> URL {
        var overrides: [String: String?] = [
            "Token.swift": Self.tokenHelper,
            "Softmax.swift": try withToken("Softmax.swift", signature: "public func softmax(_ logits: Tensor) -> Tensor {", label: "softmax"),
            "Conv2D.swift": try withToken("Conv2D.swift", signature: "public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int) -> Tensor {", label: "conv2d"),
        ]
        if let heInit { overrides["HeInit.swift"] = heInit }
        return try package.makeSubmission(in: try package.scratchFolder("worker-reuse"), name: name, overrides: overrides)
    }

    func testACleanSubmissionIsServedByOneWorker() throws {
        let report = try package.grade(try submission("clean"))
        assertFullMarks(report)
        let softmax = try tokens(report, "softmax"), conv2d = try tokens(report, "conv2d")
        XCTAssertEqual(softmax.count, 1, "every softmax test ran in one process: \(softmax)")
        XCTAssertEqual(softmax, conv2d, "conv2d ran in the process softmax used")
    }

    func testACrashHandsTheNextExerciseAFreshWorker() throws {
        let crashing = """
        import TensorKit
        public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
            let empty: [Double] = []
            return Tensor(shape: [1], scalars: [empty[shape.count]])
        }
        """
        let report = try package.grade(try submission("crash-between", heInit: crashing))
        XCTAssertEqual(report.exercise("he-init")?.status, .crashed)
        for id in ["softmax", "dropout", "adam", "conv2d"] {
            XCTAssertEqual(report.exercise(id)?.status, .passed, id)
        }
        let softmax = try tokens(report, "softmax"), conv2d = try tokens(report, "conv2d")
        XCTAssertEqual(softmax.count, 1)
        XCTAssertEqual(conv2d.count, 1)
        XCTAssertTrue(softmax.isDisjoint(with: conv2d), "after he-init crashed, conv2d still ran in softmax's process")
    }
}
