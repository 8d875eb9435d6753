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
