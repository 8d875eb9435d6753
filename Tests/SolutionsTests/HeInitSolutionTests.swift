import XCTest
import TensorKit
import Solutions

/// Sample statistics of the `he-init` solution. Seeds are fixed, so these are deterministic; the bounds are about
/// four standard errors wide so that a different correct way of drawing would pass too.
final class HeInitSolutionTests: XCTestCase {
    private func standardDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }

    func testLinearLayerUsesShapeOneAsFanIn() {
        var generator = SeededGenerator(seed: 7)
        let weights = heNormal(shape: [300, 200], using: &generator)
        XCTAssertEqual(weights.shape, [300, 200])
        let (mean, deviation) = standardDeviation(weights.scalars)
        // Expected standard deviation √(2/200) = 0.1; the standard error of the sample std is 0.1/√120000 ≈ 2e-4.
        XCTAssertEqual(deviation, 0.1, accuracy: 0.002)
        XCTAssertEqual(mean, 0, accuracy: 0.002)
    }

    func testConvLayerFanInIncludesTheKernel() {
        var generator = SeededGenerator(seed: 11)
        let weights = heNormal(shape: [64, 3, 5, 5], using: &generator)
        XCTAssertEqual(weights.shape, [64, 3, 5, 5])
        let (_, deviation) = standardDeviation(weights.scalars)
        // fanIn = 3·5·5 = 75, so std = √(2/75) ≈ 0.1633 (fanIn = 3 alone would give 0.816).
        XCTAssertEqual(deviation, (2.0 / 75.0).squareRoot(), accuracy: 0.008)
    }

    /// A normal sample has about 4.55% of its values beyond two standard deviations; a uniform one has none.
    func testDrawsAreNormalNotUniform() {
        var generator = SeededGenerator(seed: 3)
        let weights = heNormal(shape: [100, 50], using: &generator)
        let limit = 2 * (2.0 / 50.0).squareRoot()
        let tail = Double(weights.scalars.filter { Swift.abs($0) > limit }.count) / Double(weights.scalars.count)
        XCTAssertEqual(tail, 0.0455, accuracy: 0.012)
        XCTAssertGreaterThan(Set(weights.scalars).count, weights.scalars.count - 10, "weights must be fresh draws")
    }

    func testSameSeedGivesSameWeights() {
        var first = SeededGenerator(seed: 99), second = SeededGenerator(seed: 99)
        XCTAssertEqual(heNormal(shape: [4, 3], using: &first), heNormal(shape: [4, 3], using: &second))
    }
}
