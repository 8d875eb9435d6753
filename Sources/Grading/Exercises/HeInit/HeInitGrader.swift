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
        let judge = HeInitJudge(shape: shape, alpha: spec.alpha ?? 1e-7)
        let (fanIn, fanOut) = Reference.fans(shape: shape)
        let summary = "heNormal(shape: \(Tensor.describe(shape: shape))): fanIn = \(fanIn), fanOut = \(fanOut), so each of the \(shape.reduce(1, *)) weights should be drawn from N(0, 2/\(fanIn)) (variance \(DisplayFormat.significant(judge.variance, digits: 10)))."
        return TestCase(spec: spec, summary: summary, calls: calls, recorded: .heInit(judge))
    }
}
