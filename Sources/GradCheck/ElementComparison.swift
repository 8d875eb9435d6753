import TensorKit
/// One element's analytic derivative next to its centered-difference estimate.
///
/// The verdict is PyTorch's: `|analytic − numerical| ≤ absoluteTolerance + relativeTolerance·|numerical|`.
/// The cs231n relative error `|a − n| / max(|a| + |n|, tiny)` is reported alongside because it reads the same
/// at every scale (about 10⁻⁷ or less for a correct layer in Float64, 10⁻² or more for a bug); when both values
/// are exactly zero it is zero, and the element passes.
public struct ElementComparison: Codable, Sendable, Equatable {
    /// The tensor's name: "input", "parameters[0]", ...
    public var tensor: String
    /// The element's multi-index in that tensor.
    public var index: [Int]
    /// What backward returned for this element.
    public var analytic: Double
    /// The centered-difference estimate.
    public var numerical: Double
    /// `|analytic − numerical|`.
    public var absoluteError: Double
    /// `|analytic − numerical| / max(|analytic| + |numerical|, tiny)`.
    public var relativeError: Double
    /// The tolerances this element was judged with.
    public var absoluteTolerance: Double
    public var relativeTolerance: Double
    /// `absoluteTolerance + relativeTolerance·|numerical|`.
    public var allowedError: Double
    /// Whether `absoluteError ≤ allowedError` (false when either value is NaN or infinite).
    public var passed: Bool

    public init(tensor: String, index: [Int], analytic: Double, numerical: Double,
                absoluteTolerance: Double, relativeTolerance: Double) {
        self.tensor = tensor
        self.index = index
        self.analytic = analytic
        self.numerical = numerical
        self.absoluteError = Swift.abs(analytic - numerical)
        self.relativeError = cs231nRelativeError(analytic, numerical)
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.allowedError = absoluteTolerance + relativeTolerance * Swift.abs(numerical)
        self.passed = absoluteError <= allowedError   // NaN compares false: a NaN gradient fails
    }

    /// How far past its allowance this element is: `absoluteError / allowedError`, +∞ for NaN. The worst element
    /// of a tensor is the one with the largest ratio, which is the one closest to (or furthest beyond) failing.
    public var severity: Double {
        if absoluteError.isNaN { return .infinity }
        if allowedError == 0 { return absoluteError == 0 ? 0 : .infinity }
        return absoluteError / allowedError
    }

    /// "analytic 0.5, numerical 1.5 (absolute error 1, relative error 0.5; allowed 1e-05 + 0.001·|numerical| = 0.0015)"
    var valuesPhrase: String {
        "analytic \(DisplayFormat.significant(analytic, digits: 6)), numerical \(DisplayFormat.significant(numerical, digits: 6)) "
            + "(absolute error \(DisplayFormat.significant(absoluteError)), "
            + "relative error \(DisplayFormat.significant(relativeError)); allowed \(DisplayFormat.value(absoluteTolerance)) + "
            + "\(DisplayFormat.value(relativeTolerance))·|numerical| = \(DisplayFormat.significant(allowedError)))"
    }
}

/// The cs231n relative error `|a − b| / max(|a| + |b|, tiny)`: 0 when both are zero, at most 1 otherwise.
public func cs231nRelativeError(_ a: Double, _ b: Double) -> Double {
    let difference = Swift.abs(a - b)
    if difference == 0 { return 0 }
    return difference / Swift.max(Swift.abs(a) + Swift.abs(b), Double.leastNormalMagnitude)
}
