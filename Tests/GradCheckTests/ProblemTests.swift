import GradCheck
import TensorKit
import XCTest

/// Non-determinism, wrong shapes and other structural problems give a clear report instead of a crash.
final class ProblemTests: XCTestCase {
    let input = randomMatrix(2, 3, seed: 21)

    func testNondeterministicForwardIsReported() {
        let report = checkLayer(NoisyForward(), input: input)
        XCTAssertFalse(report.passed)
        XCTAssertTrue(report.nondeterministic)
        XCTAssertEqual(report.forwardNondeterminism ?? 0, 1e-3, accuracy: 1e-12)
        XCTAssertTrue(report.checks.isEmpty)
        XCTAssertTrue(report.message.contains("The forward pass is not deterministic"), report.message)
        XCTAssertTrue(report.message.contains("differ by up to 0.001"), report.message)
    }

    func testNondeterministicFunctionIsReportedByCheckGradient() {
        var calls = 0.0
        let check = checkGradient(at: input, upstream: Tensor(ones: [2, 3]), analytic: Tensor(ones: [2, 3])) { x in
            calls += 1
            return x + calls * 1e-4
        }
        XCTAssertFalse(check.passed)
        guard case let .nondeterministicForward(difference)? = check.problem else {
            return XCTFail("Expected a non-determinism problem: \(check.message)")
        }
        XCTAssertEqual(difference, 1e-4, accuracy: 1e-12)
        XCTAssertTrue(check.message.contains("not deterministic"), check.message)
    }

    func testTransposedInputGradientIsAClearError() {
        let report = checkLayer(BrokenShapes(.transposedInputGradient), input: input)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.problems, [.gradientShape(tensor: "input", expected: [2, 3], actual: [3, 2])])
        XCTAssertEqual(report.checks.map(\.name), ["parameters[0]"])
        XCTAssertTrue(report.checks[0].passed)
        XCTAssertTrue(report.message.contains(
            "Backward returned a gradient of shape [3, 2] for input, which has shape [2, 3]"), report.message)
    }

    func testMissingParameterGradientIsAClearError() {
        let report = checkLayer(BrokenShapes(.missingParameterGradient), input: input)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.problems, [.parameterGradientCount(expected: 1, actual: 0)])
        XCTAssertEqual(report.checks.map(\.name), ["input"])
        XCTAssertTrue(report.message.contains("Backward returned 0 parameter gradients but the layer has 1 parameter"),
                      report.message)
    }

    func testWronglyShapedParameterGradientIsAClearError() {
        let report = checkLayer(BrokenShapes(.flatParameterGradient), input: input)
        XCTAssertEqual(report.problems, [.gradientShape(tensor: "parameters[0]", expected: [3], actual: [1, 3])])
        XCTAssertFalse(report.passed)
    }

    func testUpstreamOfTheWrongShapeIsAClearError() {
        let report = checkLayer(Tanh(), input: input, upstream: Tensor(ones: [3, 2]))
        XCTAssertEqual(report.problems, [.upstreamShape(expected: [2, 3], actual: [3, 2])])
        XCTAssertFalse(report.passed)
    }

    func testNonzeroGradientForZeroUpstreamIsReported() {
        let report = checkLayer(DecayInBackward(), input: input)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.problems, [.nonzeroGradientForZeroUpstream(tensor: "parameters[0]", maxAbsolute: 0.02)])
        XCTAssertEqual(report.checks.map(\.passed), [true, false])
    }

    func testBackwardThatAccumulatesIsReported() {
        let layer = AccumulatingScale()
        let report = checkLayer(layer, input: input)
        XCTAssertFalse(report.passed)
        XCTAssertTrue(report.problems.contains {
            if case .nondeterministicBackward("parameters[0]", _) = $0 { true } else { false }
        },
                      report.message)
        // The class layer's parameters are restored after being perturbed.
        XCTAssertEqual(layer.parameters, [Tensor([0.5, -1, 2])])
    }

    func testAnalyticOfTheWrongShapeIsAProblemNotACrash() {
        let check = checkGradient(name: "weights", at: input, upstream: Tensor(ones: [2, 3]),
                                  analytic: Tensor(ones: [6])) { $0 }
        XCTAssertEqual(check.problem, .gradientShape(tensor: "weights", expected: [2, 3], actual: [6]))
        XCTAssertTrue(check.message.hasPrefix("weights was not checked."), check.message)
    }

    func testOutputShapeThatDependsOnValuesIsAProblem() {
        // The output drops an element whenever x[0] moves off its value: its shape depends on the input.
        let x = Tensor([1, 2])
        let check = checkGradient(at: x, upstream: Tensor(ones: [2]), analytic: Tensor(ones: [2])) { t in
            t.scalars[0] == 1 ? t : Tensor([t.scalars[1]])
        }
        XCTAssertEqual(check.problem, .outputShapeChanged(tensor: "input", expected: [2], actual: [1]))
    }
}
