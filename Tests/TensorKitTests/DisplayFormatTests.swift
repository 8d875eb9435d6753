import TensorKit
import XCTest

/// One way of writing numbers and shapes for every message, report and printed tensor.
final class DisplayFormatTests: XCTestCase {
    func testValuesAreExactAndWholeNumbersHaveNoDecimalPoint() {
        XCTAssertEqual(DisplayFormat.value(0.1 + 0.2), "0.30000000000000004")
        XCTAssertEqual(DisplayFormat.value(1e-10), "1e-10")
        XCTAssertEqual(DisplayFormat.value(20), "20")
        XCTAssertEqual(DisplayFormat.value(-3), "-3")
        XCTAssertEqual(DisplayFormat.value(-0.0), "0")
        XCTAssertEqual(DisplayFormat.value(1e20), "1e+20")
        XCTAssertEqual(Double(DisplayFormat.value(0.7310585786300049)), 0.7310585786300049)
    }

    func testSignificantDigits() {
        XCTAssertEqual(DisplayFormat.significant(2.3456e-5), "2.35e-05")
        XCTAssertEqual(DisplayFormat.significant(0.012345), "0.0123")
        XCTAssertEqual(DisplayFormat.significant(1.0 / 3), "0.333")
        XCTAssertEqual(DisplayFormat.significant(2.9999999999167333, digits: 6), "3")
        XCTAssertEqual(DisplayFormat.significant(-1.5, digits: 6), "-1.5")
    }

    func testSpecialValuesAreSpelledOneWayEverywhere() {
        for format in [DisplayFormat.value, { DisplayFormat.significant($0) }, DisplayFormat.points, DisplayFormat.seconds] {
            XCTAssertEqual(format(.nan), "nan")
            XCTAssertEqual(format(.infinity), "inf")
            XCTAssertEqual(format(-.infinity), "-inf")
        }
        XCTAssertEqual(Tensor([1, .nan, -.infinity]).description, "[1, nan, -inf]")
    }

    func testShapesPointsSecondsAndCounts() {
        XCTAssertEqual(DisplayFormat.shape([2, 3]), "[2, 3]")
        XCTAssertEqual(DisplayFormat.shape([]), "[]")
        XCTAssertEqual(Tensor.describe(shape: [4, 1, 8, 8]), DisplayFormat.shape([4, 1, 8, 8]))
        XCTAssertEqual(DisplayFormat.points(20), "20")
        XCTAssertEqual(DisplayFormat.points(17.5), "17.5")
        XCTAssertEqual(DisplayFormat.points(20.0 / 3), "6.666667")
        XCTAssertEqual(DisplayFormat.points(-0.0000001), "0")
        XCTAssertEqual(DisplayFormat.seconds(10), "10")
        XCTAssertEqual(DisplayFormat.seconds(2.54), "2.5")
        XCTAssertEqual(DisplayFormat.count(1, "test"), "1 test")
        XCTAssertEqual(DisplayFormat.count(3, "test"), "3 tests")
    }
}
