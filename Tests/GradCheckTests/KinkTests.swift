import GradCheck
import TensorKit
import XCTest

/// Correct code evaluated exactly at a kink is skipped (and counted), never failed.
final class KinkTests: XCTestCase {
    /// Zeros at [0, 1], [1, 0] and [1, 2]: ReLU's kink.
    let input = Tensor(rows: [[0.7, 0, -0.4], [0, 1.2, 0]])

    func testReLUAtZeroIsSkippedNotFailed() {
        let report = checkLayer(LeakyReLU(), input: input)
        XCTAssertTrue(report.passed, report.message)
        let check = report.checks[0]
        XCTAssertEqual(check.skippedCount, 3)
        XCTAssertEqual(check.checkedCount, 3)
        XCTAssertEqual(check.skippedIndices, [[0, 1], [1, 0], [1, 2]])
        // ReLU'(0) = 0 lies between the one-sided slopes 0 and g.
        XCTAssertEqual(check.subgradientCount, 3)
        XCTAssertTrue(report.message.contains("3 elements of input sit at a kink"), report.message)
        XCTAssertTrue(report.message.contains("[0, 1], [1, 0], [1, 2]"), report.message)
    }

    func testLeakyReLUAtZeroIsSkippedNotFailed() {
        let report = checkLayer(LeakyReLU(slope: 0.01), input: input)
        XCTAssertTrue(report.passed, report.message)
        XCTAssertEqual(report.checks[0].skippedCount, 3)
    }

    func testAKinkJustInsideTheStepDoesNotFailCorrectCode() {
        // 3·10⁻⁷ is within one step (10⁻⁶) of ReLU's kink: the centered difference at h straddles it and is off
        // by ~35%, but at h/10 the point is smooth again and the analytic value 1 agrees.
        let report = checkLayer(LeakyReLU(), input: Tensor([3e-7, -3e-7, 0.5]).reshaped([1, 3]),
                                upstream: Tensor(ones: [1, 3]))
        XCTAssertTrue(report.passed, report.message)
        XCTAssertEqual(report.checks[0].checkedCount, 3)
        XCTAssertEqual(report.checks[0].skippedCount, 0)
    }

    func testMaxOverTiesIsSkippedNotFailed() {
        // Row 0 ties at columns 0 and 2; row 1 has a unique maximum.
        let tied = Tensor(rows: [[2, -1, 2], [0.5, 3, 1]])
        let report = checkLayer(RowMax(), input: tied, upstream: Tensor([1.5, -0.5]))
        XCTAssertTrue(report.passed, report.message)
        let check = report.checks[0]
        XCTAssertEqual(check.skippedIndices, [[0, 0], [0, 2]])
        XCTAssertEqual(check.checkedCount, 4)
    }

    func testFastModeAtKinksFallsBackAndPasses() {
        let report = checkLayer(LeakyReLU(), input: input, options: GradCheckOptions(mode: .fast(directions: 4)))
        XCTAssertTrue(report.passed, report.message)
        // A random direction through a kink sees the average slope, so the fast check disagrees and the full
        // check then skips the kinks.
        XCTAssertTrue(report.checks[0].fellBackToFull)
        XCTAssertEqual(report.checks[0].skippedCount, 3)
    }

    func testKinkSkippingDoesNotHideAWrongSlopeElsewhere() {
        // Same kinks, but backward passes g through negative inputs too: [0, 2] (−0.4) is a smooth point and fails.
        let report = checkLayer(LeakyReLU(passesEverything: true), input: input)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.worst?.index, [0, 2])
        XCTAssertEqual(report.checks[0].skippedCount, 3)
    }
}
