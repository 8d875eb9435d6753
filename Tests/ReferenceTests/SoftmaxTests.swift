import Reference
import TensorKit
import XCTest

final class SoftmaxTests: XCTestCase {
    func testLectureWorkedExample() {
        // Lecture: scores [3.2, 1.3, 2.2] → probabilities [0.659, 0.099, 0.243] (three digits from rounded
        // intermediates; the exact third value is 0.24243…, hence a tolerance of 1e-3).
        let p = softmax(Tensor(rows: [[3.2, 1.3, 2.2]]))
        assertClose(p.scalars, [0.659, 0.099, 0.243], absolute: 1e-3, relative: 0, "lecture softmax")
        // Lecture: −log(0.01) ≈ 4.6, the loss when the correct class gets 1 % (logits log 0.01, log 0.99).
        let loss = softmaxCrossEntropy(logits: Tensor(rows: [[Foundation.log(0.01), Foundation.log(0.99)]]), labels: [0]).loss
        XCTAssertEqual(loss, 4.605, accuracy: 1e-3)
    }

    func testAgainstNumpy() {
        for c in Fixtures.shared.softmax {
            assertClose(softmax(c.input.tensor), c.softmax.tensor, absolute: 1e-15, relative: 1e-13, "softmax \(c.name)")
            assertClose(logSoftmax(c.input.tensor), c.logSoftmax.tensor, absolute: 1e-13, relative: 1e-13,
                        "logSoftmax \(c.name)")
        }
        for c in Fixtures.shared.crossEntropy {
            let result = softmaxCrossEntropy(logits: c.logits.tensor, labels: c.labels)
            XCTAssertEqual(result.loss, c.loss, accuracy: 1e-12 * max(1, abs(c.loss)), "cross-entropy \(c.name)")
            assertClose(result.gradient, c.gradient.tensor, absolute: 1e-15, relative: 1e-12, "cross-entropy gradient \(c.name)")
        }
    }

    func testHugeLogitsStayFiniteAndExact() {
        let logits = Tensor(rows: [[1000, -1000, 999], [-1000, -1000, -1000], [1e300, -1e300, 0]])
        let p = softmax(logits)
        XCTAssertTrue(p.isFinite)
        let e = Foundation.exp(-1.0)
        assertClose(Array(p.scalars[0..<3]), [1 / (1 + e), 0, e / (1 + e)], absolute: 1e-16, relative: 1e-15, "row 0")
        assertClose(Array(p.scalars[3..<6]), [1.0 / 3, 1.0 / 3, 1.0 / 3], absolute: 1e-16, relative: 1e-15, "row 1")
        assertClose(Array(p.scalars[6..<9]), [1, 0, 0], absolute: 0, relative: 0, "row 2")
        let logP = logSoftmax(logits)
        XCTAssertTrue(logP.isFinite)
        XCTAssertEqual(logP[0, 1], -2000 - Foundation.log1p(e), accuracy: 1e-12)
        let ce = softmaxCrossEntropy(logits: Tensor(rows: [[1000, -1000, 0]]), labels: [1])
        XCTAssertEqual(ce.loss, 2000, accuracy: 1e-12, "a class 2000 below the best costs 2000, not infinity")
        XCTAssertTrue(ce.gradient.isFinite)
        assertClose(ce.gradient.scalars, [1, -1, 0], absolute: 1e-300, relative: 0, "gradient at saturation")
    }

    func testRowsSumToOneAndShiftInvariance() {
        let x = randomTensor([3, 7], seed: 1, scale: 20)
        let p = softmax(x)
        for row in 0..<3 { XCTAssertEqual(p.scalars[(row * 7)..<(row * 7 + 7)].reduce(0, +), 1, accuracy: 1e-15) }
        assertClose(softmax(x + 123.0), p, absolute: 1e-15, relative: 1e-12, "shift invariance")
    }

    func testSoftmaxBackwardMatchesNumerical() {
        let x = randomTensor([3, 4], seed: 2)
        let upstream = randomTensor([3, 4], seed: 3)
        let analytic = softmaxBackward(output: softmax(x), gradOutput: upstream)
        assertClose(analytic, numericalGradient(of: softmax, at: x, upstream: upstream),
                    absolute: gradientAbsolute, relative: gradientRelative, "softmax backward")
        let analyticLog = logSoftmaxBackward(output: logSoftmax(x), gradOutput: upstream)
        assertClose(analyticLog, numericalGradient(of: logSoftmax, at: x, upstream: upstream),
                    absolute: gradientAbsolute, relative: gradientRelative, "log-softmax backward")
    }

    func testCrossEntropyGradientMatchesNumerical() {
        let x = randomTensor([4, 5], seed: 4, scale: 2)
        let labels = [0, 4, 2, 2]
        let analytic = softmaxCrossEntropy(logits: x, labels: labels).gradient
        let numerical = numericalGradient(ofScalar: { softmaxCrossEntropy(logits: $0, labels: labels).loss }, at: x)
        assertClose(analytic, numerical, absolute: gradientAbsolute, relative: gradientRelative, "cross-entropy")
    }
}
