import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// `grader gradcheck TYPE --input-shape …` on layers written the way students write them, in a package copy.
final class GradcheckCLITests: XCTestCase {
    private static let layers = """
    import TensorKit

    /// y = x·W + b, correct.
    public struct Dense: Layer {
        public var parameters: [Tensor]
        var input = Tensor(zeros: [1, 1])
        public init() {
            var generator = SeededGenerator(seed: 11)
            parameters = [Tensor.randomNormal(shape: [5, 3], using: &generator), Tensor.randomNormal(shape: [3], using: &generator)]
        }
        public mutating func forward(_ x: Tensor) -> Tensor {
            input = x
            var y = x.matmul(parameters[0])
            for r in 0..<y.shape[0] { for c in 0..<y.shape[1] { y[r, c] += parameters[1][c] } }
            return y
        }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
            (g.matmul(parameters[0], transposeOther: true), [input.matmul(g, transposeSelf: true), g.sum(alongAxis: 0)])
        }
    }

    /// The same layer with the bias gradient averaged over the batch instead of summed.
    public struct AveragedBias: Layer {
        var dense = Dense()
        public var parameters: [Tensor] { get { dense.parameters } set { dense.parameters = newValue } }
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { dense.forward(x) }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
            let full = dense.backward(g)
            return (full.input, [full.parameters[0], g.mean(alongAxis: 0)])
        }
    }

    /// y = x², with the factor 2 forgotten in backward.
    public struct Square: Layer {
        public var parameters: [Tensor] = []
        var input = Tensor(zeros: [1])
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { input = x; return x * x }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (g * input, []) }
    }

    /// Sigmoid whose derivative is written as s instead of s·(1 − s).
    public struct Sigmoid: Layer {
        public var parameters: [Tensor] = []
        var output = Tensor(zeros: [1])
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { output = x.map { 1 / (1 + exp(-$0)) }; return output }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (g * output, []) }
    }

    /// y = max(w, 0)·x with w starting exactly at the kink w = 0; backward uses the subgradient 0 there.
    public struct GatedScale: Layer {
        public var parameters: [Tensor] = [Tensor([0])]
        var input = Tensor(zeros: [1])
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { input = x; return x * max(parameters[0].scalars[0], 0) }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
            let w = parameters[0].scalars[0]
            return (g * max(w, 0), [Tensor([w > 0 ? (g * input).sum() : 0])])
        }
    }

    /// Adds a little noise from a global counter: the same input gives different outputs.
    nonisolated(unsafe) var noiseCounter = 0.0
    public struct Noisy: Layer {
        public var parameters: [Tensor] = []
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { noiseCounter += 1; return x + noiseCounter * 1e-3 }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (g, []) }
    }

    /// Returns an input gradient of the wrong shape.
    public struct WrongShape: Layer {
        public var parameters: [Tensor] = []
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { x }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (Tensor(zeros: [1]), []) }
    }

    /// Crashes in forward.
    public struct Crashes: Layer {
        public var parameters: [Tensor] = []
        public init() {}
        public mutating func forward(_ x: Tensor) -> Tensor { Tensor([x.scalars[x.scalars.count]]) }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (g, []) }
    }

    /// Has no init() without arguments.
    public struct NeedsSize: Layer {
        public var parameters: [Tensor]
        public init(size: Int) { parameters = [Tensor(zeros: [size])] }
        public mutating func forward(_ x: Tensor) -> Tensor { x }
        public func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (g, [Tensor(zeros: parameters[0].shape)]) }
    }

    /// Not a Layer at all.
    public struct JustAStruct { public init() {} }
    """

    /// One copy of the package for every test here, its exercises the solutions plus `layers` (made on first use;
    /// a static let is initialised once, whichever thread asks first).
    private static let prepared = Result<TestPackage, any Error> {
        let package = try TestPackage.shared("gradcheck")
        try package.fillExercises(fromSolutions: true)
        try layers.write(to: package.exercises.appendingPathComponent("MyLayers.swift"), atomically: true, encoding: .utf8)
        return package
    }
    private var package: TestPackage!

    override func setUpWithError() throws {
        guard CLITests.graderBinary() != nil else { throw XCTSkip("The grader binary is not built (swift build --product grader).") }
        package = try Self.prepared.get()
    }

    struct Run { var status: Int32; var output: String }

    private func gradcheck(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = CLITests.graderBinary()!
        process.arguments = ["gradcheck"] + arguments
        process.currentDirectoryURL = package.root
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    func testCorrectLayerPassesAndNamesEveryTensor() throws {
        let run = try gradcheck(["Dense", "--input-shape", "4,5"])
        XCTAssertEqual(run.status, 0, run.output)
        for name in ["input [4, 5]", "parameters[0] [5, 3]", "parameters[1] [3]"] { XCTAssertTrue(run.output.contains(name), run.output) }
    }

    func testAveragedBiasGradientFailsAtTheBias() throws {
        let run = try gradcheck(["AveragedBias", "--input-shape", "4,5"])
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertTrue(run.output.contains("✗ parameters[1]"), run.output)
        XCTAssertTrue(run.output.contains("✓ parameters[0]"), run.output)
        XCTAssertTrue(run.output.contains("analytic"), run.output)
        XCTAssertTrue(run.output.contains("numerical"), run.output)
    }

    func testForgottenFactorAndSigmoidDerivativeFail() throws {
        for type in ["Square", "Sigmoid"] {
            let run = try gradcheck([type, "--input-shape", "3,4"])
            XCTAssertEqual(run.status, 1, "\(type): \(run.output)")
            XCTAssertTrue(run.output.contains("✗ input [3, 4]"), run.output)
        }
    }

    func testWrongLayersFailInSparseAndFastModesToo() throws {
        XCTAssertEqual(try gradcheck(["Square", "--input-shape", "6,7", "--mode", "sparse", "--count", "5"]).status, 1)
        XCTAssertEqual(try gradcheck(["Square", "--input-shape", "6,7", "--mode", "fast", "--count", "4"]).status, 1)
        XCTAssertEqual(try gradcheck(["Dense", "--input-shape", "6,5", "--mode", "fast", "--count", "4"]).status, 0)
    }

    /// Fast mode says, per tensor, how many random directions it compared, the largest directional error and its
    /// allowance (not "0 checked"), and the JSON result says the same; a disagreeing direction then checks every
    /// element and names the worst.
    func testFastModeNamesItsDirectionsInTheOutputAndTheJSON() throws {
        let path = package.root.appendingPathComponent("gradcheck-fast.json")
        let run = try gradcheck(["Dense", "--input-shape", "6,5", "--mode", "fast", "--count", "4", "--json", path.path])
        XCTAssertEqual(run.status, 0, run.output)
        for name in ["input [6, 5]", "parameters[0] [5, 3]", "parameters[1] [3]"] {
            XCTAssertTrue(run.output.contains("✓ \(name): 4 random directions checked, largest directional error "),
                          run.output)
        }
        XCTAssertFalse(run.output.contains("0 checked"), run.output)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        let tensors = try XCTUnwrap(object["tensors"] as? [[String: Any]])
        XCTAssertEqual(tensors.map { $0["name"] as? String }, ["input", "parameters[0]", "parameters[1]"])
        for tensor in tensors {
            XCTAssertEqual(tensor["mode"] as? String, "fast")
            XCTAssertEqual(tensor["directionsChecked"] as? Int, 4)
            let largest = try XCTUnwrap(tensor["largestDirectionalError"] as? Double)
            let allowed = try XCTUnwrap(tensor["allowedDirectionalError"] as? Double)
            XCTAssertLessThanOrEqual(largest, allowed)
            let summary = try XCTUnwrap(tensor["summary"] as? String)
            XCTAssertTrue(run.output.contains(summary), "the JSON summary is the printed line: \(summary)")
        }

        let wrong = try gradcheck(["AveragedBias", "--input-shape", "4,5", "--mode", "fast", "--count", "4"])
        XCTAssertEqual(wrong.status, 1, wrong.output)
        XCTAssertTrue(wrong.output.contains("✓ parameters[0] [5, 3]: 4 random directions checked"), wrong.output)
        XCTAssertTrue(wrong.output.range(of: #"✗ parameters\[1\] \[3\]: [1-4] of 4 random directions disagreed, "#
            + #"largest directional error .*, so every element was checked: 3 elements checked, 3 wrong; worst at \["#,
                                         options: .regularExpression) != nil, wrong.output)
    }

    func testKinkIsSkippedNotFailed() throws {
        let run = try gradcheck(["GatedScale", "--input-shape", "3,3"])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("1 skipped next to a kink"), run.output)
    }

    func testNondeterministicForwardIsReported() throws {
        let run = try gradcheck(["Noisy", "--input-shape", "2,3"])
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertTrue(run.output.contains("not deterministic"), run.output)
    }

    func testCannotRunCasesExitTwoWithAReason() throws {
        let cases: [(String, String)] = [
            ("NoSuchLayer", "No type named NoSuchLayer"),
            ("JustAStruct", "does not conform to Layer"),
            ("NeedsSize", "has no init()"),
            ("WrongShape", "shape"),
            ("Crashes", "did not finish"),
        ]
        for (type, phrase) in cases {
            let run = try gradcheck([type, "--input-shape", "2,3"])
            XCTAssertEqual(run.status, 2, "\(type): \(run.output)")
            XCTAssertTrue(run.output.contains(phrase), "\(type) should say '\(phrase)': \(run.output)")
        }
        let badShape = try gradcheck(["Dense", "--input-shape", "4,x"])
        XCTAssertNotEqual(badShape.status, 0)
        XCTAssertTrue(badShape.output.contains("comma-separated"), badShape.output)
    }

    func testJSONResult() throws {
        let path = package.root.appendingPathComponent("gradcheck.json")
        let run = try gradcheck(["AveragedBias", "--input-shape", "4,5", "--json", path.path])
        XCTAssertEqual(run.status, 1)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any]
        XCTAssertEqual(object?["status"] as? String, "failed")
        XCTAssertEqual(object?["type"] as? String, "AveragedBias")
        XCTAssertNotNil(object?["report"])
    }
}
