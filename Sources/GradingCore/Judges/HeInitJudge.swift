import Foundation
import TensorKit
import WorkerKit

/// How a `heNormal` test is judged: statistically, from the student's own draws, against N(0, 2/fanIn) — the mean,
/// the variance (χ²), the shape of the distribution (Kolmogorov–Smirnov with the DKW bound) and the independence of
/// neighbouring weights — plus exact checks of the shape, of reproducibility from the seed and that the generator
/// advances. The known scale mistakes are named from the variance they predict. It needs no expected values and
/// holds no implementation of heNormal, so the student kit runs it as it is (`RecordedJudge.heInit`).
public struct HeInitJudge: Codable, Sendable, Equatable {
    /// The requested weight shape.
    public var shape: [Int]
    /// The test's combined significance.
    public var alpha: Double

    public init(shape: [Int], alpha: Double) {
        self.shape = shape
        self.alpha = alpha
    }

    /// (fanIn, fanOut) of a weight [fanOut, fanIn, kernel...]: each times the kernel's size.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptiveField, shape[0] * receptiveField)
    }

    public var variance: Double { 2 / Double(Self.fans(shape).fanIn) }

    public func judge(_ replies: [WorkerReply]) -> Judgement {
        Self.judge(replies: replies, shape: shape, variance: variance, alpha: alpha)
    }

    /// Whether the mistake `id` would have given these replies (nil where the draws cannot tell).
    public func explains(_ id: String, _ replies: [WorkerReply]) -> Bool? {
        guard let weights = replies.first?.tensor(0), weights.isWellFormed, weights.shape == shape,
              weights.scalars.allSatisfy(\.isFinite) else { return nil }
        if id == Self.ignoresGenerator.id { return replies.count > 1 ? replies[1].tensor(0).map { $0 != weights } : nil }
        return Self.consistent(id, sample: weights.scalars, shape: shape)
    }

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
    public static func predictedVariances(shape: [Int]) -> [(Misconception, Double)] {
        let (inputs, outputs) = fans(shape)
        var result: [(Misconception, Double)] = [
            (varianceAsStd, pow(2 / Double(inputs), 2)),
            (fanOut, 2 / Double(outputs)),
            (xavier, 2 / Double(inputs + outputs)),
            (lecun, 1 / Double(inputs)),
        ]
        if shape.count > 2 { result.append((convFanInWithoutKernel, 2 / Double(shape[1]))) }
        return result
    }

    /// The misconception a sample matches: constant; normal draws (kurtosis near 3) with a variance within 3% of a
    /// wrong prediction (and not of the right one); or the right variance with a flat-tailed (uniform-like)
    /// distribution. A sample whose variance fits a wrong prediction but whose shape is not normal (a truncated
    /// normal, a uniform of the wrong width) is not that mistake, so it gets no name.
    public static func diagnose(sample: [Double], shape: [Int], normalityFailed: Bool) -> Misconception? {
        guard sample.count > 1, let first = sample.first else { return nil }
        if sample.allSatisfy({ $0 == first }) { return constant }
        let meanSquare = sample.reduce(0) { $0 + $1 * $1 } / Double(sample.count)
        // Kurtosis about 0: 3 for a normal, 1.8 for a uniform, about 2.4 for a normal truncated at ±2σ. Its standard
        // error is √(24/n), below 0.08 for the smallest test sample (3840 weights), so ±0.35 is over four of them.
        let fourth = sample.reduce(0) { $0 + pow($1, 4) } / Double(sample.count)
        let kurtosis = fourth / (meanSquare * meanSquare)
        let right = 2 / Double(fans(shape).fanIn)
        func near(_ a: Double, _ b: Double) -> Bool { abs(a / b - 1) < 0.03 }
        if abs(kurtosis - 3) < 0.35 {
            for (misconception, variance) in predictedVariances(shape: shape) where near(meanSquare, variance) && !near(variance, right) {
                return misconception
            }
        }
        // A uniform with variance σ² lives in [−√3σ, √3σ] and has kurtosis 1.8 instead of 3.
        if near(meanSquare, right) && normalityFailed && kurtosis < 2.0 { return uniform }
        return nil
    }

    /// Whether a sample is consistent with the mistake `id` on this shape: normal draws whose mean of squares lies in
    /// the χ² interval (significance 1e-6) of the variance the mistake predicts; for `uniform`, the right variance
    /// with a uniform's kurtosis; for `constant`, equal weights. Nil for an id this cannot judge. Used to take back
    /// a name another test contradicts, so it errs towards "consistent" only by the interval's tiny significance.
    public static func consistent(_ id: String, sample: [Double], shape: [Int]) -> Bool? {
        guard sample.count > 1 else { return nil }
        if id == constant.id { return sample.allSatisfy { $0 == sample[0] } }
        let meanSquare = sample.reduce(0) { $0 + $1 * $1 } / Double(sample.count)
        let kurtosis = sample.reduce(0) { $0 + pow($1, 4) } / Double(sample.count) / (meanSquare * meanSquare)
        func fits(_ variance: Double) -> Bool {
            Statistics.varianceInterval(sampleSize: sample.count, variance: variance, alpha: 1e-6).contains(meanSquare)
        }
        if id == uniform.id { return fits(2 / Double(fans(shape).fanIn)) && kurtosis < 2.0 }
        guard let predicted = predictedVariances(shape: shape).first(where: { $0.0.id == id })?.1 else { return nil }
        return fits(predicted) && abs(kurtosis - 3) < 0.35
    }

    public static func judge(replies: [WorkerReply], shape: [Int], variance: Double, alpha: Double) -> Judgement {
        var verdict = RandomOpVerdict()
        let first = replies.first?.tensor(0), second = replies.first?.tensor(1), again = replies.count > 1 ? replies[1].tensor(0) : nil
        guard let weights = first, weights.isWellFormed, weights.shape == shape else {
            let got = first.map { "shape \(Tensor.describe(shape: $0.shape)) with \($0.scalars.count) scalars" } ?? "nothing"
            verdict.require("shape", false, "heNormal should return a tensor of shape \(Tensor.describe(shape: shape)) but returned \(got).")
            return verdict.judgement(passMessage: "", misconception: nil)
        }
        verdict.require("shape", true, "")
        let sample = weights.scalars
        let finite = sample.allSatisfy(\.isFinite)
        verdict.require("finite", finite, "Some weights are NaN or infinite.")
        // Four statistical checks share the test's alpha (Bonferroni).
        let each = alpha / 4
        let sd = variance.squareRoot()
        verdict.add(Statistics.meanCheck(sample, expectedMean: 0, standardDeviation: sd, alpha: each, name: "sample mean")) {
            RandomOpVerdict.describe($0, what: "mean of the weights")
        }
        let varianceCheck = Statistics.varianceCheck(sample, variance: variance, alpha: each, name: "mean of squares (variance about 0)")
        verdict.add(varianceCheck) { RandomOpVerdict.describe($0, what: "variance of the weights (mean of squares)") }
        let normality = Statistics.normalityCheck(finite ? sample : [0], standardDeviation: sd, alpha: each)
        verdict.add(normality) { RandomOpVerdict.describe($0, what: "Kolmogorov–Smirnov distance between the weights and N(0, 2/fanIn)") }
        // Neighbouring weights must be independent: lag-one correlation r has standard deviation 1/√n.
        let n = Double(sample.count)
        let lagged = zip(sample, sample.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } / ((n - 1) * variance)
        let bound = Statistics.twoSidedZ(alpha: each) / (n - 1).squareRoot()
        verdict.add(StatisticalCheck(name: "correlation of neighbouring weights", statistic: lagged, expected: 0,
                                     lowerBound: -bound, upperBound: bound, alpha: each)) {
            RandomOpVerdict.describe($0, what: "correlation between neighbouring weights")
        }
        if let again {
            verdict.require("reproducible", again == weights,
                            "Two generators created with the same seed gave different weights; draw all randomness from the generator passed in (not from Double.random(in:) without `using:` or SystemRandomNumberGenerator).")
        }
        if let second {
            verdict.require("advances", second.scalars != weights.scalars,
                            "Two calls with the same generator returned identical weights; the generator must advance (it is inout so that its state carries over).")
        }
        let misconception = diagnose(sample: sample, shape: shape, normalityFailed: !normality.passed)
            ?? (verdict.total > 0 && again != nil && again != weights ? ignoresGenerator : nil)
        return verdict.judgement(passMessage: "The \(sample.count) weights look like independent draws from N(0, \(DisplayFormat.significant(variance, digits: 10))): mean, variance, distribution shape and independence all passed at a combined significance of \(DisplayFormat.value(alpha)), and the same seed reproduces them.",
                                 misconception: misconception)
    }

    public static let ignoresGenerator = Misconception(
        id: "ignores-generator",
        summary: "Your heNormal does not draw its randomness from the generator it is given, so the same seed does not reproduce the same weights.",
        fix: "Use `generator.nextNormal()` (or `Double.random(in:using: &generator)`) for every draw.")
}
