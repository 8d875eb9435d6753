/// A known wrong implementation of an exercise and the misconception it stands for.
///
/// Deterministic ops are diagnosed by running the variant on the test's own input and comparing its output with the
/// student's; random ops by statistics (a variance of (2/fanIn)² rather than 2/fanIn, a keep rate of p rather than
/// 1 − p). The implementation is also what the framework's tests grade to prove each misconception is named.
public struct WrongVariant: Sendable {
    public var misconception: Misconception
    public var implementation: ExerciseImplementation

    public init(_ misconception: Misconception, _ implementation: ExerciseImplementation) {
        self.misconception = misconception
        self.implementation = implementation
    }
}
