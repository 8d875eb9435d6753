import Foundation
import Reference
import TensorKit

/// The known wrong ways to write He initialization. Random ops are diagnosed statistically: each variant predicts a
/// variance (or a distribution shape) that the student's sample is compared with.
public enum HeInitMisconceptions {
    public static let varianceAsStd = Misconception(
        id: "variance-as-std",
        summary: "Your weights have standard deviation 2/fanIn, i.e. you used the variance 2/fanIn as the standard deviation.",
        fix: "He's rule fixes the VARIANCE at 2/fanIn, so multiply standard normal draws by √(2/fanIn).")
    public static let fanOut = Misconception(
        id: "fan-out",
        summary: "Your weights have variance 2/fanOut: the fan-out (shape[0] times the kernel size) was used instead of the fan-in.",
        fix: "He initialization preserves the forward signal, so it uses fanIn = shape[1] × (product of shape[2...]), the number of inputs feeding each unit.")
    public static let xavier = Misconception(
        id: "xavier",
        summary: "Your weights have variance 2/(fanIn + fanOut): that is Xavier/Glorot initialization, meant for tanh or sigmoid layers.",
        fix: "For ReLU layers use He's variance 2/fanIn: ReLU zeroes half of its inputs, and the factor 2 makes up for it.")
    public static let lecun = Misconception(
        id: "lecun",
        summary: "Your weights have variance 1/fanIn: that is LeCun initialization, which lacks He's factor 2.",
        fix: "Use variance 2/fanIn: ReLU halves the second moment of its input, so He doubles LeCun's variance.")
    public static let convFanInWithoutKernel = Misconception(
        id: "conv-fanin-without-kernel",
        summary: "For a conv weight [F, C, kH, kW] your fan-in is C alone; every output unit sees C·kH·kW inputs.",
        fix: "Use fanIn = shape[1] × shape[2] × shape[3] for a conv weight (the product of all dimensions after the first).")
    public static let uniform = Misconception(
        id: "uniform",
        summary: "Your weights have the right variance but come from a uniform distribution; heNormal must draw from a normal distribution.",
        fix: "Draw standard normal values (generator.nextNormal(), or Box–Muller from two uniforms) and scale them by √(2/fanIn).")
    public static let constant = Misconception(
        id: "constant",
        summary: "All your weights are equal, so every unit of the layer computes the same thing and gets the same gradient: the symmetry is never broken.",
        fix: "Draw every weight independently at random from N(0, 2/fanIn).")

    /// The variance each scale mistake predicts for `shape`.
    static func predictedVariances(shape: [Int]) -> [(Misconception, Double)] {
        let (inputs, outputs) = Reference.fans(shape: shape)
        var result: [(Misconception, Double)] = [
            (varianceAsStd, pow(2 / Double(inputs), 2)),
            (fanOut, 2 / Double(outputs)),
            (xavier, 2 / Double(inputs + outputs)),
            (lecun, 1 / Double(inputs)),
        ]
        if shape.count > 2 { result.append((convFanInWithoutKernel, 2 / Double(shape[1]))) }
        return result
    }

    /// The misconception a sample matches: constant; a variance within 3% of a wrong prediction (and not of the right
    /// one); or the right variance with a flat-tailed (uniform-like) distribution.
    static func diagnose(sample: [Double], shape: [Int], normalityFailed: Bool) -> Misconception? {
        guard sample.count > 1, let first = sample.first else { return nil }
        if sample.allSatisfy({ $0 == first }) { return constant }
        let meanSquare = sample.reduce(0) { $0 + $1 * $1 } / Double(sample.count)
        let right = 2 / Double(Reference.fans(shape: shape).fanIn)
        func near(_ a: Double, _ b: Double) -> Bool { abs(a / b - 1) < 0.03 }
        for (misconception, variance) in predictedVariances(shape: shape) where near(meanSquare, variance) && !near(variance, right) {
            return misconception
        }
        if near(meanSquare, right) && normalityFailed {
            // A uniform with variance σ² lives in [−√3σ, √3σ] and has kurtosis 1.8 instead of 3.
            let fourth = sample.reduce(0) { $0 + pow($1, 4) } / Double(sample.count)
            if fourth / (meanSquare * meanSquare) < 2.2 { return uniform }
        }
        return nil
    }
}
