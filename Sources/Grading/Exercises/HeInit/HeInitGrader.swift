import Foundation
import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Tests for `heNormal`: large samples judged statistically against N(0, 2/fanIn) — the mean, the variance (χ²),
/// the shape of the distribution (Kolmogorov–Smirnov with the DKW bound) — plus exact checks that the output has
/// the requested shape, that the same seed gives the same weights (the generator passed in is the only source of
/// randomness) and that two draws from one generator differ. The random stream is never replayed: any correct way
/// of drawing normals passes. Shapes are chosen so that every scale mistake predicts a clearly different variance.
public struct HeInitGrader: ExerciseGrader, TypedTests {
    public let id = "he-init"
    public let fileName = "HeInit.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these (a test name it lacks is a manifest error, never a
    /// silent stand-in for another test).
    public enum Test: String, CaseIterable, Sendable {
        case linearLayer = "linear-layer", convLayer = "conv-layer", reproducible, largeLinear = "large-linear",
             wideConv = "wide-conv", rectangularConv = "rectangular-conv", tallLinear = "tall-linear"
    }


    /// No shape has F = 2C (fan-out would equal LeCun's variance) or fanOut ≫ fanIn (Xavier would equal fan-out), so
    /// each scale mistake predicts a variance at least 15% away from every other.
    static func shape(_ test: Test) -> [Int] {
        switch test {
        case .linearLayer: return [64, 256]
        case .convLayer: return [48, 32, 3, 3]
        case .reproducible: return [80, 48]
        case .largeLinear: return [256, 512]
        case .wideConv: return [16, 64, 5, 5]
        case .rectangularConv: return [40, 24, 3, 5]
        case .tallLinear: return [300, 200]
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        let shape = Self.shape(test(spec))
        let drawSeed = TestSeeds.seed(exercise: id, test: spec.name, seed: seed)
        // Two consecutive draws from one generator, then the first draw again from a fresh generator with the same seed.
        let calls = [WorkerCalls.heNormal(shape: shape, seed: drawSeed, repeats: 2),
                     WorkerCalls.heNormal(shape: shape, seed: drawSeed, repeats: 1)]
        let alpha = spec.alpha ?? 1e-7
        let (fanIn, fanOut) = Reference.fans(shape: shape)
        let variance = 2 / Double(fanIn)
        let summary = "heNormal(shape: \(Tensor.describe(shape: shape))): fanIn = \(fanIn), fanOut = \(fanOut), so each of the \(shape.reduce(1, *)) weights should be drawn from N(0, 2/\(fanIn)) (variance \(DisplayFormat.significant(variance, digits: 10)))."
        return TestCase(spec: spec, summary: summary, calls: calls, explains: { id, replies in
            guard let weights = replies.first?.tensor(0), weights.isWellFormed, weights.shape == shape,
                  weights.scalars.allSatisfy(\.isFinite) else { return nil }
            if id == Self.ignoresGenerator.id { return replies.count > 1 ? replies[1].tensor(0).map { $0 != weights } : nil }
            return HeInitMisconceptions.consistent(id, sample: weights.scalars, shape: shape)
        }) { replies in
            Self.judge(replies: replies, shape: shape, variance: variance, alpha: alpha)
        }
    }

    static func judge(replies: [WorkerReply], shape: [Int], variance: Double, alpha: Double) -> Judgement {
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
        let misconception = HeInitMisconceptions.diagnose(sample: sample, shape: shape, normalityFailed: !normality.passed)
            ?? (verdict.total > 0 && again != nil && again != weights ? ignoresGenerator : nil)
        return verdict.judgement(passMessage: "The \(sample.count) weights look like independent draws from N(0, \(DisplayFormat.significant(variance, digits: 10))): mean, variance, distribution shape and independence all passed at a combined significance of \(DisplayFormat.value(alpha)), and the same seed reproduces them.",
                                 misconception: misconception)
    }

    static let ignoresGenerator = Misconception(
        id: "ignores-generator",
        summary: "Your heNormal does not draw its randomness from the generator it is given, so the same seed does not reproduce the same weights.",
        fix: "Use `generator.nextNormal()` (or `Double.random(in:using: &generator)`) for every draw.")
}
