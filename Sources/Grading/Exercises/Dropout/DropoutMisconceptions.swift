import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write inverted dropout, recognised from the student's own outputs: the scale survivors
/// get, how often units are kept, what eval mode does, what backward does.
public enum DropoutMisconceptions {
    public static let noScaling = DropoutJudge.noScaling
    public static let keepProbability = DropoutJudge.keepProbability
    public static let dropAtEval = DropoutJudge.dropAtEval
    public static let rescaleAtEval = DropoutJudge.rescaleAtEval
    public static let backwardIgnoresMask = DropoutJudge.backwardIgnoresMask
    public static let nanAtP1 = DropoutJudge.nanAtP1
    public static let fixedCount = DropoutJudge.fixedCount
    /// Each mistake as runnable code: what a student who makes it writes. Used by the conformance tests (every
    /// variant loses points and is named as itself, never as another).
    public static let variants: [WrongVariant] = [
        WrongVariant(noScaling, forward { x, p, training, g in
            guard training else { return (x, Tensor(ones: x.shape)) }
            let mask = Tensor(shape: x.shape) { _ in g.nextUniform() >= p ? 1 : 0 }
            return (x * mask, mask)
        }),
        WrongVariant(keepProbability, forward { x, p, training, g in Reference.dropoutForward(x, p: 1 - p, training: training, using: &g) }),
        WrongVariant(dropAtEval, forward { x, p, _, g in Reference.dropoutForward(x, p: p, training: true, using: &g) }),
        WrongVariant(rescaleAtEval, forward { x, p, training, g in
            training ? Reference.dropoutForward(x, p: p, training: true, using: &g) : (x * (1 - p), Tensor(repeating: 1 - p, shape: x.shape))
        }),
        WrongVariant(backwardIgnoresMask, {
            var implementation = ExerciseImplementation.reference
            implementation.dropoutBackward = { gradOutput, _ in gradOutput }
            return implementation
        }()),
        WrongVariant(nanAtP1, forward { x, p, training, g in
            guard training else { return (x, Tensor(ones: x.shape)) }
            let mask = Tensor(shape: x.shape) { _ in (g.nextUniform() >= p ? 1.0 : 0.0) * (1 / (1 - p)) }
            return (x * mask, mask)
        }),
        WrongVariant(fixedCount, forward { x, p, training, g in
            guard training else { return (x, Tensor(ones: x.shape)) }
            var order = Array(0..<x.count)
            order.shuffle(using: &g)
            var mask = Tensor(zeros: x.shape)
            for i in order.dropFirst(Int((p * Double(x.count)).rounded())) { mask.scalars[i] = 1 / (1 - p) }
            return (x * mask, mask)
        }),
    ]

    static func forward(_ body: @escaping @Sendable (Tensor, Double, Bool, inout SeededGenerator) -> (output: Tensor, mask: Tensor)) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.dropoutForward = body
        return implementation
    }
}
