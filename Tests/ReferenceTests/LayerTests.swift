import Reference
import TensorKit
import XCTest

final class ActivationTests: XCTestCase {
    let a = Fixtures.shared.activations

    func testForwardAgainstNumpy() {
        let x = Tensor(a.input)
        assertClose(reluForward(x).scalars, a.relu, absolute: 0, relative: 0, "ReLU")
        assertClose(leakyReLUForward(x).scalars, a.leakyReLU, absolute: 1e-300, relative: 1e-15, "leaky ReLU")
        assertClose(eluForward(x).scalars, a.elu, absolute: 1e-300, relative: 1e-14, "ELU")
        assertClose(seluForward(x).scalars, a.selu, absolute: 1e-300, relative: 1e-14, "SELU")
        assertClose(sigmoidForward(x).scalars, a.sigmoid, absolute: 1e-16, relative: 1e-14, "sigmoid")
        assertClose(tanhForward(x).scalars, a.tanh, absolute: 1e-300, relative: 1e-14, "tanh")
        XCTAssertEqual(seluAlpha, 1.6733, accuracy: 1e-4)
        XCTAssertEqual(seluScale, 1.0507, accuracy: 1e-4)
        XCTAssertEqual(sigmoidForward(Tensor([-1000])).scalars, [0], "no overflow for very negative inputs")
    }

    func testBackwardMatchesNumerical() {
        // Inputs kept away from 0, where ReLU-like functions have a kink.
        let x = randomTensor([4, 5], seed: 11).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        let g = randomTensor([4, 5], seed: 12)
        func check(_ name: String, _ f: (Tensor) -> Tensor, _ analytic: Tensor) {
            assertClose(analytic, numericalGradient(of: f, at: x, upstream: g),
                        absolute: gradientAbsolute, relative: gradientRelative, name)
        }
        check("ReLU", reluForward, reluBackward(input: x, gradOutput: g))
        check("leaky ReLU", { leakyReLUForward($0, slope: 0.2) }, leakyReLUBackward(input: x, gradOutput: g, slope: 0.2))
        check("ELU", { eluForward($0, alpha: 1.3) }, eluBackward(input: x, gradOutput: g, alpha: 1.3))
        check("SELU", seluForward, seluBackward(input: x, gradOutput: g))
        check("sigmoid", sigmoidForward, sigmoidBackward(output: sigmoidForward(x), gradOutput: g))
        check("tanh", tanhForward, tanhBackward(output: tanhForward(x), gradOutput: g))
        XCTAssertEqual(reluBackward(input: Tensor([0]), gradOutput: Tensor([1])).scalars, [0], "ReLU′(0) = 0")
    }
}

final class PoolingTests: XCTestCase {
    func testAgainstNumpyWithTies() {
        for c in Fixtures.shared.maxPool {
            let (y, winners) = maxPool2dForward(c.input.tensor, kernelSize: c.kernelSize, stride: c.stride)
            assertClose(y, c.output.tensor, absolute: 0, relative: 0, "max-pool k=\(c.kernelSize) s=\(c.stride)")
            let dx = maxPool2dBackward(gradOutput: c.gradOutput.tensor, winners: winners, inputShape: c.input.shape)
            assertClose(dx, c.gradInput.tensor, absolute: 1e-15, relative: 1e-14,
                        "max-pool backward (first maximum wins ties) k=\(c.kernelSize) s=\(c.stride)")
        }
    }

    func testBackwardMatchesNumericalWithoutTies() {
        let x = randomTensor([2, 2, 5, 7], seed: 13)
        var layer = MaxPool2DLayer(kernelSize: 3, stride: 2)
        let y = layer.forward(x)
        let g = randomTensor(y.shape, seed: 14)
        assertClose(layer.backward(g).input,
                    numericalGradient(of: { maxPool2dForward($0, kernelSize: 3, stride: 2).output }, at: x, upstream: g),
                    absolute: gradientAbsolute, relative: gradientRelative, "max-pool backward")
    }
}

final class BatchNormTests: XCTestCase {
    func testAgainstNumpy() {
        for (i, c) in Fixtures.shared.batchNorm.enumerated() {
            var statistics = BatchNormStatistics(features: c.gamma.scalars.count)
            let (y, cache) = batchNormForward(c.input.tensor, gamma: c.gamma.tensor, beta: c.beta.tensor,
                                              statistics: &statistics, training: true, momentum: c.momentum, epsilon: c.epsilon)
            assertClose(y, c.output.tensor, absolute: 1e-13, relative: 1e-12, "training output, case \(i)")
            assertClose(statistics.runningMean, c.runningMean.tensor, absolute: 1e-14, relative: 1e-12, "running mean, case \(i)")
            assertClose(statistics.runningVariance, c.runningVariance.tensor, absolute: 1e-14, relative: 1e-12,
                        "running variance (unbiased), case \(i)")
            let g = batchNormBackward(gradOutput: c.gradOutput.tensor, cache: cache)
            assertClose(g.input, c.gradInput.tensor, absolute: 1e-13, relative: 1e-10, "input gradient, case \(i)")
            assertClose(g.gamma, c.gradGamma.tensor, absolute: 1e-13, relative: 1e-12, "gamma gradient, case \(i)")
            assertClose(g.beta, c.gradBeta.tensor, absolute: 1e-13, relative: 1e-12, "beta gradient, case \(i)")
            let before = statistics
            let evaluation = batchNormForward(c.evalInput.tensor, gamma: c.gamma.tensor, beta: c.beta.tensor,
                                              statistics: &statistics, training: false, epsilon: c.epsilon)
            assertClose(evaluation.output, c.evalOutput.tensor, absolute: 1e-13, relative: 1e-12, "evaluation output, case \(i)")
            XCTAssertEqual(statistics, before, "evaluation leaves the running statistics alone")
        }
    }

    func testBackwardMatchesNumerical() {
        for (shape, training) in [([5, 3], true), ([2, 3, 2, 3], true), ([4, 3], false)] {
            var layer = BatchNormLayer()
            layer.training = training
            layer.statistics.runningMean = Tensor([0.3, -0.2, 1])
            layer.statistics.runningVariance = Tensor([2, 0.5, 1.5])
            let x = randomTensor(shape, seed: 15, scale: 2)
            let y = layer.forward(x)
            let g = randomTensor(y.shape, seed: 16)
            let analytic = layer.backward(g)
            var probe = layer
            assertClose(analytic.input, numericalGradient(of: { probe.forward($0) }, at: x, upstream: g),
                        absolute: gradientAbsolute, relative: gradientRelative, "input \(shape) training=\(training)")
            for p in 0..<2 {
                let numerical = numericalGradient(of: { value in
                    var copy = layer
                    copy.parameters[p] = value
                    return copy.forward(x)
                }, at: layer.parameters[p], upstream: g)
                assertClose(analytic.parameters[p], numerical, absolute: gradientAbsolute, relative: gradientRelative,
                            "parameter \(p) \(shape) training=\(training)")
            }
        }
    }
}

final class LinearAndPenaltyTests: XCTestCase {
    func testLinearForwardByHand() {
        let y = linearForward(input: Tensor(rows: [[1, 2]]), weight: Tensor(rows: [[1, 0], [3, -1], [0.5, 0.5]]),
                              bias: Tensor([0, 1, -1]))
        XCTAssertEqual(y, Tensor(rows: [[1, 2, 0.5]]))
    }

    func testLayersMatchNumerical() {
        let cases: [(String, any Layer, [Int])] = [
            ("Linear", Linear(inputSize: 4, outputSize: 3, seed: 1), [5, 4]),
            ("Conv2DLayer", Conv2DLayer(), [2, 2, 5, 4]),
            ("SoftmaxLayer", SoftmaxLayer(), [3, 4]),
            ("TanhLayer", TanhLayer(), [3, 4]),
            ("SigmoidLayer", SigmoidLayer(), [3, 4]),
            ("ELULayer", ELULayer(), [3, 4]),
        ]
        for (name, layer, shape) in cases { checkLayer(name, layer, inputShape: shape) }
    }

    private func checkLayer(_ name: String, _ prototype: some Layer, inputShape: [Int]) {
        var layer = prototype
        let x = randomTensor(inputShape, seed: 17)
        let y = layer.forward(x)
        let g = randomTensor(y.shape, seed: 18)
        let analytic = layer.backward(g)
        assertClose(analytic.input, numericalGradient(of: { var copy = prototype; return copy.forward($0) }, at: x, upstream: g),
                    absolute: gradientAbsolute, relative: gradientRelative, "\(name) input")
        XCTAssertEqual(analytic.parameters.count, layer.parameters.count, "\(name) parameter count")
        for p in 0..<layer.parameters.count {
            let numerical = numericalGradient(of: { value in
                var copy = prototype
                copy.parameters[p] = value
                return copy.forward(x)
            }, at: layer.parameters[p], upstream: g)
            assertClose(analytic.parameters[p], numerical, absolute: gradientAbsolute, relative: gradientRelative,
                        "\(name) parameter \(p)")
        }
    }

    func testPenaltiesMatchLectureAndNumerical() {
        // Lecture: w1 = [1, 0, 0, 0] and w2 = [0.25, …] have L2 penalties 1 and 0.25; both have L1 penalty 1.
        let w1 = Tensor([1, 0, 0, 0]), w2 = Tensor([0.25, 0.25, 0.25, 0.25])
        XCTAssertEqual(l2Penalty(w1, strength: 1), 1)
        XCTAssertEqual(l2Penalty(w2, strength: 1), 0.25)
        XCTAssertEqual(l1Penalty(w1, strength: 1), 1)
        XCTAssertEqual(l1Penalty(w2, strength: 1), 1)
        let w = randomTensor([3, 4], seed: 19)
        assertClose(l2PenaltyGradient(w, strength: 0.3), numericalGradient(ofScalar: { l2Penalty($0, strength: 0.3) }, at: w),
                    absolute: gradientAbsolute, relative: gradientRelative, "L2")
        assertClose(l1PenaltyGradient(w, strength: 0.3), numericalGradient(ofScalar: { l1Penalty($0, strength: 0.3) }, at: w),
                    absolute: gradientAbsolute, relative: gradientRelative, "L1")
        XCTAssertEqual(l1PenaltyGradient(Tensor([0]), strength: 1).scalars, [0])
    }
}

final class BenchSmoke: XCTestCase {
    /// Runs the benchmark suite once to check it produces the records `grader bench` prints; no timing assertions.
    func testStandardBenchmarksProduceRecords() throws {
        let records = runStandardBenchmarks(repetitions: 1)
        XCTAssertEqual(records.map(\.name), ["dgemm", "conv2d-forward", "conv2d-backward"])
        for r in records {
            XCTAssertGreaterThan(r.seconds, 0)
            XCTAssertGreaterThan(r.gflops ?? 0, 0)
        }
        let decoded = try JSONDecoder().decode([BenchmarkRecord].self, from: JSONEncoder().encode(records))
        XCTAssertEqual(decoded, records)
        if ProcessInfo.processInfo.environment["PRINT_BENCH"] != nil {
            for r in records { print("BENCH \(r.name) \(r.gflops ?? 0) GFLOP/s \(r.seconds) s \(r.shape)") }
        }
    }
}
