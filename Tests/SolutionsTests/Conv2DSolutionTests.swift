import XCTest
import TensorKit
import Solutions

final class Conv2DSolutionTests: XCTestCase {
    /// N=1, C=2, H=5, W=4; F=2 filters of 3×2; stride 2, padding 1 → [1, 2, 3, 3]. Expected values from numpy.
    func testStrideTwoPaddingOneNonSquareKernelMatchesNumpy() {
        let input = Tensor(shape: [1, 2, 5, 4], generator: { Double($0) * 0.1 - 1.5 })
        let weight = Tensor(shape: [2, 2, 3, 2], generator: { Double($0 % 5) - 2 })
        let bias = Tensor([0.5, -1.0])
        let output = conv2dForward(input: input, weight: weight, bias: bias, stride: 2, padding: 1)
        XCTAssertEqual(output.shape, [1, 2, 3, 3])
        let expected = [1.3, -2.1, -2.7, 2.4, 0.6, -1.5, 5.1, 6.3, 0.9,
                        2.4, -1.0, -4.2, 1.5, -1.1, -3.8, -0.2, -2.4, -3.0]
        for (value, want) in zip(output.scalars, expected) { XCTAssertEqual(value, want, accuracy: 1e-12) }
    }

    /// ⌊(H + 2p − KH)/s⌋ + 1 rounds down: H=6, W=7, 3×2 kernel, stride 2, padding 1 → 3 × 4.
    func testOutputSizeRoundsDown() {
        let output = conv2dForward(input: Tensor(zeros: [2, 1, 6, 7]), weight: Tensor(zeros: [3, 1, 3, 2]),
                                   bias: Tensor([1, 2, 3]), stride: 2, padding: 1)
        XCTAssertEqual(output.shape, [2, 3, 3, 4])
        XCTAssertEqual(output[1, 2, 2, 3], 3, "with zero weights every output is its filter's bias")
    }

    /// Cross-correlation: a kernel [[1, 0], [0, 0]] copies the top-left element of each window (a flipped kernel
    /// would copy the bottom-right one).
    func testKernelIsNotFlipped() {
        let input = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let weight = Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, 0])
        let output = conv2dForward(input: input, weight: weight, bias: Tensor([0]), stride: 1, padding: 0)
        XCTAssertEqual(output, Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 4, 5]))
    }

    /// Weight layout [F, C, KH, KW]: filter 0 reads channel 0 only, filter 1 reads channel 1 doubled.
    func testWeightLayoutIsFiltersThenChannels() {
        let input = Tensor(shape: [1, 2, 1, 1], scalars: [3, 10])
        let weight = Tensor(shape: [2, 2, 1, 1], scalars: [1, 0, 0, 2])
        let output = conv2dForward(input: input, weight: weight, bias: Tensor([0, 0]), stride: 1, padding: 0)
        XCTAssertEqual(output, Tensor(shape: [1, 2, 1, 1], scalars: [3, 20]))
    }
}
