import GradingCore
import Reference
import TensorKit

/// The known wrong ways to write inverted dropout, recognised from the student's own outputs: the scale survivors
/// get, how often units are kept, what eval mode does, what backward does.
public enum DropoutMisconceptions {
    public static let noScaling = Misconception(
        id: "no-scaling",
        summary: "Your dropout zeroes units but does not scale the survivors by 1/(1 − p), so the expected activation shrinks by a factor 1 − p during training only.",
        fix: "Inverted dropout multiplies every kept unit by 1/(1 − p) at training time, so eval mode can be the identity; the mask holds 0 or 1/(1 − p).")
    public static let keepProbability = Misconception(
        id: "keep-probability",
        summary: "Your dropout keeps units with probability p, but here p is the probability of DROPPING a unit (PyTorch's convention; some notes use p as the keep probability).",
        fix: "Keep a unit when a uniform draw u satisfies u ≥ p (probability 1 − p) and scale it by 1/(1 − p).")
    public static let dropAtEval = Misconception(
        id: "drop-at-eval",
        summary: "Your dropout still drops units when training is false; at evaluation time dropout must do nothing.",
        fix: "When training is false return the input unchanged and a mask of ones.")
    public static let rescaleAtEval = Misconception(
        id: "rescale-at-eval",
        summary: "Your dropout rescales activations at evaluation time; with inverted dropout the scaling already happened during training.",
        fix: "When training is false return the input unchanged (mask of ones): no 1 − p and no 1/(1 − p) factor at eval time.")
    public static let backwardIgnoresMask = Misconception(
        id: "backward-ignores-mask",
        summary: "Your dropoutBackward passes the upstream gradient through unchanged, but dropped units contributed nothing and kept ones were scaled.",
        fix: "Return gradOutput · mask elementwise: the same factor (0 or 1/(1 − p)) the forward pass applied.")
    public static let nanAtP1 = Misconception(
        id: "nan-at-p1",
        summary: "Your dropout returns NaN at p = 1: it computes 0 · 1/(1 − 1) = 0 · ∞ = NaN.",
        fix: "Handle p = 1 separately: every unit is dropped, so the output and the mask are all zeros.")
    public static let fixedCount = Misconception(
        id: "fixed-count",
        summary: "Your dropout drops the same number of units, about p·n, on every call (a shuffled fixed count); each unit must be dropped independently, so the number dropped varies from call to call as Binomial(n, p).",
        fix: "Draw one uniform number per unit and drop that unit when it is below p; do not pick exactly round(p·n) units to drop.")

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
