import Foundation
import TensorKit
import XCTest

// Shared helpers for the reference engine's tests: the numpy fixtures, a tolerance check that names the worst
// element, and a centered-difference gradient (kept local so these tests do not depend on the GradCheck library
// they help validate).

struct TensorFixture: Decodable {
    let shape: [Int]
    let scalars: [Double]
    var tensor: Tensor { Tensor(shape: shape, scalars: scalars) }
}

struct Fixtures: Decodable {
    struct SoftmaxCase: Decodable { let name: String; let input, softmax, logSoftmax: TensorFixture }
    struct CrossEntropyCase: Decodable {
        let name: String; let logits: TensorFixture; let labels: [Int]; let loss: Double; let gradient: TensorFixture
    }
    struct ConvCase: Decodable {
        let input, weight, bias: TensorFixture
        let stride, padding: Int
        let output, gradOutput, gradInput, gradWeight, gradBias: TensorFixture
    }
    struct BatchNormCase: Decodable {
        let input, gamma, beta: TensorFixture
        let momentum, epsilon: Double
        let output, gradOutput, gradInput, gradGamma, gradBeta, runningMean, runningVariance: TensorFixture
        let evalInput, evalOutput: TensorFixture
    }
    struct AdamStep: Decodable { let parameters, m, v: [Double] }
    struct AdamRun: Decodable {
        let learningRate, beta1, beta2, epsilon: Double
        let weightDecay: Double?
        let steps: [AdamStep]
    }
    struct MomentumRun: Decodable { let learningRate, momentum: Double; let steps: [[Double]] }
    struct RMSPropRun: Decodable { let learningRate, decay, epsilon: Double; let steps: [[Double]] }
    struct AdaGradRun: Decodable { let learningRate, epsilon: Double; let steps: [[Double]] }
    struct Optimizers: Decodable {
        let initial: [Double]
        let gradients: [[Double]]
        let adam, adamW: AdamRun
        let momentum, nesterov: MomentumRun
        let rmsProp: RMSPropRun
        let adaGrad: AdaGradRun
    }
    struct Activations: Decodable {
        let input, relu, leakyReLU, elu, selu, sigmoid, tanh: [Double]
    }
    struct PoolCase: Decodable {
        let kernelSize, stride: Int
        let input, output, gradOutput, gradInput: TensorFixture
    }

    let softmax: [SoftmaxCase]
    let crossEntropy: [CrossEntropyCase]
    let conv2d: [ConvCase]
    let batchNorm: [BatchNormCase]
    let optimizers: Optimizers
    let activations: Activations
    let maxPool: [PoolCase]

    /// Loaded once from Fixtures/reference_fixtures.json (written by Fixtures/make_fixtures.py).
    static let shared: Fixtures = {
        guard let url = Bundle.module.url(forResource: "reference_fixtures", withExtension: "json",
                                          subdirectory: "Fixtures") else {
            fatalError("Fixtures/reference_fixtures.json is missing from the test bundle.")
        }
        do { return try JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url)) } catch {
            fatalError("Fixtures/reference_fixtures.json could not be read: \(error)")
        }
    }()
}

/// Asserts equal shapes and `|actual − expected| ≤ absolute + relative·|expected|` everywhere, naming the worst
/// element when it fails.
func assertClose(_ actual: Tensor, _ expected: Tensor, absolute: Double = 1e-12, relative: Double = 1e-10,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message)", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    assertClose(actual.scalars, expected.scalars, absolute: absolute, relative: relative, message, file: file, line: line)
}

func assertClose(_ actual: [Double], _ expected: [Double], absolute: Double = 1e-12, relative: Double = 1e-10,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "count \(message)", file: file, line: line)
    var worst: (index: Int, excess: Double)?
    for i in 0..<min(actual.count, expected.count) {
        let allowed = absolute + relative * abs(expected[i])
        let error = abs(actual[i] - expected[i])
        if !(error <= allowed), worst == nil || error - allowed > worst!.excess || error.isNaN {
            worst = (i, error.isNaN ? .infinity : error - allowed)
        }
    }
    if let worst {
        XCTFail("\(message): element \(worst.index) is \(actual[worst.index]), expected \(expected[worst.index]) "
                + "(tolerance \(absolute) + \(relative)·|expected|).", file: file, line: line)
    }
}

/// Σ_k upstream_k · ∂f_k/∂x_i for every i, by centered differences: (f(x + h·eᵢ) − f(x − h·eᵢ))·upstream / 2h.
func numericalGradient(of f: (Tensor) -> Tensor, at x: Tensor, upstream: Tensor, step: Double = 1e-6) -> Tensor {
    var gradient = Tensor(zeros: x.shape)
    for i in 0..<x.count {
        var plus = x, minus = x
        plus.scalars[i] += step
        minus.scalars[i] -= step
        let difference = f(plus) - f(minus)
        gradient.scalars[i] = zip(difference.scalars, upstream.scalars).reduce(0) { $0 + $1.0 * $1.1 } / (2 * step)
    }
    return gradient
}

/// Numerical gradient of a scalar function.
func numericalGradient(ofScalar f: (Tensor) -> Double, at x: Tensor, step: Double = 1e-6) -> Tensor {
    numericalGradient(of: { Tensor(scalar: f($0)) }, at: x, upstream: Tensor(scalar: 1), step: step)
}

/// A tensor of standard normal draws.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape: shape, standardDeviation: scale, using: &generator)
}

/// Default gradient-check tolerances for well-scaled Float64 ops with h = 1e-6.
let gradientAbsolute = 1e-6
let gradientRelative = 1e-5
