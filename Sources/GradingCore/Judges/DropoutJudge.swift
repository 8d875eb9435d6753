import Foundation
import TensorKit
import WorkerKit

/// How a dropout test is judged. Training-mode outputs are judged on the student's own mask: every mask value is 0
/// or 1/(1 − p), the output is input · mask, the number kept is Binomial(n, 1 − p) (exact interval), neighbouring
/// units and two consecutive calls are independent (runs test, correlation), the same seed reproduces the mask, and
/// on a tiny input called many times the number kept per call follows Binomial(n, 1 − p). Eval mode, p = 0 and
/// p = 1 are exact; backward is compared with the expected gradient the grader computed for the mask it supplied.
/// None of it holds an implementation of dropout, so the student kit runs it as it is (`RecordedJudge.dropout`).
public enum DropoutJudge: Codable, Sendable, Equatable {
    case training(input: Tensor, tiny: Tensor, p: Double, alpha: Double, tolerance: Tolerance)
    case eval(input: Tensor, p: Double, tolerance: Tolerance)
    /// `expected` is gradOutput · mask, computed by the instructor's side when the test was made.
    case backward(upstream: Tensor, expected: Tensor, tolerance: Tolerance)
    case extremes(input: Tensor, tolerance: Tolerance)

    /// How many times the tiny input of the per-call check is passed through dropout.
    public static let tinyCalls = 300

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

    public func judge(_ replies: [WorkerReply]) -> Judgement {
        switch self {
        case let .training(input, tiny, p, alpha, tolerance):
            return Self.judgeTraining(replies, input: input, tiny: tiny, p: p, alpha: alpha, tolerance: tolerance)
        case let .eval(input, p, tolerance):
            return Self.judgeIdentity(replies, input: input, p: p, tolerance: tolerance, label: "In eval mode", atP: nil)
        case let .backward(upstream, expected, tolerance):
        let got = replies.first?.tensor(0)
            let result = Comparison.compare(got, expected: expected, name: "input gradient", tolerance: tolerance)
            if result.passed { return .pass("dropoutBackward returned gradOutput · mask exactly.", tolerance: tolerance) }
            let ignoresMask = got.map { Comparison.resembles($0, upstream) } ?? false
            let misconception = ignoresMask ? Self.backwardIgnoresMask : nil
            return Judgement(fraction: 0, message: result.message,
                             worst: result.worst, misconception: misconception, tolerance: tolerance)
        case let .extremes(input, tolerance):
        let zero = Self.judgeIdentity(Array(replies.prefix(1)), input: input, p: 0, tolerance: tolerance, label: "At p = 0", atP: 0)
            let one = Self.judgeAllDropped(replies.count > 1 ? replies[1] : WorkerReply(), input: input)
            let fraction = (zero.fraction + one.fraction) / 2
            if fraction >= 1 { return .pass("p = 0 returned the input with a mask of ones, and p = 1 returned zeros with a mask of zeros.") }
            // Reading p as the keep probability swaps the two cases: everything dropped at p = 0, nothing at p = 1.
            let swapped = replies.count > 1 && (replies[0].tensor(0)?.scalars.allSatisfy { $0 == 0 } ?? false)
                && (replies[1].tensor(0).map { Comparison.resembles($0, input) } ?? false)
            if swapped {
                let misconception = Self.keepProbability
                let message = [zero, one].filter { !$0.passed }.map(\.message).joined(separator: " ")
                return Judgement(fraction: fraction, message: message, worst: zero.worst ?? one.worst,
                                 misconception: misconception, tolerance: tolerance)
            }
            let message = [zero, one].filter { !$0.passed }.map(\.message).joined(separator: " ")
            return Judgement(fraction: fraction, message: message, worst: zero.worst ?? one.worst,
                             misconception: one.misconception ?? zero.misconception, tolerance: tolerance)
        }
    }

    /// Eval mode (or p = 0): output == input and mask == ones.
    public static func judgeIdentity(_ replies: [WorkerReply], input x: Tensor, p: Double, tolerance: Tolerance, label: String,
                              atP: Double?) -> Judgement {
        let output = replies.first?.tensor(0), mask = replies.first?.tensor(1)
        let outputResult = Comparison.compare(output, expected: x, name: "output", tolerance: tolerance)
        let maskResult = Comparison.compare(mask, expected: Tensor(ones: x.shape), name: "mask", tolerance: tolerance)
        if outputResult.passed && maskResult.passed { return .pass("\(label) the output equals the input and the mask is all ones.", tolerance: tolerance) }
        var misconception: Misconception?
        if atP == nil, let output, output.isWellFormed, output.shape == x.shape {
            let zeros = output.scalars.filter { $0 == 0 }.count
            let ratios = zip(output.scalars, x.scalars).map { $0 / $1 }
            if Double(zeros) > 0.05 * Double(x.count) {
                misconception = dropAtEval
            } else if let r = ratios.first, ratios.allSatisfy({ abs($0 - r) < 1e-9 }), abs(r - (1 - p)) < 1e-9 || abs(r - 1 / (1 - p)) < 1e-9 {
                misconception = rescaleAtEval
            }
        }
        let passed = [outputResult, maskResult].filter(\.passed).count
        let message = "\(label) dropout must be the identity. " + [outputResult, maskResult].filter { !$0.passed }.map(\.message).joined(separator: " ")
        return Judgement(fraction: Double(passed) / 2, message: message, worst: outputResult.worst ?? maskResult.worst,
                         misconception: misconception, tolerance: tolerance)
    }

    /// p = 1: zeros everywhere, never NaN.
    public static func judgeAllDropped(_ reply: WorkerReply, input x: Tensor) -> Judgement {
        let exact = Tolerance(atol: 0, rtol: 0)
        let outputResult = Comparison.compare(reply.tensor(0), expected: Tensor(zeros: x.shape), name: "output at p = 1", tolerance: exact)
        let maskResult = Comparison.compare(reply.tensor(1), expected: Tensor(zeros: x.shape), name: "mask at p = 1", tolerance: exact)
        if outputResult.passed && maskResult.passed { return .pass("") }
        let hasNaN = (reply.tensor(0)?.scalars.contains { $0.isNaN } ?? false) || (reply.tensor(1)?.scalars.contains { $0.isNaN } ?? false)
        let misconception = hasNaN ? nanAtP1 : nil
        let passed = [outputResult, maskResult].filter(\.passed).count
        return Judgement(fraction: Double(passed) / 2,
                         message: "At p = 1 every unit is dropped, so the output and the mask must be all zeros. " + [outputResult, maskResult].filter { !$0.passed }.map(\.message).joined(separator: " "),
                         worst: outputResult.worst ?? maskResult.worst, misconception: misconception)
    }

    public static func judgeTraining(_ replies: [WorkerReply], input x: Tensor, tiny: Tensor, p: Double, alpha: Double,
                              tolerance: Tolerance) -> Judgement {
        var verdict = RandomOpVerdict()
        let first = replies.first
        guard let output = first?.tensor(0), let mask = first?.tensor(1), output.isWellFormed, mask.isWellFormed,
              output.shape == x.shape, mask.shape == x.shape else {
            verdict.require("shapes", false, "dropoutForward should return an output and a mask of the input's shape \(Tensor.describe(shape: x.shape)); it returned \(describe(first?.tensor(0))) and \(describe(first?.tensor(1))).")
            return verdict.judgement(passMessage: "", misconception: nil)
        }
        verdict.require("shapes", true, "")
        let scale = 1 / (1 - p)
        let n = x.count
        // Mask values.
        let kept = mask.scalars.map { abs($0 - scale) <= 1e-12 * scale }
        let dropped = mask.scalars.map { $0 == 0 }
        let bad = zip(kept, dropped).enumerated().first { !$0.element.0 && !$0.element.1 }
        verdict.require("mask values", bad == nil,
                        "Every mask value must be 0 (dropped) or 1/(1 − p) = \(DisplayFormat.significant(scale, digits: 10)) (kept); at flat index \(bad?.offset ?? 0) the mask holds \(DisplayFormat.value(bad.map { mask.scalars[$0.offset] } ?? 0)).")
        let product = Comparison.compare(output, expected: x * mask, name: "output (it should equal input · mask)", tolerance: tolerance)
        verdict.require("output = input · mask", product.passed, product.message)
        let keptCount = kept.filter { $0 }.count
        let nonzeroCount = output.scalars.filter { $0 != 0 }.count
        // Five statistical checks share the test's alpha (Bonferroni).
        let each = alpha / 5
        verdict.add(Statistics.binomialCheck(successes: nonzeroCount, trials: n, probability: 1 - p, alpha: each, name: "units kept")) {
            "Of \(n) units \(Int($0.statistic)) were kept, outside the interval [\(Int($0.lowerBound)), \(Int($0.upperBound))] for Binomial(\(n), 1 − p = \(DisplayFormat.significant(1 - p, digits: 10))) at significance \(DisplayFormat.value($0.alpha)) (expected about \(Int($0.expected)))."
        }
        let nonzero = output.scalars.map { $0 != 0 }
        if keptCount > 50 && n - keptCount > 50 {
            verdict.add(Statistics.runsCheck(nonzero, alpha: each)) {
                RandomOpVerdict.describe($0, what: "runs-test statistic of which neighbouring units are kept")
            }
        }
        if let second = first?.tensor(3), second.isWellFormed, second.shape == x.shape, p > 0, p < 1 {
            let a = mask.scalars.map { $0 != 0 ? 1.0 : 0 }, b = second.scalars.map { $0 != 0 ? 1.0 : 0 }
            let r = correlation(a, b)
            let bound = Statistics.twoSidedZ(alpha: each) / Double(n).squareRoot()
            verdict.add(StatisticalCheck(name: "correlation of two consecutive masks", statistic: r.isNaN ? 1 : r, expected: 0,
                                         lowerBound: -bound, upperBound: bound, alpha: each)) {
                RandomOpVerdict.describe($0, what: "correlation between the masks of two consecutive calls on one generator") + " Each call must draw fresh randomness from the generator it is given."
            }
        }
        if replies.count > 1, let again = replies[1].tensor(1) {
            verdict.require("reproducible", again == mask,
                            "A generator created with the same seed gave a different mask; draw all randomness from the generator passed in.")
        }
        let tinyCounts = keptPerCall(replies.count > 2 ? replies[2] : WorkerReply(), input: tiny)
        verdict.require("tiny input", tinyCounts != nil,
                        "On \(Self.tinyCalls) calls with a tiny input of shape \(Tensor.describe(shape: tiny.shape)), dropoutForward should return \(Self.tinyCalls) outputs of that shape.")
        if let tinyCounts {
            let m = tiny.count, mode = binomialMode(trials: m, probability: 1 - p)
            let atMode = tinyCounts.filter { $0 == mode }.count
            verdict.add(Statistics.binomialCheck(successes: atMode, trials: Self.tinyCalls,
                                                 probability: binomialProbability(mode, trials: m, probability: 1 - p),
                                                 alpha: each, name: "calls on the tiny input keeping exactly \(mode) of \(m)")) {
                "Over \(Self.tinyCalls) calls on \(m) units, \(Int($0.statistic)) kept exactly \(mode) units, outside the interval [\(Int($0.lowerBound)), \(Int($0.upperBound))] for independent drops (expected about \(Int($0.expected.rounded())) at significance \(DisplayFormat.value($0.alpha))); the number kept per call should vary as Binomial(\(m), 1 − p = \(DisplayFormat.significant(1 - p, digits: 10)))."
            }
            let total = tinyCounts.reduce(0, +)
            verdict.add(Statistics.binomialCheck(successes: total, trials: Self.tinyCalls * m, probability: 1 - p, alpha: each,
                                                 name: "units kept over all calls on the tiny input")) {
                "Over \(Self.tinyCalls) calls on \(m) units, \(Int($0.statistic)) of \(Self.tinyCalls * m) units were kept, outside the interval [\(Int($0.lowerBound)), \(Int($0.upperBound))] for Binomial(\(Self.tinyCalls * m), 1 − p = \(DisplayFormat.significant(1 - p, digits: 10))) at significance \(DisplayFormat.value($0.alpha))."
            }
        }
        // Diagnosis from the student's own outputs.
        var misconception: Misconception?
        let keptFraction = Double(nonzeroCount) / Double(n)
        let maskNonzero = mask.scalars.filter { $0 != 0 }
        if output.scalars.contains(where: \.isNaN) && p >= 1 {
            misconception = nanAtP1
        } else if abs(keptFraction - p) < 0.02 && abs(p - 0.5) > 0.05 {
            misconception = keepProbability
        } else if !maskNonzero.isEmpty && maskNonzero.allSatisfy({ $0 == 1 }) && p > 0 && product.passed {
            // The survivors really are unscaled (output = input · a 0/1 mask), not scaled outputs beside a 0/1 mask.
            misconception = noScaling
        } else if let tinyCounts, let first = tinyCounts.first, tinyCounts.allSatisfy({ $0 == first }),
                  abs(Double(tiny.count - first) - p * Double(tiny.count)) <= 1, abs(Double(n - nonzeroCount) - p * Double(n)) <= 1 {
            misconception = fixedCount
        }
        return verdict.judgement(passMessage: "The mask holds only 0 and 1/(1 − p), the output is input · mask, \(nonzeroCount) of \(n) units were kept (expected about \(Int(Double(n) * (1 - p)))), the draws look independent and the same seed reproduces them.",
                                 misconception: misconception)
    }

    /// How many units each of the replies' forward passes kept (non-zero outputs), or nil if any output is
    /// missing or not of the input's shape.
    public static func keptPerCall(_ reply: WorkerReply, input: Tensor) -> [Int]? {
        guard reply.tensors.count == 2 * Self.tinyCalls else { return nil }
        var counts: [Int] = []
        for k in 0..<Self.tinyCalls {
            let output = reply.tensors[2 * k]
            guard output.isWellFormed, output.shape == input.shape else { return nil }
            counts.append(output.scalars.filter { $0 != 0 }.count)
        }
        return counts
    }

    /// The most likely value of Binomial(n, q): ⌊(n + 1)q⌋, capped at n.
    public static func binomialMode(trials n: Int, probability q: Double) -> Int { Swift.min(n, Int((Double(n + 1) * q).rounded(.down))) }

    /// P(X = k) for X ~ Binomial(n, q).
    public static func binomialProbability(_ k: Int, trials n: Int, probability q: Double) -> Double {
        var logChoose = 0.0
        for i in 0..<k { logChoose += log(Double(n - i)) - log(Double(i + 1)) }
        return exp(logChoose + Double(k) * log(q) + Double(n - k) * log1p(-q))
    }

    public static func describe(_ tensor: Tensor?) -> String {
        tensor.map { "a tensor of shape \(Tensor.describe(shape: $0.shape)) with \($0.scalars.count) scalars" } ?? "nothing"
    }

    public static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var cov = 0.0, va = 0.0, vb = 0.0
        for i in a.indices { cov += (a[i] - ma) * (b[i] - mb); va += (a[i] - ma) * (a[i] - ma); vb += (b[i] - mb) * (b[i] - mb) }
        return cov / (va * vb).squareRoot()
    }
}
