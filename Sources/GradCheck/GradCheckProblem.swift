import TensorKit
/// Something that stops a gradient check from comparing numbers, or that is wrong regardless of them. Each case
/// reads as a complete sentence through `description`.
public enum GradCheckProblem: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Two forward evaluations at the same point gave different outputs; centered differences would measure
    /// the noise, so nothing numerical was compared.
    case nondeterministicForward(maxDifference: Double)
    /// Two backward calls with the same upstream gradient gave different gradients for `tensor`.
    case nondeterministicBackward(tensor: String, maxDifference: Double)
    /// A zero upstream gradient produced a nonzero gradient for `tensor` (backward is linear in its upstream
    /// gradient, so zero in must give zero out).
    case nonzeroGradientForZeroUpstream(tensor: String, maxAbsolute: Double)
    /// The upstream gradient's shape is not the forward output's shape.
    case upstreamShape(expected: [Int], actual: [Int])
    /// The forward output changed shape when `tensor` was perturbed.
    case outputShapeChanged(tensor: String, expected: [Int], actual: [Int])
    /// Backward returned a gradient for `tensor` whose shape is not the tensor's shape.
    case gradientShape(tensor: String, expected: [Int], actual: [Int])
    /// Backward returned `actual` parameter gradients for a layer with `expected` parameters.
    case parameterGradientCount(expected: Int, actual: Int)
    /// The forward output at the unperturbed point contains NaN or infinity.
    case nonFiniteOutput(count: Int)

    public var description: String {
        switch self {
        case let .nondeterministicForward(difference):
            return "The forward pass is not deterministic: two evaluations at the same point differ by up to "
                + "\(DisplayFormat.significant(difference)), so finite differences would measure that noise and no gradient was "
                + "compared. Remove the randomness (or fix its seed) before gradient checking."
        case let .nondeterministicBackward(tensor, difference):
            return "Backward is not deterministic: two calls with the same upstream gradient gave gradients for "
                + "\(tensor) that differ by up to \(DisplayFormat.significant(difference)) (does backward accumulate into stored state?)."
        case let .nonzeroGradientForZeroUpstream(tensor, largest):
            return "A zero upstream gradient gave a nonzero gradient for \(tensor) (largest magnitude "
                + "\(DisplayFormat.significant(largest))); backward must be linear in the upstream gradient."
        case let .upstreamShape(expected, actual):
            return "The upstream gradient has shape \(DisplayFormat.shape(actual)) but the forward output has shape "
                + "\(DisplayFormat.shape(expected)); they must match."
        case let .outputShapeChanged(tensor, expected, actual):
            return "The forward output changed shape from \(DisplayFormat.shape(expected)) to \(DisplayFormat.shape(actual)) when \(tensor) "
                + "was perturbed; the output shape must not depend on the values."
        case let .gradientShape(tensor, expected, actual):
            return "Backward returned a gradient of shape \(DisplayFormat.shape(actual)) for \(tensor), which has shape "
                + "\(DisplayFormat.shape(expected)); a gradient has the shape of what it differentiates with respect to."
        case let .parameterGradientCount(expected, actual):
            return "Backward returned \(DisplayFormat.count(actual, "parameter gradient")) but the layer has "
                + "\(DisplayFormat.count(expected, "parameter")); return one gradient per parameter, in the same order."
        case let .nonFiniteOutput(n):
            return "The forward output contains \(DisplayFormat.count(n, "NaN or infinite value")) at the checked point, so "
                + "no derivative can be estimated there."
        }
    }
}
