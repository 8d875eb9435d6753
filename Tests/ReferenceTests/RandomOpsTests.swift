import Reference
import TensorKit
import XCTest

final class InitializationTests: XCTestCase {
    func testFans() {
        XCTAssertTrue(fans(shape: [30, 20]) == (20, 30))
        XCTAssertTrue(fans(shape: [64, 32, 3, 5]) == (32 * 15, 64 * 15))
        XCTAssertEqual(initStandardDeviation(.heNormal, shape: [10, 50]), 0.2, accuracy: 1e-15)
        XCTAssertEqual(initStandardDeviation(.xavierUniform, shape: [30, 20]), (2.0 / 50).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(initStandardDeviation(.lecunNormal, shape: [8, 4, 2, 2]), 0.25, accuracy: 1e-15)
    }

    func testEverySchemeHasItsStandardDeviation() {
        // Mean within 5 standard errors of 0; sample std within 5 standard errors of the target
        // (SE of a sample std ≈ σ·√((κ − 1)/(4n)), κ = 3 for a normal, 1.8 for a uniform).
        let shape = [64, 32, 3, 3]
        let n = Double(shape.reduce(1, *))
        for (index, scheme) in InitScheme.allCases.enumerated() {
            var generator = SeededGenerator(seed: UInt64(7 + index))
            let w = initialize(scheme, shape: shape, using: &generator)
            XCTAssertEqual(w.shape, shape)
            let target = initStandardDeviation(scheme, shape: shape)
            let mean = w.mean()
            let std = (w.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
            XCTAssertEqual(mean, 0, accuracy: 5 * target / n.squareRoot(), "\(scheme) mean")
            let kurtosis = scheme.isNormal ? 3.0 : 1.8
            XCTAssertEqual(std, target, accuracy: 5 * target * ((kurtosis - 1) / (4 * n)).squareRoot(), "\(scheme) std")
            if !scheme.isNormal {
                XCTAssertLessThanOrEqual(w.scalars.map(Swift.abs).max()!, 3.0.squareRoot() * target, "\(scheme) bound")
            }
        }
    }

    func testHeNormalUsesFanInOfConvWeights() {
        var generator = SeededGenerator(seed: 42)
        let w = heNormal(shape: [16, 128, 3, 3], using: &generator)
        let n = Double(w.count)
        let std = (w.scalars.reduce(0) { $0 + $1 * $1 } / n).squareRoot()
        let target = (2.0 / (128 * 9)).squareRoot()
        XCTAssertEqual(std, target, accuracy: 5 * target / (2 * n).squareRoot())
        // fanOut would give √(2/144) ≈ 0.118 instead of ≈ 0.0417: clearly separated.
        XCTAssertLessThan(std, 0.06)
    }
}

final class DropoutTests: XCTestCase {
    func testTrainingKeepsOneMinusPAndScales() {
        var generator = SeededGenerator(seed: 3)
        let x = Tensor(repeating: 2, shape: [100, 100])
        let p = 0.3
        let (y, mask) = dropoutForward(x, p: p, training: true, using: &generator)
        let kept = mask.scalars.filter { $0 != 0 }.count
        XCTAssertTrue(mask.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.7) < 1e-15 })
        let n = Double(x.count)
        // Kept count ~ Binomial(n, 1 − p): within 5 standard deviations.
        XCTAssertEqual(Double(kept), n * 0.7, accuracy: 5 * (n * p * (1 - p)).squareRoot())
        assertClose(y, x * mask, absolute: 0, relative: 0, "output = input ⊙ mask")
        XCTAssertEqual(y.mean(), 2, accuracy: 5 * 2 * (p / (1 - p) / n).squareRoot(), "inverted dropout keeps the mean")
        assertClose(dropoutBackward(x, mask: mask), x * mask, absolute: 0, relative: 0, "backward = upstream ⊙ mask")
    }

    func testEdgeCases() {
        var generator = SeededGenerator(seed: 4)
        let x = randomTensor([5, 6], seed: 5)
        let all = dropoutForward(x, p: 1, training: true, using: &generator)
        XCTAssertEqual(all.output.scalars, Array(repeating: 0, count: 30), "p = 1 drops everything, no NaN")
        XCTAssertEqual(all.mask.scalars, Array(repeating: 0, count: 30))
        let none = dropoutForward(x, p: 0, training: true, using: &generator)
        XCTAssertEqual(none.output, x)
        XCTAssertEqual(none.mask, Tensor(ones: x.shape))
        let eval = dropoutForward(x, p: 0.5, training: false, using: &generator)
        XCTAssertEqual(eval.output, x)
        XCTAssertEqual(eval.mask, Tensor(ones: x.shape))
    }

    func testBackwardMatchesNumericalForAFixedMask() {
        var generator = SeededGenerator(seed: 6)
        let x = randomTensor([3, 4], seed: 7)
        let mask = dropoutForward(x, p: 0.4, training: true, using: &generator).mask
        let upstream = randomTensor([3, 4], seed: 8)
        assertClose(dropoutBackward(upstream, mask: mask), numericalGradient(of: { $0 * mask }, at: x, upstream: upstream),
                    absolute: gradientAbsolute, relative: gradientRelative, "dropout backward")
    }
}
