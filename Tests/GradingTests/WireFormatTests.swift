import XCTest
import TensorKit
@testable import WorkerKit

/// The frame format between grader and worker carries every scalar's exact bits, in bulk.
final class WireFormatTests: XCTestCase {
    func testRepliesAndCallsRoundTripEveryBit() throws {
        let special: [Double] = [0, -0.0, .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF0_0000_0000_0ABC),
                                 .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 1 / 3, 1e-300]
        var generator = SeededGenerator(seed: 3)
        let big = Tensor.randomNormal(shape: [37, 41], using: &generator)
        let reply = WorkerReply(tensors: [Tensor(shape: [2, 5], scalars: special), big, Tensor(shape: [0], scalars: [])],
                                numbers: [.pi, -0.0], integers: [7, -1])
        let frame = WireFormat.encode(reply)
        XCTAssertEqual(try WireFormat.frameLength(Array(frame.prefix(4))), frame.count - 4)
        let decoded = try WireFormat.decodeReply(Array(frame.dropFirst(4)))
        XCTAssertEqual(decoded.tensors.map(\.shape), [[2, 5], [37, 41], [0]])
        for (sent, received) in zip(reply.tensors, decoded.tensors) {
            XCTAssertEqual(sent.scalars.map(\.bitPattern), received.scalars.map(\.bitPattern))
        }
        XCTAssertEqual(decoded.numbers.map(\.bitPattern), reply.numbers.map(\.bitPattern))
        XCTAssertEqual(decoded.integers, [7, -1])

        let call = WorkerCall(function: "softmax", tensors: [big], numbers: [0.5], integers: [3])
        let decodedCall = try WireFormat.decodeCall(Array(WireFormat.encode(call).dropFirst(4)))
        XCTAssertEqual(decodedCall.function, "softmax")
        XCTAssertEqual(decodedCall.tensors[0].scalars, big.scalars)
    }

    func testScalarsAreLittleEndianBitPatterns() throws {
        let frame = WireFormat.encode(WorkerReply(tensors: [Tensor(shape: [1], scalars: [1.0])]))
        // length, status, tensor count, rank, extent, scalar count, then 1.0 = 0x3FF0000000000000 little-endian.
        XCTAssertEqual(Array(frame.suffix(8 + 4 + 4)).prefix(8), [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }

    func testATruncatedTensorIsAnErrorNotACrash() {
        let frame = WireFormat.encode(WorkerReply(tensors: [Tensor(shape: [4], scalars: [1, 2, 3, 4])]))
        let payload = Array(frame.dropFirst(4))
        for cut in [1, 8, 17, 30] {
            XCTAssertThrowsError(try WireFormat.decodeReply(Array(payload.dropLast(cut))), "cut \(cut)")
        }
    }
}
