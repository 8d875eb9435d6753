import TensorKit
import WorkerKit

/// Bookkeeping for a statistical test: named sub-checks (each passed or not, with a sentence when it failed) and
/// the statistical checks with their bounds, turned into a `Judgement` with partial credit.
struct SubCheckList {
    private(set) var results: [SubCheckResult] = []
    private(set) var statistics: [StatisticalCheck] = []

    mutating func add(_ name: String, _ passed: Bool, _ failureMessage: @autoclosure () -> String) {
        results.append(SubCheckResult(name: name, passed: passed, message: passed ? "" : failureMessage()))
    }

    /// Adds a statistical check; its failure message states the statistic, the interval and alpha.
    mutating func add(_ check: StatisticalCheck, explanation: String) {
        statistics.append(check)
        let message = "The \(check.name) is \(Comparison.format(check.statistic)) but a correct implementation falls in [\(Comparison.format(check.lowerBound)), \(Comparison.format(check.upperBound))] except with probability \(Comparison.format(check.alpha)); \(explanation)"
        results.append(SubCheckResult(name: check.name, passed: check.passed, message: check.passed ? "" : message))
    }

    var allPassed: Bool { results.allSatisfy(\.passed) }

    func judgement(passMessage: String, misconception: Misconception?) -> Judgement {
        let passed = results.filter(\.passed).count
        if passed == results.count {
            return .pass(passMessage + " All \(results.count) checks passed.", checks: statistics)
        }
        var message = "\(passed) of \(results.count) checks passed. " + results.filter { !$0.passed }.map(\.message).joined(separator: " ")
        if let misconception { message += " " + misconception.sentence }
        return Judgement(fraction: Double(passed) / Double(results.count), message: message,
                         misconception: misconception, checks: statistics)
    }
}

/// Problems with the shape or the values of a returned tensor, as one sentence, or nil when it is well-formed,
/// has `shape` and holds only finite numbers.
func malformation(_ tensor: Tensor?, name: String, shape: [Int]) -> String? {
    guard let tensor else { return "The reply did not contain the \(name)." }
    let claimed = tensor.shape.reduce(1, *)
    if claimed != tensor.scalars.count {
        return "The \(name) claims shape \(Tensor.describe(shape: tensor.shape)) (\(claimed) elements) but holds \(tensor.scalars.count) scalars."
    }
    if tensor.shape != shape {
        return "The \(name) has shape \(Tensor.describe(shape: tensor.shape)) but should have shape \(Tensor.describe(shape: shape))."
    }
    let nan = tensor.scalars.filter(\.isNaN).count, infinite = tensor.scalars.filter(\.isInfinite).count
    if nan + infinite > 0 {
        return "The \(name) contains \(nan) NaN and \(infinite) infinite values; every element should be a finite number."
    }
    return nil
}
