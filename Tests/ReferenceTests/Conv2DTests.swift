import Reference
import TensorKit
import XCTest

final class Conv2DTests: XCTestCase {
    /// (N, C, H, W, F, KH, KW, stride, padding): non-square inputs and kernels, F ≠ C, strides 1–3, padding 0–2,
    /// and sizes where the stride does not divide H + 2p − KH (the floor in the output-size formula matters).
    let shapes: [(Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
        (2, 3, 7, 5, 4, 3, 3, 1, 1),
        (1, 2, 9, 8, 3, 3, 2, 2, 0),
        (2, 1, 10, 7, 2, 4, 3, 3, 2),
        (3, 4, 6, 11, 5, 1, 5, 2, 1),
        (1, 3, 5, 5, 2, 5, 5, 1, 2),
        (2, 2, 8, 6, 3, 2, 4, 3, 0),
        (1, 2, 3, 3, 1, 3, 3, 2, 2),
    ]

    func testOutputSizeFormula() {
        // Lecture: a 3×3 filter over a 7×7 image gives a 5×5 map; (n + 2p − f)/s + 1 in general, floored.
        let y = conv2dForward(input: Tensor(zeros: [1, 1, 7, 7]), weight: Tensor(zeros: [4, 1, 3, 3]),
                              bias: Tensor(zeros: [4]), stride: 1, padding: 0)
        XCTAssertEqual(y.shape, [1, 4, 5, 5])
        XCTAssertEqual(Conv2DGeometry(inputShape: [2, 3, 32, 32], weightShape: [8, 3, 3, 3], stride: 1, padding: 1).outputShape,
                       [2, 8, 32, 32])
        XCTAssertEqual(Conv2DGeometry(inputShape: [1, 1, 10, 7], weightShape: [1, 1, 4, 3], stride: 3, padding: 2).outputShape,
                       [1, 1, 4, 3], "⌊(10 + 4 − 4)/3⌋ + 1 = 4 and ⌊(7 + 4 − 3)/3⌋ + 1 = 3")
    }

    func testCrossCorrelationNotFlipped() {
        // A kernel with a single 1 in its top-left corner copies the input shifted, not mirrored.
        let x = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Double.init))
        var w = Tensor(zeros: [1, 1, 2, 2]); w[0, 0, 0, 0] = 1
        let y = conv2dForward(input: x, weight: w, bias: Tensor([0.5]), stride: 1, padding: 0)
        XCTAssertEqual(y.scalars, [1.5, 2.5, 4.5, 5.5])
    }

    func testFastMatchesDirect() {
        for (index, s) in shapes.enumerated() {
            let (n, c, h, w, f, kh, kw, stride, padding) = s
            let seed = UInt64(100 + index * 10)
            let x = randomTensor([n, c, h, w], seed: seed)
            let weight = randomTensor([f, c, kh, kw], seed: seed + 1)
            let bias = randomTensor([f], seed: seed + 2)
            let fast = conv2dForward(input: x, weight: weight, bias: bias, stride: stride, padding: padding)
            let direct = conv2dForwardDirect(input: x, weight: weight, bias: bias, stride: stride, padding: padding)
            assertClose(fast, direct, absolute: 1e-12, relative: 1e-12, "forward \(s)")
            let upstream = randomTensor(fast.shape, seed: seed + 3)
            let fastGrad = conv2dBackward(input: x, weight: weight, gradOutput: upstream, stride: stride, padding: padding)
            let directGrad = conv2dBackwardDirect(input: x, weight: weight, gradOutput: upstream, stride: stride, padding: padding)
            assertClose(fastGrad.input, directGrad.input, absolute: 1e-12, relative: 1e-12, "input gradient \(s)")
            assertClose(fastGrad.weight, directGrad.weight, absolute: 1e-12, relative: 1e-12, "weight gradient \(s)")
            assertClose(fastGrad.bias, directGrad.bias, absolute: 1e-12, relative: 1e-12, "bias gradient \(s)")
        }
    }

    func testMultiThreadedPathMatchesDirect() {
        // ≥ 2 MFLOP, so the images are split over worker threads (with an odd batch: uneven ranges).
        let x = randomTensor([5, 16, 12, 11], seed: 31)
        let weight = randomTensor([16, 16, 3, 3], seed: 32)
        let bias = randomTensor([16], seed: 33)
        let fast = conv2dForward(input: x, weight: weight, bias: bias, stride: 1, padding: 1)
        assertClose(fast, conv2dForwardDirect(input: x, weight: weight, bias: bias, stride: 1, padding: 1),
                    absolute: 1e-12, relative: 1e-12, "forward")
        let upstream = randomTensor(fast.shape, seed: 34)
        let g = conv2dBackward(input: x, weight: weight, gradOutput: upstream, stride: 1, padding: 1)
        let d = conv2dBackwardDirect(input: x, weight: weight, gradOutput: upstream, stride: 1, padding: 1)
        assertClose(g.input, d.input, absolute: 1e-12, relative: 1e-11, "input gradient")
        assertClose(g.weight, d.weight, absolute: 1e-11, relative: 1e-11, "weight gradient")
        assertClose(g.bias, d.bias, absolute: 1e-11, relative: 1e-11, "bias gradient")
        XCTAssertEqual(conv2dBackward(input: x, weight: weight, gradOutput: upstream, stride: 1, padding: 1).weight, g.weight,
                       "the backward pass is deterministic")
    }

    func testAgainstNumpy() {
        for (i, c) in Fixtures.shared.conv2d.enumerated() {
            let (x, w, b) = (c.input.tensor, c.weight.tensor, c.bias.tensor)
            assertClose(conv2dForward(input: x, weight: w, bias: b, stride: c.stride, padding: c.padding), c.output.tensor,
                        absolute: 1e-12, relative: 1e-12, "fast forward, case \(i)")
            assertClose(conv2dForwardDirect(input: x, weight: w, bias: b, stride: c.stride, padding: c.padding),
                        c.output.tensor, absolute: 1e-12, relative: 1e-12, "direct forward, case \(i)")
            let g = conv2dBackward(input: x, weight: w, gradOutput: c.gradOutput.tensor, stride: c.stride, padding: c.padding)
            assertClose(g.input, c.gradInput.tensor, absolute: 1e-12, relative: 1e-12, "input gradient, case \(i)")
            assertClose(g.weight, c.gradWeight.tensor, absolute: 1e-12, relative: 1e-12, "weight gradient, case \(i)")
            assertClose(g.bias, c.gradBias.tensor, absolute: 1e-12, relative: 1e-12, "bias gradient, case \(i)")
        }
    }

    func testBackwardMatchesNumerical() {
        for s in [shapes[1], shapes[2], shapes[3]] {
            let (n, c, h, w, f, kh, kw, stride, padding) = s
            let x = randomTensor([n, c, h, w], seed: 7)
            let weight = randomTensor([f, c, kh, kw], seed: 8)
            let bias = randomTensor([f], seed: 9)
            let upstream = randomTensor(conv2dForward(input: x, weight: weight, bias: bias, stride: stride, padding: padding).shape,
                                        seed: 10)
            let g = conv2dBackward(input: x, weight: weight, gradOutput: upstream, stride: stride, padding: padding)
            assertClose(g.input, numericalGradient(of: { conv2dForward(input: $0, weight: weight, bias: bias, stride: stride, padding: padding) },
                                                   at: x, upstream: upstream),
                        absolute: gradientAbsolute, relative: gradientRelative, "input \(s)")
            assertClose(g.weight, numericalGradient(of: { conv2dForward(input: x, weight: $0, bias: bias, stride: stride, padding: padding) },
                                                    at: weight, upstream: upstream),
                        absolute: gradientAbsolute, relative: gradientRelative, "weight \(s)")
            assertClose(g.bias, numericalGradient(of: { conv2dForward(input: x, weight: weight, bias: $0, stride: stride, padding: padding) },
                                                  at: bias, upstream: upstream),
                        absolute: gradientAbsolute, relative: gradientRelative, "bias \(s)")
        }
    }
}
