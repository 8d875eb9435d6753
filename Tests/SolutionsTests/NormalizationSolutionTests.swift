import Foundation
import XCTest
import Reference
import TensorKit
import Solutions

/// The batchnorm, conv2d-backward and maxpool solutions on inputs small enough to check by hand, and against the
/// reference engine and central differences on larger ones.
final class NormalizationSolutionTests: XCTestCase {
    /// One feature, x = 1, 2, 3, 6: μ = 3, σ² = 14/4 = 3.5 (biased); the running variance takes the unbiased 14/3.
    func testBatchNormTrainingThenEvaluationByHand() {
        let x = Tensor(shape: [4, 1], scalars: [1, 2, 3, 6])
        var mean = Tensor([0]), variance = Tensor([1])
        let y = Solutions.batchNormForward(x, gamma: Tensor([2]), beta: Tensor([1]), runningMean: &mean, runningVariance: &variance,
                                           training: true, momentum: 0.1, epsilon: 0)
        for (value, xi) in zip(y.scalars, x.scalars) { XCTAssertEqual(value, 2 * (xi - 3) / 3.5.squareRoot() + 1, accuracy: 1e-12) }
        XCTAssertEqual(mean.scalars[0], 0.3, accuracy: 1e-15)
        XCTAssertEqual(variance.scalars[0], 0.9 + 0.1 * 14 / 3, accuracy: 1e-15)
        let (trainedMean, trainedVariance) = (mean, variance)
        let eval = Solutions.batchNormForward(Tensor(shape: [1, 1], scalars: [5]), gamma: Tensor([2]), beta: Tensor([1]),
                                              runningMean: &mean, runningVariance: &variance, training: false, momentum: 0.1, epsilon: 0)
        XCTAssertEqual(eval.scalars[0], 2 * (5 - 0.3) / (0.9 + 0.1 * 14 / 3).squareRoot() + 1, accuracy: 1e-12)
        XCTAssertEqual(mean, trainedMean, "evaluation leaves the running statistics alone")
        XCTAssertEqual(variance, trainedVariance, "evaluation leaves the running statistics alone")
    }

    /// [N, C, H, W]: the reference's forward, running statistics and backward, and a central difference of
    /// L = ⟨r, y⟩ along every input element.
    func testBatchNormOnImagesAgreesWithTheReferenceAndCentralDifferences() {
        var g = SeededGenerator(seed: 4)
        let x = Tensor.randomNormal(shape: [2, 3, 2, 3], mean: 1, standardDeviation: 2, using: &g)
        let gamma = Tensor([1.5, -0.5, 2]), beta = Tensor([0.1, 0.2, -0.3])
        let r = Tensor.randomNormal(shape: x.shape, using: &g)
        var mean = Tensor(zeros: [3]), variance = Tensor(ones: [3])
        let y = Solutions.batchNormForward(x, gamma: gamma, beta: beta, runningMean: &mean, runningVariance: &variance,
                                           training: true, momentum: 0.1, epsilon: 1e-5)
        var statistics = BatchNormStatistics(features: 3)
        let (expected, cache) = Reference.batchNormForward(x, gamma: gamma, beta: beta, statistics: &statistics, training: true)
        for (a, b) in zip(y.scalars, expected.scalars) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        for (a, b) in zip(variance.scalars, statistics.runningVariance.scalars) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        let gradients = Solutions.batchNormBackward(r, input: x, gamma: gamma, epsilon: 1e-5)
        let reference = Reference.batchNormBackward(gradOutput: r, cache: cache)
        for (a, b) in zip(gradients.gradInput.scalars, reference.input.scalars) { XCTAssertEqual(a, b, accuracy: 1e-11) }
        for (a, b) in zip(gradients.gradGamma.scalars, reference.gamma.scalars) { XCTAssertEqual(a, b, accuracy: 1e-11) }
        for (a, b) in zip(gradients.gradBeta.scalars, reference.beta.scalars) { XCTAssertEqual(a, b, accuracy: 1e-11) }
        func loss(_ input: Tensor) -> Double {
            var m = Tensor(zeros: [3]), v = Tensor(ones: [3])
            let out = Solutions.batchNormForward(input, gamma: gamma, beta: beta, runningMean: &m, runningVariance: &v,
                                                 training: true, momentum: 0.1, epsilon: 1e-5)
            return zip(out.scalars, r.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let h = 1e-6
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += h
            minus.scalars[i] -= h
            XCTAssertEqual(gradients.gradInput.scalars[i], (loss(plus) - loss(minus)) / (2 * h), accuracy: 1e-6, "element \(i)")
        }
    }

    /// Stride 2, padding 1, a 3×2 kernel: the same gradients as the reference's direct loops.
    func testConv2DBackwardAgreesWithTheReference() {
        var g = SeededGenerator(seed: 9)
        let x = Tensor.randomNormal(shape: [2, 3, 6, 5], using: &g)
        let w = Tensor.randomNormal(shape: [4, 3, 3, 2], using: &g)
        let outputShape = Conv2DGeometry(inputShape: x.shape, weightShape: w.shape, stride: 2, padding: 1).outputShape
        let upstream = Tensor.randomNormal(shape: outputShape, using: &g)
        let got = Solutions.conv2dBackward(input: x, weight: w, gradOutput: upstream, stride: 2, padding: 1)
        let expected = Reference.conv2dBackwardDirect(input: x, weight: w, gradOutput: upstream, stride: 2, padding: 1)
        XCTAssertEqual(got.gradInput.shape, x.shape)
        XCTAssertEqual(got.gradWeight.shape, w.shape)
        XCTAssertEqual(got.gradBias.shape, [4])
        for (a, b) in zip(got.gradInput.scalars + got.gradWeight.scalars + got.gradBias.scalars,
                          expected.input.scalars + expected.weight.scalars + expected.bias.scalars) {
            XCTAssertEqual(a, b, accuracy: 1e-12)
        }
    }

    /// A 2×2 window holding 1, 3 / 3, 2: both 3s tie, and the first in row-major order (index 1) takes the gradient.
    func testMaxPoolTiesGoToTheFirstMaximum() {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 3, 3, 2])
        XCTAssertEqual(Solutions.maxPool2dForward(x, kernelSize: 2, stride: 2).scalars, [3])
        let gradient = Solutions.maxPool2dBackward(Tensor(shape: [1, 1, 1, 1], scalars: [5]), input: x, kernelSize: 2, stride: 2)
        XCTAssertEqual(gradient.scalars, [0, 5, 0, 0])
    }

    /// 2×2 windows at stride 1 over a 3×3 plane whose centre is the largest: it wins all four windows, and its
    /// gradient is the sum of theirs.
    func testMaxPoolOverlappingWindowsAddTheirGradients() {
        let x = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 9, 5, 6, 7, 8])
        XCTAssertEqual(Solutions.maxPool2dForward(x, kernelSize: 2, stride: 1).scalars, [9, 9, 9, 9])
        let upstream = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        XCTAssertEqual(Solutions.maxPool2dBackward(upstream, input: x, kernelSize: 2, stride: 1).scalars, [0, 0, 0, 0, 10, 0, 0, 0, 0])
    }
}
