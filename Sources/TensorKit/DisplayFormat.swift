#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How this package writes numbers and shapes for people: in test failures, gradient checks, reports, the class
/// summary and printed tensors, so one value reads the same wherever it appears. (Reports' JSON keeps numbers as
/// JSON numbers; this is only for text.)
///
/// - `value`: a number a program returned or a constant the manifest set, exactly: the shortest text that reads back
///   as the same Double (`0.30000000000000004`, `1e-10`), so "expected 0.3, got 0.30000000000000004" shows the real
///   difference; whole numbers without `.0` (`20`, `-3`).
/// - `significant`: a measured or derived quantity to a stated number of significant digits: the size of an
///   error and a report's compact check line with 3 (`2.35e-05`, `0.0123`); gradient-check values (a
///   finite-difference estimate and the analytic value beside it) and a printed tensor's entries with 6; what the
///   grader derives for a sentence (1/(1 − p) = `1.052631579`, 2/fanIn, a statistic beside its interval bounds)
///   with 10, enough to tell a value from a nearby bound without showing floating-point noise
///   (`0.050000000000000044`).
/// - Not-a-number and the infinities are `nan`, `inf` and `-inf` in both, the spelling the reports' JSON uses.
/// - `shape`: a shape or a multi-index, `[2, 3]`.
public enum DisplayFormat {
    public static func value(_ x: Double) -> String {
        if let special = special(x) { return special }
        if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
        return x.description
    }

    public static func significant(_ x: Double, digits: Int = 3) -> String {
        if let special = special(x) { return special }
        return printf("%.\(Swift.max(1, digits))g", x)
    }

    public static func shape(_ dimensions: [Int]) -> String {
        "[" + dimensions.map(String.init).joined(separator: ", ") + "]"
    }

    /// Points as a gradebook shows them: at most six decimals, trailing zeros dropped (`20`, `17.5`, `6.666667`);
    /// never exponent notation, never `-0`.
    public static func points(_ x: Double) -> String {
        if let special = special(x) { return special }
        var text = printf("%.6f", x)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// A duration or a limit in seconds: whole seconds as they are (`10`), otherwise one decimal (`2.5`, `0.3`).
    public static func seconds(_ x: Double) -> String {
        if let special = special(x) { return special }
        return x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : printf("%.1f", x)
    }

    /// `1 test` / `3 tests`.
    public static func count(_ number: Int, _ noun: String) -> String { number == 1 ? "1 \(noun)" : "\(number) \(noun)s" }

    /// C's printf formatting of one Double (TensorKit does without Foundation's `String(format:)`).
    private static func printf(_ format: String, _ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([x]) { arguments in vsnprintf(&buffer, buffer.count, format, arguments) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func special(_ x: Double) -> String? {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return nil
    }
}
