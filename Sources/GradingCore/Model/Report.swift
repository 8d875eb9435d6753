/// `report.json`: the design's contract fields (`submission`, `score`, `maxScore`, `seed`, `exercises[]` with `id`,
/// `score`, `maxScore`, `status`, `tests[]`) plus what makes it useful (the assignment, messages, worst elements,
/// misconceptions, timings, versions). Valid against `grading/report.schema.json`.
public struct SubmissionReport: Codable, Sendable, Equatable {
    public var submission: String
    /// The assignment graded (`GradingPlan.assignment`): its exercises and tests, points and limits.
    public var assignment: String
    public var score: Double
    public var maxScore: Double
    public var seed: UInt64
    public var exercises: [ExerciseReport]
    /// Whether hidden tests were run.
    public var includesHidden: Bool
    public var graderVersion: String
    public var toolchain: String
    /// How the student code was isolated ("bubblewrap" or "rlimits-only").
    public var sandbox: String
    public var timings: Timings
    /// Problems with the submission as a whole (refused files and why).
    public var notices: [String]
    /// `Manifest.digest` of the manifest graded against (absent in reports of older graders). A partly regraded
    /// report carries the manifest of its regrade, and `regraded` says which exercises that covers.
    public var manifestDigest: String?
    /// Set when exercises were graded again after the first grading (`grader batch --only`/`--exercise`).
    public var regraded: Regrade?
    /// Where the hidden tests' seed came from when a course secret was used (absent otherwise): the derivation's
    /// id and student, never the seed. For the instructor's report only; `results.json` never shows it.
    public var hiddenSeed: HiddenSeedRecord?

    public init(submission: String, assignment: String, seed: UInt64, exercises: [ExerciseReport], includesHidden: Bool,
                graderVersion: String, toolchain: String, sandbox: String, timings: Timings, notices: [String]) {
        self.submission = submission
        self.assignment = assignment
        self.seed = seed
        self.exercises = exercises
        self.includesHidden = includesHidden
        self.graderVersion = graderVersion
        self.toolchain = toolchain
        self.sandbox = sandbox
        self.timings = timings
        self.notices = notices
        self.score = exercises.reduce(0) { $0 + $1.score }
        self.maxScore = exercises.reduce(0) { $0 + $1.maxScore }
    }
}

/// What a regrade changed in a report, and why.
public struct Regrade: Codable, Sendable, Equatable {
    /// When, as ISO 8601 in UTC.
    public var at: String
    /// Why, in a sentence: the manifest digest's change, or that the manifest is unchanged, then the instructor's note.
    public var reason: String
    /// The exercises graded again (those of every regrade of this report so far, in manifest order).
    public var exercises: [String]
    /// The manifest digest the report carried before the first regrade.
    public var previousManifestDigest: String?
    public init(at: String, reason: String, exercises: [String], previousManifestDigest: String?) {
        self.at = at
        self.reason = reason
        self.exercises = exercises
        self.previousManifestDigest = previousManifestDigest
    }
}

/// What a report records of a hidden seed derived from the course secret (see `HiddenSeed`): enough for a regrade
/// given the secret to reproduce the same hidden inputs, and nothing about the seed itself.
public struct HiddenSeedRecord: Codable, Sendable, Equatable {
    public var id: String
    public var student: String?
    public init(id: String, student: String?) {
        self.id = id
        self.student = student
    }
}

public struct Timings: Codable, Sendable, Equatable {
    public var compileSeconds: Double
    public var runSeconds: Double
    public var judgeSeconds: Double
    public var totalSeconds: Double
    public init(compileSeconds: Double = 0, runSeconds: Double = 0, judgeSeconds: Double = 0, totalSeconds: Double = 0) {
        self.compileSeconds = compileSeconds
        self.runSeconds = runSeconds
        self.judgeSeconds = judgeSeconds
        self.totalSeconds = totalSeconds
    }
}

public enum ExerciseStatus: String, Codable, Sendable, CaseIterable {
    case passed, partial, failed
    case notImplemented = "not-implemented"
    case compileError = "compile-error"
    case crashed
    case timedOut = "timed-out"
    case missing, rejected
}

public struct ExerciseReport: Codable, Sendable, Equatable {
    public var id: String
    public var score: Double
    public var maxScore: Double
    public var status: ExerciseStatus
    /// One or two sentences summing up the exercise (or the compiler's / sandbox's reason it could not run).
    public var message: String
    /// Compiler diagnostics (file, line, column, message) for `compile-error`.
    public var diagnostics: [Diagnostic]
    public var tests: [TestReport]
    /// Pictures of the student's code (optional; recorded when a report with pictures was asked for).
    public var figures: [Figure]?

    public init(id: String, maxScore: Double, status: ExerciseStatus, message: String,
                diagnostics: [Diagnostic] = [], tests: [TestReport]) {
        self.id = id
        self.maxScore = maxScore
        self.status = status
        self.message = message
        self.diagnostics = diagnostics
        self.tests = tests
        self.score = tests.reduce(0) { $0 + $1.score }
    }
}

public struct Diagnostic: Codable, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var severity: String
    public var message: String
    /// The source line and the caret line under it, as swiftc printed them (nil when it printed none).
    public var excerpt: String?
    public init(file: String, line: Int, column: Int, severity: String, message: String, excerpt: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
        self.excerpt = excerpt
    }
}

public enum TestStatus: String, Codable, Sendable {
    case passed, failed
    case notImplemented = "not-implemented"
    case crashed
    case timedOut = "timed-out"
    /// Not run because the exercise could not be built or was missing.
    case skipped
}

public struct TestReport: Codable, Sendable, Equatable {
    public var name: String
    public var visibility: Visibility
    public var status: TestStatus
    public var score: Double
    public var maxScore: Double
    /// The input, in one sentence.
    public var input: String
    public var message: String
    public var tolerance: Tolerance?
    public var worst: WorstElement?
    public var misconception: Misconception?
    public var checks: [StatisticalCheck]
    public var seconds: Double
    /// What the student's code printed during this test (truncated), shown but never interpreted.
    public var studentOutput: String

    public init(name: String, visibility: Visibility, status: TestStatus, score: Double, maxScore: Double,
                input: String, message: String, tolerance: Tolerance? = nil, worst: WorstElement? = nil,
                misconception: Misconception? = nil, checks: [StatisticalCheck] = [], seconds: Double = 0,
                studentOutput: String = "") {
        self.name = name
        self.visibility = visibility
        self.status = status
        self.score = score
        self.maxScore = maxScore
        self.input = input
        self.message = message
        self.tolerance = tolerance
        self.worst = worst
        self.misconception = misconception
        self.checks = checks
        self.seconds = seconds
        self.studentOutput = studentOutput
    }
}
