import Foundation
import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write He initialization. Random ops are diagnosed statistically: each variant predicts a
/// variance (or a distribution shape) that the student's sample is compared with.
public enum HeInitMisconceptions {
    public static let varianceAsStd = HeInitJudge.varianceAsStd
    public static let fanOut = HeInitJudge.fanOut
    public static let xavier = HeInitJudge.xavier
    public static let lecun = HeInitJudge.lecun
    public static let convFanInWithoutKernel = HeInitJudge.convFanInWithoutKernel
    public static let uniform = HeInitJudge.uniform
    public static let constant = HeInitJudge.constant
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

    /// The misconception a sample matches: constant; normal draws (kurtosis near 3) with a variance within 3% of a
    /// wrong prediction (and not of the right one); or the right variance with a flat-tailed (uniform-like)
    /// distribution. A sample whose variance fits a wrong prediction but whose shape is not normal (a truncated
    /// normal, a uniform of the wrong width) is not that mistake, so it gets no name.
    static func diagnose(sample: [Double], shape: [Int], normalityFailed: Bool) -> Misconception? {
        guard sample.count > 1, let first = sample.first else { return nil }
        if sample.allSatisfy({ $0 == first }) { return constant }
        let meanSquare = sample.reduce(0) { $0 + $1 * $1 } / Double(sample.count)
        // Kurtosis about 0: 3 for a normal, 1.8 for a uniform, about 2.4 for a normal truncated at ±2σ. Its standard
        // error is √(24/n), below 0.08 for the smallest test sample (3840 weights), so ±0.35 is over four of them.
        let fourth = sample.reduce(0) { $0 + pow($1, 4) } / Double(sample.count)
        let kurtosis = fourth / (meanSquare * meanSquare)
        let right = 2 / Double(Reference.fans(shape: shape).fanIn)
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
    static func consistent(_ id: String, sample: [Double], shape: [Int]) -> Bool? {
        guard sample.count > 1 else { return nil }
        if id == constant.id { return sample.allSatisfy { $0 == sample[0] } }
        let meanSquare = sample.reduce(0) { $0 + $1 * $1 } / Double(sample.count)
        let kurtosis = sample.reduce(0) { $0 + pow($1, 4) } / Double(sample.count) / (meanSquare * meanSquare)
        func fits(_ variance: Double) -> Bool {
            Statistics.varianceInterval(sampleSize: sample.count, variance: variance, alpha: 1e-6).contains(meanSquare)
        }
        if id == uniform.id { return fits(2 / Double(Reference.fans(shape: shape).fanIn)) && kurtosis < 2.0 }
        guard let predicted = predictedVariances(shape: shape).first(where: { $0.0.id == id })?.1 else { return nil }
        return fits(predicted) && abs(kurtosis - 3) < 0.35
    }

    /// Each mistake as runnable code: what a student who makes it writes. Used by the conformance tests (every
    /// variant loses points and is named as itself, never as another).
    public static let variants: [WrongVariant] = [
        WrongVariant(varianceAsStd, normal { 2 / Double(Reference.fans(shape: $0).fanIn) }),
        WrongVariant(fanOut, normal { (2 / Double(Reference.fans(shape: $0).fanOut)).squareRoot() }),
        WrongVariant(xavier, normal { let f = Reference.fans(shape: $0); return (2 / Double(f.fanIn + f.fanOut)).squareRoot() }),
        WrongVariant(lecun, normal { (1 / Double(Reference.fans(shape: $0).fanIn)).squareRoot() }),
        WrongVariant(convFanInWithoutKernel, normal { (2 / Double($0[1])).squareRoot() }),
        WrongVariant(uniform, with { shape, g in Reference.heUniform(shape: shape, using: &g) }),
        WrongVariant(constant, with { shape, _ in Tensor(repeating: (2 / Double(Reference.fans(shape: shape).fanIn)).squareRoot(), shape: shape) }),
        WrongVariant(HeInitJudge.ignoresGenerator, with { shape, _ in
            var system = SystemRandomNumberGenerator()
            var fresh = SeededGenerator(seed: system.next())
            return Reference.heNormal(shape: shape, using: &fresh)
        }),
    ]

    static func with(_ heNormal: @escaping @Sendable (_ shape: [Int], _ generator: inout SeededGenerator) -> Tensor) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.heNormal = heNormal
        return implementation
    }

    /// Normal draws with the standard deviation `std(shape)`.
    static func normal(_ std: @escaping @Sendable ([Int]) -> Double) -> ExerciseImplementation {
        with { shape, g in Tensor.randomNormal(shape: shape, standardDeviation: std(shape), using: &g) }
    }
}
