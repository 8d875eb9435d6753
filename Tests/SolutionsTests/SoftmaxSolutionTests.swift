import Foundation
import XCTest
import TensorKit
import Solutions

/// Sanity checks of the `softmax` solution against numbers worked out by hand (Lecture 3) and with numpy.
final class SoftmaxSolutionTests: XCTestCase {
    func testLectureWorkedExample() {
        let probabilities = softmax(Tensor(rows: [[3.2, 1.3, 2.2]]))
        XCTAssertEqual(probabilities.shape, [1, 3])
        let expected = [0.659, 0.0986, 0.2424]
        for (value, want) in zip(probabilities.scalars, expected) { XCTAssertEqual(value, want, accuracy: 5e-4) }
        XCTAssertEqual(probabilities.scalars.reduce(0, +), 1, accuracy: 1e-12)
    }

    func testHugeLogitsAreShiftInvariant() {
        let large = softmax(Tensor(rows: [[1000, 999, 998], [-1000, -1001, -1002]]))
        let small = softmax(Tensor(rows: [[2, 1, 0], [2, 1, 0]]))
        XCTAssertTrue(large.isFinite)
        for (value, want) in zip(large.scalars, small.scalars) { XCTAssertEqual(value, want, accuracy: 1e-12) }
        XCTAssertEqual(large.scalars[0], 0.66524095577, accuracy: 1e-10)
    }

    /// One row near +1000 and one near 0: a single batch-wide shift would turn the second row into 0/0.
    func testEachRowUsesItsOwnMaximum() {
        let probabilities = softmax(Tensor(rows: [[1000, 999], [0, -1]]))
        XCTAssertTrue(probabilities.isFinite)
        XCTAssertEqual(probabilities[1, 0], 1 / (1 + exp(-1.0)), accuracy: 1e-12)
    }

    /// Softmax normalizes the last axis: rows sum to one, columns (axis 0) in general do not.
    func testNormalizesAlongTheLastAxisOfAHigherRankTensor() {
        let logits = Tensor(shape: [2, 2, 3], scalars: [1, 2, 3, 0, 0, 0, -1, 5, 2, 7, 7, 1])
        let probabilities = softmax(logits)
        XCTAssertEqual(probabilities.shape, [2, 2, 3])
        for row in 0..<4 {
            XCTAssertEqual(probabilities.scalars[(row * 3)..<(row * 3 + 3)].reduce(0, +), 1, accuracy: 1e-12)
        }
        XCTAssertEqual(probabilities[0, 1, 0], 1.0 / 3.0, accuracy: 1e-12)
    }

    /// Expected values from numpy: log-sum-exp loss and (softmax − onehot)/N for three rows, one of which needs a
    /// loss of exactly 1000 (the correct class trails by 1000, so its probability underflows to 0).
    func testCrossEntropyMatchesNumpy() {
        let logits = Tensor(rows: [[3.2, 1.3, 2.2], [1000, 999, 998], [0, 1000, -5]])
        let (loss, gradient) = softmaxCrossEntropy(logits: logits, labels: [0, 2, 0])
        XCTAssertEqual(loss, 334.27487866024074, accuracy: 1e-9)
        let expected = [-0.11366628703801078, 0.03285529680310604, 0.08081099023490461,
                        0.22174698525826328, 0.08157615701826194, -0.3033231422765413,
                        -0.3333333333333333, 0.3333333333333333, 0.0]
        XCTAssertEqual(gradient.shape, [3, 3])
        for (value, want) in zip(gradient.scalars, expected) { XCTAssertEqual(value, want, accuracy: 1e-12) }
    }

    func testCrossEntropyIsAMeanNotASum() {
        let row = [3.2, 1.3, 2.2]
        let single = softmaxCrossEntropy(logits: Tensor(rows: [row]), labels: [0])
        let doubled = softmaxCrossEntropy(logits: Tensor(rows: [row, row]), labels: [0, 0])
        XCTAssertEqual(single.loss, 0.4170300162778335, accuracy: 1e-12)
        XCTAssertEqual(doubled.loss, single.loss, accuracy: 1e-12)
        XCTAssertEqual(doubled.gradient[0, 0], single.gradient[0, 0] / 2, accuracy: 1e-12)
    }

    func testCrossEntropyGradientMatchesCentralDifferences() {
        let logits = Tensor(rows: [[0.3, -1.2, 2.0, 0.1], [1.5, 1.4, -0.7, 0.0]])
        let labels = [2, 1]
        let gradient = softmaxCrossEntropy(logits: logits, labels: labels).gradient
        let step = 1e-6
        for index in 0..<logits.scalars.count {
            var plus = logits, minus = logits
            plus.scalars[index] += step
            minus.scalars[index] -= step
            let numerical = (softmaxCrossEntropy(logits: plus, labels: labels).loss
                - softmaxCrossEntropy(logits: minus, labels: labels).loss) / (2 * step)
            XCTAssertEqual(gradient.scalars[index], numerical, accuracy: 1e-8, "element \(index)")
        }
    }
}
