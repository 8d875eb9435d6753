import Foundation
import GradCheck
import TensorKit
import XCTest

/// Correct layers pass, in every mode, and the report names what was checked.
final class CorrectLayerTests: XCTestCase {
    let input = randomMatrix(4, 3, seed: 11)

    func testLinearWithBiasPassesAndNamesEveryTensor() {
        let report = checkLayer(Linear(inputs: 3, outputs: 2, seed: 1), input: input)
        XCTAssertTrue(report.passed, report.message)
        XCTAssertEqual(report.checks.map(\.name), ["input", "parameters[0]", "parameters[1]"])
        XCTAssertEqual(report.checks.map(\.checkedCount), [12, 6, 2])
        XCTAssertEqual(report.checks.map(\.shape), [[4, 3], [2, 3], [2]])
        XCTAssertLessThan(report.worst?.relativeError ?? 1, 1e-7)
        XCTAssertTrue(report.problems.isEmpty)
        XCTAssertFalse(report.nondeterministic)
        XCTAssertNil(report.forwardNondeterminism)
        XCTAssertTrue(report.message.hasPrefix("The gradient check passed."), report.message)
    }

    func testElementwiseAndSoftmaxLayersPass() {
        let wide = randomMatrix(3, 5, seed: 12) * 3
        for (name, report) in [("sigmoid", checkLayer(Sigmoid(), input: wide)),
                               ("tanh", checkLayer(Tanh(), input: wide)),
                               ("softmax", checkLayer(Softmax(), input: wide)),
                               ("square", checkLayer(Square(), input: wide))] {
            XCTAssertTrue(report.passed, "\(name): \(report.message)")
            XCTAssertEqual(report.checks.first?.checkedCount, 15, name)
        }
    }

    func testLayerWithSeveralParametersPasses() {
        let report = checkLayer(TwoLayerNetwork(seed: 5), input: input)
        XCTAssertTrue(report.passed, report.message)
        XCTAssertEqual(report.checks.map(\.name),
                       ["input", "parameters[0]", "parameters[1]", "parameters[2]", "parameters[3]"])
        XCTAssertEqual(report.checks.map(\.checkedCount), [12, 12, 4, 8, 2])
    }

    func testSparseAndFastModesPassCorrectLayers() {
        let sparse = checkLayer(TwoLayerNetwork(seed: 5), input: input,
                                options: GradCheckOptions(mode: .sparse(count: 5), seed: 3))
        XCTAssertTrue(sparse.passed, sparse.message)
        XCTAssertEqual(sparse.checks.map(\.checkedCount), [5, 5, 4, 5, 2])
        XCTAssertTrue(sparse.message.contains("input (shape [4, 3]) agrees: 5 of 12 elements checked"), sparse.message)

        let fast = checkLayer(TwoLayerNetwork(seed: 5), input: input,
                              options: GradCheckOptions(mode: .fast(directions: 3), seed: 3))
        XCTAssertTrue(fast.passed, fast.message)
        XCTAssertEqual(fast.checks.map(\.directionsChecked), [3, 3, 3, 3, 3])
        XCTAssertFalse(fast.checks.contains(where: \.fellBackToFull), fast.message)
        XCTAssertTrue(fast.message.contains("agrees along 3 random directions"), fast.message)
    }

    /// The one-line summary `grader gradcheck` prints per tensor says what each mode compared: element counts for
    /// full and sparse, and for fast the directions with the largest directional error and its allowance.
    func testSummaryNamesWhatEachModeCompared() throws {
        let fast = checkLayer(TwoLayerNetwork(seed: 5), input: input,
                              options: GradCheckOptions(mode: .fast(directions: 3), seed: 3))
        for check in fast.checks {
            let direction = try XCTUnwrap(check.worstDirection)
            XCTAssertEqual(check.summary, "3 random directions checked, largest directional error "
                + "\(DisplayFormat.significant(direction.absoluteError)) (allowed "
                + "\(DisplayFormat.significant(direction.allowedError)))")
            XCTAssertLessThan(direction.absoluteError, direction.allowedError)
            XCTAssertEqual(check.directionsFailed, 0)
        }
        let one = checkLayer(TwoLayerNetwork(seed: 5), input: input,
                             options: GradCheckOptions(mode: .fast(directions: 1), seed: 3))
        XCTAssertTrue(one.checks[0].summary.hasPrefix("1 random direction checked, "), one.checks[0].summary)
        let sparse = checkLayer(TwoLayerNetwork(seed: 5), input: input,
                                options: GradCheckOptions(mode: .sparse(count: 5), seed: 3))
        XCTAssertTrue(sparse.checks[0].summary.hasPrefix("5 elements checked; worst at ["), sparse.checks[0].summary)
        let full = checkLayer(TwoLayerNetwork(seed: 5), input: input)
        XCTAssertTrue(full.checks[0].summary.hasPrefix("12 elements checked; worst at ["), full.checks[0].summary)
    }

    func testRequireCorrectGradientsDoesNotThrowForACorrectLayer() throws {
        try requireCorrectGradients(Linear(inputs: 3, outputs: 2, seed: 1), input: input)
    }

    func testReportsAreCodable() throws {
        let report = checkLayer(Linear(inputs: 3, outputs: 2, seed: 1, averagesBiasGradient: true), input: input,
                                options: GradCheckOptions(mode: .sparse(count: 4)))
        let decoded = try JSONDecoder().decode(GradCheckReport.self, from: JSONEncoder().encode(report))
        XCTAssertEqual(decoded, report)
    }

    func testSameSeedSameReport() {
        let options = GradCheckOptions(mode: .fast(directions: 2), seed: 9)
        XCTAssertEqual(checkLayer(Tanh(), input: input, options: options),
                       checkLayer(Tanh(), input: input, options: options))
    }
}
