import GradCheck
import TensorKit
import XCTest

/// The function-level pieces: the numerical vector–Jacobian product, comparison and relative error.
final class NumericalGradientTests: XCTestCase {
    func testCenteredDifferencesGiveTheVectorJacobianProduct() {
        // f(x) = [x0·x1, x1³], g = [2, −1]: ∂L/∂x0 = 2·x1, ∂L/∂x1 = 2·x0 − 3·x1².
        let x = Tensor([1.5, -2])
        let g = Tensor([2, -1])
        let numeric = numericalGradient(at: x, upstream: g, step: 1e-6) { t in
            Tensor([t.scalars[0] * t.scalars[1], t.scalars[1] * t.scalars[1] * t.scalars[1]])
        }
        XCTAssertEqual(numeric.shape, [2])
        XCTAssertEqual(numeric.scalars[0], -4, accuracy: 1e-8)
        XCTAssertEqual(numeric.scalars[1], 3 - 12, accuracy: 1e-8)
    }

    func testCheckGradientPassesTheRightAnswerAndFailsAWrongOne() {
        let x = Tensor([0.3, -0.7, 1.1])
        let g = Tensor([1, 2, -1])
        let f: (Tensor) -> Tensor = { $0.map { Foundation_sin($0) } }
        let right = x.map { Foundation_cos($0) } * g
        let good = checkGradient(at: x, upstream: g, analytic: right, function: f)
        XCTAssertTrue(good.passed, good.message)
        XCTAssertEqual(good.checkedCount, 3)

        var wrong = right
        wrong.scalars[2] += 0.01
        let bad = checkGradient(name: "angles", at: x, upstream: g, analytic: wrong, function: f)
        XCTAssertFalse(bad.passed)
        XCTAssertEqual(bad.failedCount, 1)
        XCTAssertEqual(bad.worst?.index, [2])
        XCTAssertEqual(bad.worst?.tensor, "angles")
        XCTAssertTrue(bad.message.hasPrefix("angles (shape [3]) disagrees at index [2]: analytic"), bad.message)
        XCTAssertTrue(bad.message.contains("1 of 3 checked elements is outside the tolerance."), bad.message)
    }

    func testSparseModeChecksExactlyTheRequestedNumberOfDistinctElements() {
        let x = Tensor(shape: [10]) { Double($0) / 10 }
        let check = checkGradient(at: x, upstream: Tensor(ones: [10]), analytic: 2 * x,
                                  options: GradCheckOptions(mode: .sparse(count: 4), seed: 5)) { $0 * $0 }
        XCTAssertTrue(check.passed, check.message)
        XCTAssertEqual(check.checkedCount, 4)

        // With one wrong element, a sample that includes it fails and names it; the sample depends on the seed.
        var wrong = 2 * x
        wrong.scalars[7] = 0
        let verdicts = (0..<20).map { seed in
            checkGradient(at: x, upstream: Tensor(ones: [10]), analytic: wrong,
                          options: GradCheckOptions(mode: .sparse(count: 4), seed: UInt64(seed))) { $0 * $0 }
        }
        XCTAssertTrue(verdicts.contains { $0.passed })
        XCTAssertTrue(verdicts.contains { !$0.passed })
        XCTAssertTrue(verdicts.filter { !$0.passed }.allSatisfy { $0.worst?.index == [7] })
        // Asking for more elements than exist checks each once.
        let all = checkGradient(at: x, upstream: Tensor(ones: [10]), analytic: 2 * x,
                                options: GradCheckOptions(mode: .sparse(count: 50))) { $0 * $0 }
        XCTAssertEqual(all.checkedCount, 10)
    }

    func testComparisonUsesAbsolutePlusRelativeTolerance() {
        let inside = ElementComparison(tensor: "t", index: [0], analytic: 1000.5, numerical: 1000,
                                       absoluteTolerance: 1e-5, relativeTolerance: 1e-3)
        XCTAssertTrue(inside.passed)
        XCTAssertEqual(inside.allowedError, 1 + 1e-5, accuracy: 1e-12)
        let outside = ElementComparison(tensor: "t", index: [0], analytic: 1e-4, numerical: 0,
                                        absoluteTolerance: 1e-5, relativeTolerance: 1e-3)
        XCTAssertFalse(outside.passed)
        XCTAssertEqual(outside.relativeError, 1)
        let zeros = ElementComparison(tensor: "t", index: [0], analytic: 0, numerical: 0,
                                      absoluteTolerance: 0, relativeTolerance: 0)
        XCTAssertTrue(zeros.passed)
        XCTAssertEqual(zeros.relativeError, 0)
        let nan = ElementComparison(tensor: "t", index: [0], analytic: .nan, numerical: 1,
                                    absoluteTolerance: 1, relativeTolerance: 1)
        XCTAssertFalse(nan.passed)
        XCTAssertEqual(nan.severity, .infinity)
    }

    func testRelativeErrorIsTheCS231nFormula() {
        XCTAssertEqual(cs231nRelativeError(0, 0), 0)
        XCTAssertEqual(cs231nRelativeError(1, 3), 0.5)
        XCTAssertEqual(cs231nRelativeError(-1, 1), 1)
    }

    func testOptionsDefaultsAndCodableModes() throws {
        let options = GradCheckOptions()
        XCTAssertEqual(options.step, 1e-6)
        XCTAssertEqual(options.absoluteTolerance, 1e-5)
        XCTAssertEqual(options.relativeTolerance, 1e-3)
        XCTAssertEqual(options.mode, .full)
        for mode: GradCheckMode in [.full, .sparse(count: 3), .fast(directions: 2)] {
            let data = try JSONEncoder().encode(GradCheckOptions(mode: mode, seed: 4))
            XCTAssertEqual(try JSONDecoder().decode(GradCheckOptions.self, from: data).mode, mode)
        }
    }
}

#if canImport(Glibc)
import Glibc
func Foundation_sin(_ x: Double) -> Double { Glibc.sin(x) }
func Foundation_cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
func Foundation_sin(_ x: Double) -> Double { Darwin.sin(x) }
func Foundation_cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
import Foundation
