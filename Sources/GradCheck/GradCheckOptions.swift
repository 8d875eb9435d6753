/// How many elements of each tensor a gradient check compares.
public enum GradCheckMode: Codable, Sendable, Equatable {
    /// Every element: two forward evaluations per element, the definitive check.
    case full
    /// `count` (at least 1) distinct elements drawn without replacement from the options' seed (every element
    /// when the tensor has `count` or fewer). A bug that touches most elements — a missing factor, a wrong
    /// reduction — is caught at a fraction of the cost; a bug confined to one element may be missed.
    case sparse(count: Int)
    /// PyTorch's fast mode: for each of `directions` random unit vectors `u` over the tensor, compare the
    /// numerical directional derivative `vᵀ(f(x + εu) − f(x − εu)) / 2ε` (v is the upstream gradient) with the
    /// analytic `⟨∂L/∂x, u⟩`. Two forward calls per direction instead of two per element. When a direction
    /// disagrees, the tensor is re-checked in `.full` mode, which names the worst element and can tell a kink
    /// from a bug; that full check gives the verdict.
    case fast(directions: Int)
}

/// Settings for a gradient check.
///
/// **Why these defaults (PyTorch's `gradcheck` defaults, which assume Float64).** The centered difference
/// `(f(x + h) − f(x − h)) / 2h` has two errors pulling in opposite directions:
/// - *truncation*, from the Taylor series: `h²·|f‴| / 6`, which shrinks as h shrinks;
/// - *roundoff*: each evaluation of f carries a relative error of about ε_machine = 2.2·10⁻¹⁶, and dividing a
///   difference of two such values by 2h gives an error of about `ε_machine·|f| / h`, which grows as h shrinks.
/// The sum is smallest near `h ≈ (3·ε_machine·|f| / |f‴|)^(1/3)` ≈ 10⁻⁵ for quantities of order one. With
/// `step = 1e-6` the truncation error is ~10⁻¹³ and the roundoff ~10⁻¹⁰·|f|, both orders of magnitude below
/// `absoluteTolerance = 1e-5`, so a correct layer whose outputs are of modest size (|f| up to ~10⁴) passes
/// with room to spare, while a real bug (a missing factor, a missing term) gives errors of the size of the
/// gradient itself. `relativeTolerance = 1e-3` lets large gradients carry proportionally larger roundoff.
/// In Float32 (ε ≈ 10⁻⁷) these values would fail correct code: roundoff alone would be ~0.1. Tensor is Float64.
///
/// The comparison per element is `|analytic − numerical| ≤ absoluteTolerance + relativeTolerance·|numerical|`
/// (the numerical value is the reference, as in PyTorch).
public struct GradCheckOptions: Codable, Sendable, Equatable {
    /// The finite-difference step h added to and subtracted from one element (or along one unit direction).
    public var step: Double
    /// The absolute part of the allowed error.
    public var absoluteTolerance: Double
    /// The part of the allowed error proportional to |numerical|.
    public var relativeTolerance: Double
    /// Which elements are compared.
    public var mode: GradCheckMode
    /// Seeds everything random in the check: the upstream gradient `checkLayer` draws when none is given, the
    /// elements `.sparse` picks and the directions `.fast` uses. The same seed gives the same check.
    public var seed: UInt64

    public init(step: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3,
                mode: GradCheckMode = .full, seed: UInt64 = 0) {
        precondition(step > 0 && step.isFinite, "The gradient-check step must be positive and finite; got \(step).")
        precondition(absoluteTolerance >= 0 && relativeTolerance >= 0,
                     "Gradient-check tolerances must be non-negative; got \(absoluteTolerance) and "
                        + "\(relativeTolerance).")
        self.step = step
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.mode = mode
        self.seed = seed
    }

    /// The error allowed for an element whose numerical derivative is `numerical`.
    public func allowedError(numerical: Double) -> Double {
        absoluteTolerance + relativeTolerance * Swift.abs(numerical)
    }
}
