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
}
