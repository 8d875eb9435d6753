import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// `grader gradcheck` on layers a student builds from the batchnorm and maxpool exercises' functions, in a package
/// copy whose `Exercises/` holds the solutions and the student's layers: the correct ones pass (batch norm on [N, D]
/// and [N, C, H, W] inputs, max pooling with overlapping windows), the broken ones are caught at the right tensor.
final class GradcheckExerciseLayerTests: XCTestCase {
    private static let layers = """
    import TensorKit

    /// Batch norm over 3 features (training mode), from batchNormForward and batchNormBackward.
    public struct StudentBatchNorm: Layer {
        public var parameters: [Tensor]
        var runningMean = Tensor(zeros: [3]), runningVariance = Tensor(ones: [3])
        var input = Tensor(zeros: [1, 3])
        public init() {
            var generator = SeededGenerator(seed: 5)
            parameters = [Tensor.randomNormal(shape: [3], mean: 1, standardDeviation: 0.5, using: &generator),
                          Tensor.randomNormal(shape: [3], using: &generator)]
        }
        public mutating func forward(_ x: Tensor) -> Tensor {
            input = x
            return batchNormForward(x, gamma: parameters[0], beta: parameters[1], runningMean: &runningMean,
                                    runningVariance: &runningVariance, training: true, momentum: 0.1, epsilon: 1e-5)
        }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
            let gradients = batchNormBackward(g, input: input, gamma: parameters[0], epsilon: 1e-5)
            return (gradients.gradInput, [gradients.gradGamma, gradients.gradBeta])
        }
    }

    /// The same layer, with ∂L/∂γ and ∂L/∂β averaged over the batch instead of summed.
    public struct AveragedBatchNorm: Layer {
        var inner = StudentBatchNorm()
        public var parameters: [Tensor] { get { inner.parameters } set { inner.parameters = newValue } }
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { inner.forward(x) }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
            let full = inner.backward(g)
            let m = Double(g.scalars.count / 3)
            return (full.input, full.parameters.map { $0 / m })
        }
    }

    /// 3×3 max pooling at stride 2 (overlapping windows), from maxPool2dForward and maxPool2dBackward.
    public struct StudentMaxPool: Layer {
        public var parameters: [Tensor] = []
        var input = Tensor(zeros: [1, 1, 3, 3])
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { input = x; return maxPool2dForward(x, kernelSize: 3, stride: 2) }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
            (maxPool2dBackward(g, input: input, kernelSize: 3, stride: 2), [])
        }
    }

    /// Max pooling whose backward spreads each upstream gradient over its whole window.
    public struct WholeWindowMaxPool: Layer {
        public var parameters: [Tensor] = []
        var input = Tensor(zeros: [1, 1, 3, 3])
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { input = x; return maxPool2dForward(x, kernelSize: 3, stride: 2) }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
            var gradInput = Tensor(zeros: input.shape)
            let (h, w, outH, outW) = (input.shape[2], input.shape[3], g.shape[2], g.shape[3])
            for plane in 0..<(input.shape[0] * input.shape[1]) { for i in 0..<outH { for j in 0..<outW {
                for a in 0..<3 { for b in 0..<3 {
                    gradInput.scalars[(plane * h + i * 2 + a) * w + j * 2 + b] += g.scalars[(plane * outH + i) * outW + j]
                } }
            } } }
            return (gradInput, [])
        }
    }
    """

    private static let prepared = Result<TestPackage, any Error> {
        let package = try TestPackage.shared("gradcheck-exercise-layers")
        try package.fillExercises(fromSolutions: true)
        try layers.write(to: package.exercises.appendingPathComponent("StudentLayers.swift"), atomically: true, encoding: .utf8)
        return package
    }
    private var package: TestPackage!

    override func setUpWithError() throws {
        guard CLITests.graderBinary() != nil else { throw XCTSkip("The grader binary is not built (swift build --product grader).") }
        package = try Self.prepared.get()
    }

    private func gradcheck(_ type: String, shape: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = CLITests.graderBinary()!
        process.arguments = ["gradcheck", type, "--input-shape", shape]
        process.currentDirectoryURL = package.root
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { _, new in new }
        let run = try ProcessRun.collect(process)
        return (run.status, run.stdout + run.stderr)
    }

    func testABatchNormLayerBuiltFromTheExercisePassesOnFlatAndImageInputs() throws {
        for (shape, described) in [("8,3", "input [8, 3]"), ("2,3,4,5", "input [2, 3, 4, 5]")] {
            let run = try gradcheck("StudentBatchNorm", shape: shape)
            XCTAssertEqual(run.status, 0, run.output)
            for name in [described, "parameters[0] [3]", "parameters[1] [3]"] { XCTAssertTrue(run.output.contains(name), run.output) }
        }
    }

    func testABatchNormLayerWithAveragedParameterGradientsIsCaughtAtItsParameters() throws {
        let run = try gradcheck("AveragedBatchNorm", shape: "8,3")
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertTrue(run.output.contains("✓ input [8, 3]"), run.output)
        XCTAssertTrue(run.output.contains("✗ parameters[0]"), run.output)
        XCTAssertTrue(run.output.contains("✗ parameters[1]"), run.output)
    }

    func testAMaxPoolLayerBuiltFromTheExercisePassesAndAWholeWindowBackwardIsCaught() throws {
        let good = try gradcheck("StudentMaxPool", shape: "2,2,7,9")
        XCTAssertEqual(good.status, 0, good.output)
        XCTAssertTrue(good.output.contains("input [2, 2, 7, 9]"), good.output)
        let bad = try gradcheck("WholeWindowMaxPool", shape: "2,2,7,9")
        XCTAssertEqual(bad.status, 1, bad.output)
        XCTAssertTrue(bad.output.contains("✗ input [2, 2, 7, 9]"), bad.output)
    }
}
