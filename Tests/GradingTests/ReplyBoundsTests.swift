import Grading
import GradingCore
import XCTest
import TensorKit
import WorkerKit

/// What a reply may claim, checked where it is decoded: no trap and no allocation from a shape, a rank or a frame
/// length, and a message short enough to quote.
final class ReplyBoundsTests: XCTestCase {
    /// A reply payload holding one tensor with `rank` (as written on the wire), `extents` and `scalars`.
    private func payload(rank: UInt32, extents: [Int64], scalars: [Double]) -> [UInt8] {
        var bytes: [UInt8] = [0]
        func append<T>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        append(UInt32(1).littleEndian)
        append(rank.littleEndian)
        for extent in extents { append(extent.littleEndian) }
        append(Int64(scalars.count).littleEndian)
        for value in scalars { append(value.bitPattern.littleEndian) }
        append(UInt32(0).littleEndian)
        append(UInt32(0).littleEndian)
        return bytes
    }

    private func implausibleReason(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try WireFormat.decodeReply(bytes)
            XCTFail("the reply was accepted", file: file, line: line)
        } catch let WireFormat.DecodingError.implausibleTensor(reason) {
            return reason
        } catch {
            XCTFail("expected an implausible tensor, got \(error)", file: file, line: line)
        }
        return ""
    }

    func testShapeProductOverflowIsRejectedWithoutTrapping() {
        let reason = implausibleReason(payload(rank: 4, extents: [1 << 31, 1 << 31, 1 << 31, 4], scalars: [1]))
        XCTAssertTrue(reason.contains("[2147483648, 2147483648, 2147483648, 4]") && reason.contains("overflows"), reason)
    }

    func testAbsurdElementCountIsRejected() {
        let reason = implausibleReason(payload(rank: 2, extents: [1 << 20, 1 << 20], scalars: []))
        XCTAssertTrue(reason.contains("more than \(WireFormat.maximumElements)"), reason)
    }

    func testNegativeExtentIsRejected() {
        let reason = implausibleReason(payload(rank: 2, extents: [2, -3], scalars: []))
        XCTAssertTrue(reason.contains("-3"), reason)
    }

    func testAbsurdRankIsRejectedBeforeReadingExtents() {
        // 2³² − 1 extents announced ("rank −1"), none sent: rejected by the rank, not by running out of bytes.
        XCTAssertTrue(implausibleReason(payload(rank: .max, extents: [], scalars: [])).contains("4294967295 dimensions"))
        let thousand = implausibleReason(payload(rank: 1000, extents: Array(repeating: 1, count: 1000), scalars: [1]))
        XCTAssertTrue(thousand.contains("1000 dimensions"), thousand)
        XCTAssertLessThan(thousand.utf8.count, 200)
    }

    func testPlausibleTensorsKeepTheirShapeAndPoisonedValues() throws {
        let values: [Double] = [.nan, .infinity, -.infinity, 1, 2, 3]
        let reply = try WireFormat.decodeReply(payload(rank: 2, extents: [2, 3], scalars: values))
        XCTAssertEqual(reply.tensors[0].shape, [2, 3])
        XCTAssertTrue(reply.tensors[0].scalars[0].isNaN)
        XCTAssertEqual(Array(reply.tensors[0].scalars.dropFirst()), Array(values.dropFirst()))
        // A count that disagrees with the shape still arrives: the judge names the disagreement.
        let mismatched = try WireFormat.decodeReply(payload(rank: 2, extents: [4, 5], scalars: [1, 2]))
        XCTAssertEqual(mismatched.tensors[0].shape, [4, 5])
    }

    func testReplyLimitCoversCorrectRepliesAndNotAGigabyte() {
        let limit = SubmissionGrader.replyLimit(for: ExerciseCatalog.all)
        XCTAssertEqual(limit(WorkerCall(function: "layerGradients")), WorkerCall.undeclaredReplyLimit)
        let logits = Tensor(zeros: [4, 7])
        let softmax = WorkerCall(function: "softmax", tensors: [logits])
        let correct = WireFormat.encode(WorkerReply(tensors: [logits]))
        XCTAssertGreaterThanOrEqual(limit(softmax), correct.count - 4)
        XCTAssertLessThan(limit(softmax), 1 << 20)

        let he = WorkerCall(function: "heNormal", integers: [7, 3, 64, 32, 3, 3])
        let draws = WireFormat.encode(WorkerReply(tensors: Array(repeating: Tensor(zeros: [64, 32, 3, 3]), count: 3)))
        XCTAssertGreaterThanOrEqual(limit(he), draws.count - 4)
        XCTAssertLessThan(limit(he), 16 << 20)

        let conv = WorkerCall(function: "conv2dForward",
                              tensors: [Tensor(zeros: [2, 3, 9, 7]), Tensor(zeros: [4, 3, 3, 3]), Tensor(zeros: [4])], integers: [2, 5])
        let output = WireFormat.encode(WorkerReply(tensors: [Tensor(zeros: [2, 4, 9, 8])]))
        XCTAssertGreaterThanOrEqual(limit(conv), output.count - 4)

        let adam = WorkerCall(function: "adamStep",
                              tensors: Array(repeating: Tensor(zeros: [5, 6]), count: 3 + 4), numbers: [0.1, 0.9, 0.999, 1e-8], integers: [0])
        let steps = WireFormat.encode(WorkerReply(tensors: Array(repeating: Tensor(zeros: [5, 6]), count: 12), integers: [1, 2, 3, 4]))
        XCTAssertGreaterThanOrEqual(limit(adam), steps.count - 4)
        XCTAssertLessThan(limit(adam), 1 << 20)
    }
}
