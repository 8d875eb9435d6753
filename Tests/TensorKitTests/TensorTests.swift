import XCTest
import TensorKit

final class TensorTests: XCTestCase {
    func testContractSurface() {
        var t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t.shape, [2, 3])
        XCTAssertEqual(t.scalars.count, 6)
        t.scalars[4] = 50
        XCTAssertEqual(t[1, 1], 50)
        XCTAssertEqual(Tensor(zeros: [2, 2, 3]).scalars, Array(repeating: 0, count: 12))
        XCTAssertEqual(Tensor(zeros: []).scalars, [0])
    }

    func testRowMajorIndexing() {
        let t = Tensor(shape: [2, 3, 4]) { Double($0) }
        XCTAssertEqual(t[1, 2, 3], 23)
        XCTAssertEqual(t.flatIndex([1, 0, 2]), 14)
        XCTAssertEqual(t.multiIndex(14), [1, 0, 2])
        XCTAssertEqual(t.strides, [12, 4, 1])
    }

    func testElementwiseArithmetic() {
        let a = Tensor([1, 2, 3]), b = Tensor([4, 5, 6])
        XCTAssertEqual((a + b).scalars, [5, 7, 9])
        XCTAssertEqual((b - a).scalars, [3, 3, 3])
        XCTAssertEqual((a * b).scalars, [4, 10, 18])
        XCTAssertEqual((b / a).scalars, [4, 2.5, 2])
        XCTAssertEqual((2 * a + 1).scalars, [3, 5, 7])
        XCTAssertEqual((-a).scalars, [-1, -2, -3])
        XCTAssertEqual(a.map { $0 * $0 }.scalars, [1, 4, 9])
        XCTAssertEqual(Tensor([4, 9]).squareRoot().scalars, [2, 3])
    }

    func testReductionsAlongAnAxis() {
        let t = Tensor(rows: [[1, 5, 3], [4, 2, 6]])
        XCTAssertEqual(t.sum(), 21)
        XCTAssertEqual(t.sum(alongAxis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(t.sum(alongAxis: -1).scalars, [9, 12])
        XCTAssertEqual(t.max(alongAxis: 1, keepingAxis: true).shape, [2, 1])
        XCTAssertEqual(t.max(alongAxis: 1).scalars, [5, 6])
        XCTAssertEqual(t.mean(alongAxis: 0).scalars, [2.5, 3.5, 4.5])
        XCTAssertEqual(t.argmax(), 5)
        XCTAssertEqual(t.mapRows { row in row.map { $0 / row.reduce(0, +) } }.sum(alongAxis: 1).scalars, [1, 1])
    }

    func testMatmulThroughOpenBLASMatchesTheDefinition() {
        var generator = SeededGenerator(seed: 1)
        let a = Tensor.randomNormal(shape: [3, 5], using: &generator)
        let b = Tensor.randomNormal(shape: [5, 4], using: &generator)
        let product = a.matmul(b)
        XCTAssertEqual(product.shape, [3, 4])
        for i in 0..<3 {
            for j in 0..<4 {
                let expected = (0..<5).reduce(0.0) { $0 + a[i, $1] * b[$1, j] }
                XCTAssertEqual(product[i, j], expected, accuracy: 1e-12)
            }
        }
        XCTAssertEqual(a.transposed().matmul(b.transposed(), transposeSelf: true, transposeOther: true).scalars
            .enumerated().map { abs($0.element - product.scalars[$0.offset]) }.max()!, 0, accuracy: 1e-12)
    }

    func testSmallTensorsPrintInFullAndLargeOnesAbbreviated() {
        XCTAssertEqual(Tensor(rows: [[1, 2.5], [-3, 4]]).description, "[[1, 2.5],\n [-3, 4]]")
        XCTAssertEqual(Tensor(scalar: 0.5).description, "0.5")
        XCTAssertEqual(Tensor([1, .nan, .infinity]).description, "[1, nan, inf]")
        let large = Tensor(shape: [1000]) { Double($0) }
        XCTAssertEqual(large.description, "Tensor(shape: [1000])\n[0, 1, 2, …, 997, 998, 999]")
    }

    func testAdamStateStartsAtZero() {
        let state = AdamState(like: Tensor(zeros: [2, 3]))
        XCTAssertEqual(state.m, Tensor(zeros: [2, 3]))
        XCTAssertEqual(state.v, Tensor(zeros: [2, 3]))
        XCTAssertEqual(state.t, 0)
    }
}
