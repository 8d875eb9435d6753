import TensorKit

/// Gradient-checks a layer: the input and every parameter, with the loss L = ⟨upstream, forward(input)⟩.
///
/// Steps, each of which can add a problem to the report instead of crashing:
/// 1. forward twice at `input` (a copy of the layer): different outputs stop the check (`.nondeterministicForward`);
/// 2. `upstream` (standard normal draws from `options.seed` when nil) must have the output's shape;
/// 3. backward once; the input gradient and each parameter gradient must have their tensor's shape, and there
///    must be one per parameter;
/// 4. backward again with the same upstream gradient must give the same gradients, and backward with a zero
///    upstream gradient must give zeros (as PyTorch's gradcheck also checks);
/// 5. each tensor is compared with centered differences by `checkGradient`; parameters are perturbed through
///    the `parameters` setter on a fresh copy of the layer for every evaluation.
///
/// For a class (reference-type) layer the copies share state; the original parameters are restored at the end.
public func checkLayer<L: Layer>(_ layer: L, input: Tensor, upstream: Tensor? = nil,
                                 options: GradCheckOptions = .init()) -> GradCheckReport {
    let base = layer
    let originalParameters = layer.parameters
    defer { var restore = base; restore.parameters = originalParameters }

    func evaluate(_ x: Tensor, parameters: [Tensor]? = nil) -> Tensor {
        var copy = base
        if let parameters { copy.parameters = parameters }
        return copy.forward(x)
    }

    var problems: [GradCheckProblem] = []
    func report(_ checks: [TensorCheck] = []) -> GradCheckReport {
        GradCheckReport(checks: checks, problems: problems, options: options)
    }

    // 1. Determinism of forward. The layer that runs backward is the one whose last forward saw `input`.
    let first = evaluate(input, parameters: originalParameters)
    var active = base
    active.parameters = originalParameters
    let output = active.forward(input)
    if let difference = nondeterminism(first, output) {
        problems.append(.nondeterministicForward(maxDifference: difference))
        return report()
    }

    // 2. The upstream gradient.
    let gradOutput: Tensor
    if let upstream {
        guard upstream.shape == output.shape else {
            problems.append(.upstreamShape(expected: output.shape, actual: upstream.shape))
            return report()
        }
        gradOutput = upstream
    } else {
        var generator = SeededGenerator(seed: options.seed)
        gradOutput = Tensor.randomNormal(shape: output.shape, using: &generator)
    }

    // 3. Shapes and counts of what backward returns.
    let gradients = active.backward(gradOutput)
    let inputShapeOK = gradients.input.shape == input.shape
    if !inputShapeOK {
        problems.append(.gradientShape(tensor: "input", expected: input.shape, actual: gradients.input.shape))
    }
    let countOK = gradients.parameters.count == originalParameters.count
    if !countOK {
        problems.append(.parameterGradientCount(expected: originalParameters.count,
                                                actual: gradients.parameters.count))
    }
    var parameterShapeOK = Array(repeating: false, count: originalParameters.count)
    if countOK {
        for (k, (parameter, gradient)) in zip(originalParameters, gradients.parameters).enumerated() {
            parameterShapeOK[k] = parameter.shape == gradient.shape
            if !parameterShapeOK[k] {
                problems.append(.gradientShape(tensor: parameterName(k), expected: parameter.shape,
                                               actual: gradient.shape))
            }
        }
    }

    // 4. Backward is repeatable and linear in the upstream gradient.
    let again = active.backward(gradOutput)
    let zero = active.backward(Tensor(zeros: gradOutput.shape))
    let named = [("input", gradients.input, again.input, zero.input)]
        + (0..<Swift.min(gradients.parameters.count, again.parameters.count, zero.parameters.count)).map {
            (parameterName($0), gradients.parameters[$0], again.parameters[$0], zero.parameters[$0])
        }
    for (name, once, twice, fromZero) in named {
        if let difference = nondeterminism(once, twice), once.shape == twice.shape {
            problems.append(.nondeterministicBackward(tensor: name, maxDifference: difference))
        }
        let largest = fromZero.scalars.map { Swift.abs($0) }.max() ?? 0
        if largest > 0 || largest.isNaN {
            problems.append(.nonzeroGradientForZeroUpstream(tensor: name, maxAbsolute: largest))
        }
    }

    // 5. Numbers.
    var checks: [TensorCheck] = []
    if inputShapeOK {
        checks.append(checkGradient(name: "input", at: input, upstream: gradOutput, analytic: gradients.input,
                                    options: options) { evaluate($0, parameters: originalParameters) })
    }
    for k in originalParameters.indices where parameterShapeOK[k] {
        checks.append(checkGradient(name: parameterName(k), at: originalParameters[k], upstream: gradOutput,
                                    analytic: gradients.parameters[k], options: options) { value in
            var parameters = originalParameters
            parameters[k] = value
            return evaluate(input, parameters: parameters)
        })
    }
    return report(checks)
}

/// Checks a layer at `input` with a seeded random upstream gradient and throws `GradCheckFailure` (whose
/// description is the report's message) unless every gradient agrees. Call it from a test:
///
///     func testMyLayer() throws { try requireCorrectGradients(MyLayer(), input: x) }      // XCTest
///     @Test func myLayer() throws { try requireCorrectGradients(MyLayer(), input: x) }    // Swift Testing
public func requireCorrectGradients<L: Layer>(_ layer: L, input: Tensor,
                                              options: GradCheckOptions = .init()) throws {
    let report = checkLayer(layer, input: input, options: options)
    if !report.passed { throw GradCheckFailure(report: report) }
}

/// A failed gradient check, thrown by `requireCorrectGradients`; its description is the report's message.
public struct GradCheckFailure: Error, CustomStringConvertible, LocalizedError, Sendable {
    public let report: GradCheckReport
    public init(report: GradCheckReport) { self.report = report }
    public var description: String { report.message }
    public var errorDescription: String? { report.message }
}

func parameterName(_ k: Int) -> String { "parameters[\(k)]" }

import Foundation
