import TensorKit

/// Builds the judgement of a random op's test from its checks: exact ones (shapes, reproducibility, mask values) and
/// statistical ones (each with its own significance level). The test earns the fraction of checks that pass.
public struct RandomOpVerdict {
    public init() {}
    private(set) var exactNames: [String] = []
    private(set) var failures: [String] = []
    private(set) var checks: [StatisticalCheck] = []
    private var passedCount = 0

    /// An exact requirement: `message` explains a failure in sentences.
    public mutating func require(_ name: String, _ passed: Bool, _ message: @autoclosure () -> String) {
        exactNames.append(name)
        if passed { passedCount += 1 } else { failures.append(message()) }
    }

    /// A statistical check; `explain` turns a failed one into a sentence.
    public mutating func add(_ check: StatisticalCheck, explain: (StatisticalCheck) -> String) {
        checks.append(check)
        if check.passed { passedCount += 1 } else { failures.append(explain(check)) }
    }

    public var total: Int { exactNames.count + checks.count }

    public func judgement(passMessage: String, misconception: Misconception?) -> Judgement {
        if failures.isEmpty {
            return .pass(passMessage, checks: checks)
        }
        let message = "\(passedCount) of \(DisplayFormat.count(total, "check")) passed. " + failures.joined(separator: " ")
        return Judgement(fraction: Double(passedCount) / Double(Swift.max(total, 1)), message: message,
                         misconception: misconception, checks: checks)
    }

    /// A sentence for a failed statistical check, with the statistic, the interval and the significance.
    public static func describe(_ check: StatisticalCheck, what: String) -> String {
        "The \(what) is \(DisplayFormat.significant(check.statistic, digits: 10)), outside the interval [\(DisplayFormat.significant(check.lowerBound, digits: 10)), \(DisplayFormat.significant(check.upperBound, digits: 10))] that a correct implementation falls in with probability 1 − \(DisplayFormat.value(check.alpha)) (expected about \(DisplayFormat.value(check.expected)))."
    }
}

extension Tensor {
    /// Whether shape and scalar count agree (a student's tensor may carry an inconsistent pair).
    public var isWellFormed: Bool { shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == scalars.count }
}
