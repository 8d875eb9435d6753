import Foundation
import TensorKit

// MARK: - Exercise `he-init`: He (Kaiming) normal initialization
//
// Run `swift run grader check he-init` to grade this file.

// BEGIN SOLUTION
// Solution to the `he-init` exercise. Not shipped to students: `grader stubs` writes
// Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
// END SOLUTION

/// A weight tensor whose entries are independent draws from the normal distribution N(0, 2 / fanIn).
///
/// **Why this variance.** A unit computes `z = Σᵢ wᵢ xᵢ` over `fanIn` inputs. With independent, zero-mean weights
/// and inputs, `Var(z) = fanIn · Var(w) · Var(x)`, so `Var(w) = 1/fanIn` would keep the signal's scale from layer
/// to layer. ReLU then zeroes about half of its inputs, which halves the second moment that reaches the next
/// layer; He et al. (2015) double the variance to compensate: `Var(w) = 2/fanIn`. Without the 2, each layer of a
/// 20-layer ReLU network halves the activations' second moment, a factor 2⁻²⁰ ≈ 10⁻⁶ by the top, before training
/// starts; with variance 2/fanIn it stays near the input's.
///
/// **Variance, not standard deviation.** N(0, 2/fanIn) names the *variance*, so each weight is
/// `√(2/fanIn) · z` with `z` a standard normal draw. (Some slides write the standard deviation inside the N(·,·);
/// for fanIn = 100 the right spread is a standard deviation of √0.02 ≈ 0.141, not 0.02.)
///
/// **What fanIn is.** The number of inputs that feed one output unit:
/// - linear layer, weight `[fanOut, fanIn]`: `fanIn = shape[1]`;
/// - conv layer, weight `[outChannels, inChannels, kH, kW]`: every output value sums over `inChannels · kH · kW`
///   inputs, so `fanIn = shape[1] · kH · kW`. For a 3×3 kernel over 64 channels that is 576, not 64.
///   In general `fanIn = shape[1] × (product of shape[2...])`; `shape[0]` (the fan-out) never enters.
///
/// This is He *normal*: the draws must be normally distributed (not uniform with the same variance), and every
/// weight must be a fresh draw. Use `generator` for all randomness (`generator.nextNormal()` gives a standard normal
/// draw; `Double.random(in:using:)` also works) so that runs are reproducible. The grader checks the sample's mean,
/// variance and distribution shape statistically; it does not expect any particular order of draws.
///
/// - Parameters:
///   - shape: `[fanOut, fanIn]` or `[outChannels, inChannels, kH, kW]` (rank ≥ 2).
///   - generator: the seeded source of randomness; advance it, do not replace it.
/// - Returns: a tensor of the given shape.
public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {
    // BEGIN SOLUTION
    // Independent draws from N(0, 2/fanIn), fanIn = shape[1] × (product of shape[2...]).
    precondition(shape.count >= 2, "heNormal needs a weight shape of rank 2 or more; got \(shape).")
    let fanIn = shape[1...].reduce(1, *)
    let standardDeviation = (2.0 / Double(fanIn)).squareRoot()
    let count = shape.reduce(1, *)
    var weights = [Double]()
    weights.reserveCapacity(count)
    for _ in 0..<count {
        weights.append(standardDeviation * generator.nextNormal())
    }
    return Tensor(shape: shape, scalars: weights)
    // END SOLUTION
}
