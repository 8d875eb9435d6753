/// The trusted side's verdict on one test's outputs.
public struct Judgement: Codable, Sendable, Equatable {
    /// Fraction of the test's points earned, in [0, 1] (partial credit, e.g. 3 of 4 output checks right).
    public var fraction: Double
    /// Complete sentences for the student: what was checked and, for a failure, what went wrong with the numbers.
    public var message: String
    /// For an elementwise comparison that failed: the worst element.
    public var worst: WorstElement?
    /// The recognised mistake, when the output matches a known wrong variant.
    public var misconception: Misconception?
    /// For statistical tests: each check with its statistic and bound.
    public var checks: [StatisticalCheck]
    /// The tolerance the comparison used, if any.
    public var tolerance: Tolerance?

    public init(fraction: Double, message: String, worst: WorstElement? = nil, misconception: Misconception? = nil,
                checks: [StatisticalCheck] = [], tolerance: Tolerance? = nil) {
        self.fraction = Swift.min(1, Swift.max(0, fraction.isNaN ? 0 : fraction))
        self.message = message
        self.worst = worst
        self.misconception = misconception
        self.checks = checks
        self.tolerance = tolerance
    }

    public var passed: Bool { fraction >= 1 }

    public static func pass(_ message: String, checks: [StatisticalCheck] = [], tolerance: Tolerance? = nil) -> Judgement {
        Judgement(fraction: 1, message: message, checks: checks, tolerance: tolerance)
    }
}

/// Where an elementwise comparison is furthest outside its tolerance.
public struct WorstElement: Codable, Sendable, Equatable {
    /// Which output ("probabilities", "gradient", "parameters after step 3").
    public var tensor: String
    public var index: [Int]
    public var expected: Double
    public var got: Double
    public var absoluteError: Double
    public var relativeError: Double
    /// How many elements were outside the tolerance, of how many compared.
    public var mismatched: Int
    public var total: Int

    public init(tensor: String, index: [Int], expected: Double, got: Double, absoluteError: Double,
                relativeError: Double, mismatched: Int, total: Int) {
        self.tensor = tensor
        self.index = index
        self.expected = expected
        self.got = got
        self.absoluteError = absoluteError
        self.relativeError = relativeError
        self.mismatched = mismatched
        self.total = total
    }
}

/// A known mistake, recognised because the student's output matches that wrong variant.
public struct Misconception: Codable, Sendable, Equatable {
    /// Stable kebab-case id (`no-max-shift`), unique within the exercise.
    public var id: String
    /// One sentence: what the code does wrong.
    public var summary: String
    /// One sentence: how to fix it.
    public var fix: String

    public init(id: String, summary: String, fix: String) {
        self.id = id
        self.summary = summary
        self.fix = fix
    }
}

/// One statistical check of a random op: a statistic, its acceptance region and the significance level.
public struct StatisticalCheck: Codable, Sendable, Equatable {
    public var name: String
    public var statistic: Double
    public var expected: Double
    /// The accepted interval for the statistic.
    public var lowerBound: Double
    public var upperBound: Double
    /// The probability that a correct implementation falls outside the interval.
    public var alpha: Double
    public var passed: Bool

    public init(name: String, statistic: Double, expected: Double, lowerBound: Double, upperBound: Double,
                alpha: Double) {
        self.name = name
        self.statistic = statistic
        self.expected = expected
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.alpha = alpha
        self.passed = statistic >= lowerBound && statistic <= upperBound
    }
}
