import XCTest
import TensorKit
@testable import GradingCore

/// The sort behind the Kolmogorov–Smirnov distance agrees with the standard library's on every ordered value.
final class RadixSortTests: XCTestCase {
    func testAgreesWithSortedOnNegativesZerosInfinitiesAndSubnormals() {
        var generator = SeededGenerator(seed: 11)
        var values = (0..<5000).map { _ in generator.nextNormal() * pow(10, Double(Int(generator.nextUniform() * 40) - 20)) }
        values += [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                   .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, 1, -1]
        let sorted = Statistics.radixSorted(values)
        XCTAssertEqual(sorted.count, values.count)
        XCTAssertEqual(sorted, values.sorted())
        // −0 comes before +0; both are kept.
        let zeros = sorted.filter { $0 == 0 }
        XCTAssertEqual(zeros.map(\.sign), [.minus, .plus])
        // Short inputs take the comparison path and agree too.
        XCTAssertEqual(Statistics.radixSorted([3, -2, 0.5]), [-2, 0.5, 3])
    }

    func testTheKolmogorovSmirnovDistanceIsUnchanged() {
        var generator = SeededGenerator(seed: 5)
        let sample = (0..<20_000).map { _ in generator.nextNormal() }
        let cdf = { (x: Double) in 0.5 * erfc(-x / 2.0.squareRoot()) }
        var expected = 0.0
        for (i, x) in sample.sorted().enumerated() {
            expected = max(expected, cdf(x) - Double(i) / 20_000, Double(i + 1) / 20_000 - cdf(x))
        }
        XCTAssertEqual(Statistics.kolmogorovSmirnov(sample, cdf: cdf), expected)
    }
}
