import GradingCore
import WorkerKit

extension FigureProbe {
    /// The probe's figures for `implementation` answering its calls in-process (the reference, or a known wrong
    /// variant), as the sandboxed worker would answer them for a student's code: for tests, and for authors
    /// trying a new exercise's pictures. `tests` supplies the exercise's test runs for probes that draw from them.
    public func figures(using implementation: ExerciseImplementation, tests: ProbeOutcome = ProbeOutcome(replies: [])) -> [Figure] {
        var outcome = tests
        outcome.replies = []
        while outcome.replies.count < 10_000, let call = next(outcome.replies) {
            outcome.replies.append(simulate(call, using: implementation))
        }
        return draw(outcome)
    }
}
