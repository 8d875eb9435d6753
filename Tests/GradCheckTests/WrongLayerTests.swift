import GradCheck
import TensorKit
import XCTest

/// Wrong backward passes fail, and the report names the tensor, the index and the numbers.
final class WrongLayerTests: XCTestCase {
    /// The largest |x| is at [1, 1], so with an all-ones upstream gradient the forgotten factor hurts most there.
    let input = Tensor(rows: [[0.1, -0.2, 0.3], [0.4, -1.5, 0.6]])

    func testForgottenFactorOfTwoIsNamed() throws {
        let report = checkLayer(Square(forgetsFactorTwo: true), input: input, upstream: Tensor(ones: [2, 3]))
        XCTAssertFalse(report.passed)
        let worst = try XCTUnwrap(report.worst)
        XCTAssertEqual(worst.tensor, "input")
        XCTAssertEqual(worst.index, [1, 1])
        XCTAssertEqual(worst.analytic, -1.5, accuracy: 1e-12)
        XCTAssertEqual(worst.numerical, -3, accuracy: 1e-6)
        XCTAssertEqual(worst.relativeError, 1.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(report.checks[0].failedCount, 6)
        XCTAssertTrue(report.message.contains(
            "input (shape [2, 3]) disagrees at index [1, 1]: analytic -1.5, numerical -3 (absolute error 1.5, "
            + "relative error 0.333; allowed 1e-05 + 0.001·|numerical| = 0.00301)."), report.message)
        XCTAssertTrue(report.message.contains("6 of 6 checked elements are outside the tolerance."), report.message)
    }

    func testAveragedBiasGradientIsNamedAsParameterOne() throws {
        // Column sums of the upstream gradient: 1, 3, -0.5, so the error (sum − sum/2) is largest at index [1].
        let upstream = Tensor(rows: [[0.5, 1, -1], [0.5, 2, 0.5]])
        let layer = Linear(inputs: 3, outputs: 3, seed: 2, averagesBiasGradient: true)
        let report = checkLayer(layer, input: input, upstream: upstream)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.checks.map(\.passed), [true, true, false])
        let worst = try XCTUnwrap(report.worst)
        XCTAssertEqual(worst.tensor, "parameters[1]")
        XCTAssertEqual(worst.index, [1])
        XCTAssertEqual(worst.analytic, 1.5, accuracy: 1e-12)
        XCTAssertEqual(worst.numerical, 3, accuracy: 1e-6)
        XCTAssertTrue(report.message.contains(
            "parameters[1] (shape [3]) disagrees at index [1]: analytic 1.5, numerical 3 (absolute error 1.5, "
            + "relative error 0.333; allowed 1e-05 + 0.001·|numerical| = 0.00301)."), report.message)
        // Failing tensors come before the ones that agreed.
        let failing = try XCTUnwrap(report.message.range(of: "parameters[1] (shape [3]) disagrees"))
        let agreeing = try XCTUnwrap(report.message.range(of: "input (shape [2, 3]) agrees"))
        XCTAssertLessThan(failing.lowerBound, agreeing.lowerBound)
    }

    func testSigmoidWithoutOneMinusSIsCaught() throws {
        let report = checkLayer(Sigmoid(dropsOneMinusS: true), input: randomMatrix(3, 4, seed: 4))
        XCTAssertFalse(report.passed)
        let check = report.checks[0]
        XCTAssertEqual(check.failedCount, 12)
        let worst = try XCTUnwrap(check.worst)
        // The numerical derivative is g·s(1 − s), the analytic one g·s: their ratio is 1 − s, never 1.
        XCTAssertGreaterThan(worst.relativeError, 0.05)
        XCTAssertEqual(report.worst, worst)
    }

    func testSparseModeCatchesWrongLayers() {
        let options = GradCheckOptions(mode: .sparse(count: 3), seed: 7)
        let square = checkLayer(Square(forgetsFactorTwo: true), input: input, options: options)
        XCTAssertFalse(square.passed)
        XCTAssertEqual(square.checks[0].checkedCount, 3)
        let bias = checkLayer(Linear(inputs: 3, outputs: 3, seed: 2, averagesBiasGradient: true), input: input,
                              options: options)
        XCTAssertEqual(bias.worst?.tensor, "parameters[1]")
        XCTAssertFalse(checkLayer(Sigmoid(dropsOneMinusS: true), input: input, options: options).passed)
    }

    func testFastModeCatchesWrongLayersAndFallsBackToNameTheElement() throws {
        let options = GradCheckOptions(mode: .fast(directions: 2), seed: 7)
        let report = checkLayer(Square(forgetsFactorTwo: true), input: input, upstream: Tensor(ones: [2, 3]),
                                options: options)
        XCTAssertFalse(report.passed)
        let check = report.checks[0]
        XCTAssertTrue(check.fellBackToFull)
        XCTAssertEqual(check.checkedCount, 6)
        XCTAssertEqual(check.worst?.index, [1, 1])
        XCTAssertTrue(report.message.contains("The fast check disagreed along random direction"), report.message)
        XCTAssertEqual(check.directionsChecked, 2)
        XCTAssertGreaterThan(check.directionsFailed, 0)
        XCTAssertTrue(check.summary.hasPrefix("\(check.directionsFailed) of 2 random directions disagreed, largest "
            + "directional error "), check.summary)
        XCTAssertTrue(check.summary.contains("so every element was checked: 6 elements checked, 6 wrong; worst at [1, 1]"),
                      check.summary)

        let bias = checkLayer(Linear(inputs: 3, outputs: 3, seed: 2, averagesBiasGradient: true), input: input,
                              options: options)
        XCTAssertEqual(bias.checks.map(\.passed), [true, true, false])
        XCTAssertEqual(bias.checks.map(\.fellBackToFull), [false, false, true])
        XCTAssertFalse(checkLayer(Sigmoid(dropsOneMinusS: true), input: input, options: options).passed)
    }

    func testRequireCorrectGradientsThrowsTheReportMessage() {
        XCTAssertThrowsError(try requireCorrectGradients(Square(forgetsFactorTwo: true), input: input)) { error in
            guard let failure = error as? GradCheckFailure else { return XCTFail("Unexpected error \(error)") }
            XCTAssertEqual(failure.description, failure.report.message)
            XCTAssertEqual(failure.errorDescription, failure.report.message)
            XCTAssertEqual(error.localizedDescription, failure.report.message)
            XCTAssertTrue(failure.description.contains("input (shape [2, 3]) disagrees at index"))
        }
    }

    func testAWrongReLUAwayFromKinksStillFails() throws {
        // Kink detection must not hide a bug: negative inputs are smooth points with derivative 0, not g.
        let report = checkLayer(LeakyReLU(passesEverything: true), input: input)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.checks[0].failedCount, 2)
        XCTAssertEqual(report.checks[0].skippedCount, 0)
    }
}
