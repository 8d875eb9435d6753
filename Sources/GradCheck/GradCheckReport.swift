/// The outcome of gradient-checking a layer: one `TensorCheck` per tensor ("input", "parameters[0]", ...) plus
/// the layer-level problems (non-determinism, wrong gradient shapes or counts, backward that is not repeatable
/// or not zero for a zero upstream gradient).
public struct GradCheckReport: Codable, Sendable, Equatable {
    /// True when there is no problem and every tensor check passed.
    public var passed: Bool
    /// One entry per tensor that was checked, input first, then parameters in order.
    public var checks: [TensorCheck]
    /// Problems found at the layer level, independent of the numbers compared.
    public var problems: [GradCheckProblem]
    /// Whether two forward passes at the same point gave different outputs.
    public var nondeterministic: Bool
    /// The largest difference between those two forward outputs, when they differed.
    public var forwardNondeterminism: Double?
    /// The worst compared element across all tensors: the worst failing one if any failed, otherwise the one
    /// closest to its allowance.
    public var worst: ElementComparison?
    /// The options the check ran with (the seed makes it reproducible).
    public var options: GradCheckOptions
    /// Complete sentences with the numbers: problems first, then failing tensors, then the ones that agreed.
    public var message: String

    init(checks: [TensorCheck], problems: [GradCheckProblem], options: GradCheckOptions) {
        self.checks = checks
        self.problems = problems
        self.options = options
        forwardNondeterminism = problems.lazy.compactMap {
            if case let .nondeterministicForward(difference) = $0 { return difference } else { return nil }
        }.first
        nondeterministic = forwardNondeterminism != nil
        passed = problems.isEmpty && checks.allSatisfy(\.passed)
        let failing = checks.filter { !$0.passed }
        let pool = failing.isEmpty ? checks : failing
        worst = pool.compactMap(\.worst).max { $0.severity < $1.severity }

        var sentences = problems.map(\.description)
        sentences += failing.map(\.message)
        sentences += checks.filter(\.passed).map(\.message)
        let verdict = passed ? "The gradient check passed." : "The gradient check failed."
        message = ([verdict] + sentences).joined(separator: " ")
    }
}
