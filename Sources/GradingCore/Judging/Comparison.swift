import Foundation
import TensorKit

/// The outcome of comparing one output of the student's code with the reference.
public struct ComparisonResult: Sendable, Equatable {
    public var passed: Bool
    /// One or two complete sentences with the numbers (empty detail is never produced for a failure).
    public var message: String
    /// The worst element, when the shapes agreed and some element was outside the tolerance.
    public var worst: WorstElement?
}

/// Elementwise comparison in Float64 with `|got − expected| ≤ atol + rtol·max(|expected|, magnitude)`.
///
/// `magnitude` (optional, one value per element) is the size of the terms that produced the expected value, e.g.
/// Σ|x·w| + |b| for a convolution output or β₁|m| + (1 − β₁)|g| for an Adam moment. When the terms cancel, the
/// result is small but any correct summation order still carries rounding error of the size of the terms, so the
/// relative allowance is taken against the larger of the two. Without it, `Tolerance.allows` is used as is.
public enum Comparison {
    /// Compares `got` (nil: missing from the reply) with `expected`, naming the output `name` in the message.
    public static func compare(_ got: Tensor?, expected: Tensor, name: String, tolerance: Tolerance,
                               magnitude: Tensor? = nil) -> ComparisonResult {
        guard let got else {
            return ComparisonResult(passed: false, message: "The reply did not contain the \(name).", worst: nil)
        }
        let claimed = got.shape.reduce(1, *)
        if got.shape.contains(where: { $0 < 0 }) || claimed != got.scalars.count {
            return ComparisonResult(passed: false, message: "The \(name) tensor claims shape \(Tensor.describe(shape: got.shape)) (\(claimed) elements) but holds \(got.scalars.count) scalars; a tensor's scalars.count must equal the product of its shape.", worst: nil)
        }
        if got.shape != expected.shape {
            return ComparisonResult(passed: false, message: "The \(name) tensor has shape \(Tensor.describe(shape: got.shape)) but should have shape \(Tensor.describe(shape: expected.shape)).", worst: nil)
        }
        var mismatched = 0, worstIndex = -1, worstExcess = -Double.infinity
        var nanCount = 0, infiniteCount = 0, firstBad = -1
        for i in 0..<expected.scalars.count {
            let e = expected.scalars[i], g = got.scalars[i]
            let ok: Bool
            if let magnitude, e.isFinite, g.isFinite {
                let scale = Swift.max(Swift.abs(e), magnitude.scalars[i])
                ok = Swift.abs(g - e) <= tolerance.atol + tolerance.rtol * scale
            } else {
                ok = tolerance.allows(got: g, expected: e)
            }
            if ok { continue }
            mismatched += 1
            if !g.isFinite && e.isFinite {
                if g.isNaN { nanCount += 1 } else { infiniteCount += 1 }
                if firstBad < 0 { firstBad = i }
            }
            // Rank by how far outside the allowance the element is; non-finite values rank first.
            let excess = g.isFinite && e.isFinite
                ? Swift.abs(g - e) / (tolerance.atol + tolerance.rtol * Swift.abs(e) + .leastNonzeroMagnitude)
                : .infinity
            if excess > worstExcess || worstIndex < 0 { worstExcess = excess; worstIndex = i }
        }
        if mismatched == 0 {
            return ComparisonResult(passed: true, message: "All \(expected.count) elements of the \(name) match the reference within \(ScoreFormatting.rule(tolerance)).", worst: nil)
        }
        let index = firstBad >= 0 ? firstBad : worstIndex
        let e = expected.scalars[index], g = got.scalars[index]
        let absoluteError = Swift.abs(g - e)
        let relativeError = e == 0 ? (absoluteError == 0 ? 0 : .infinity) : absoluteError / Swift.abs(e)
        let multiIndex = Tensor.multiIndex(index, shape: expected.shape)
        let worst = WorstElement(tensor: name, index: multiIndex, expected: e, got: g, absoluteError: absoluteError,
                                 relativeError: relativeError, mismatched: mismatched, total: expected.count)
        var message: String
        if nanCount + infiniteCount > 0 {
            var parts: [String] = []
            if nanCount > 0 { parts.append("\(nanCount) NaN value\(nanCount == 1 ? "" : "s")") }
            if infiniteCount > 0 { parts.append("\(infiniteCount) infinite value\(infiniteCount == 1 ? "" : "s")") }
            message = "The \(name) tensor contains \(parts.joined(separator: " and ")) where the reference is finite; the first is at index \(DisplayFormat.shape(multiIndex)), where \(DisplayFormat.value(e)) was expected but \(DisplayFormat.value(g)) came back."
            if mismatched > nanCount + infiniteCount {
                message += " In all, \(mismatched) of \(expected.count) elements are outside the tolerance."
            }
        } else {
            message = "In the \(name), \(mismatched) of \(expected.count) elements differ from the reference; the worst is at index \(DisplayFormat.shape(multiIndex)): expected \(DisplayFormat.value(e)), got \(DisplayFormat.value(g)), absolute error \(DisplayFormat.significant(absoluteError)), relative error \(DisplayFormat.significant(relativeError)) (allowed: \(ScoreFormatting.rule(tolerance)))."
        }
        if expected.shape.isEmpty {
            message = scalarMessage(got: g, expected: e, name: name, tolerance: tolerance)
        }
        return ComparisonResult(passed: false, message: message, worst: worst)
    }

    public static func scalarMessage(got: Double, expected: Double, name: String, tolerance: Tolerance) -> String {
        if !got.isFinite, expected.isFinite {
            return "The \(name) is \(DisplayFormat.value(got)) but should be the finite value \(DisplayFormat.value(expected))."
        }
        let error = Swift.abs(got - expected)
        return "The \(name) is \(DisplayFormat.value(got)) but should be \(DisplayFormat.value(expected)) (absolute error \(DisplayFormat.significant(error)), relative error \(DisplayFormat.significant(expected == 0 ? .infinity : error / Swift.abs(expected))); allowed: \(ScoreFormatting.rule(tolerance)))."
    }

    /// Compares two scalars (a loss) as one-element tensors.
    public static func compare(_ got: Double?, expected: Double, name: String, tolerance: Tolerance) -> ComparisonResult {
        compare(got.map { Tensor(scalar: $0) }, expected: Tensor(scalar: expected), name: name, tolerance: tolerance)
    }

    /// Whether two tensors agree loosely (same shape, NaN where NaN, equal infinities, otherwise within 1e-6
    /// relative): used to recognise a known wrong variant, not to grade.
    public static func resembles(_ a: Tensor, _ b: Tensor) -> Bool {
        guard a.shape == b.shape, a.scalars.count == b.scalars.count else { return false }
        let loose = Tolerance(atol: 1e-9, rtol: 1e-6)
        for (x, y) in zip(a.scalars, b.scalars) where !(x.isNaN && y.isNaN) && x != y {
            if !loose.allows(got: x, expected: y) { return false }
        }
        return true
    }

}
