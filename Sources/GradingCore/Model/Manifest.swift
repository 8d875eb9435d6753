import Foundation

/// The assignment manifest (`grading/manifest.json`): points, tests, tolerances and limits, written by the
/// instructor. The code knows how to *generate* each named test; the manifest decides which tests run, what each
/// is worth, who sees it, how close is close enough and how long it may take.
public struct Manifest: Codable, Sendable, Equatable {
    public var title: String
    public var version: Int
    /// Limits applied to every test unless the test overrides them.
    public var defaults: Limits
    /// Every exercise's definition — tests, points, tolerances — written once; assignments select from these.
    public var exercises: [ExerciseManifest]
    /// The course's assignments, in order; the first is the default (see `Assignment`).
    public var assignments: [Assignment]

    public func exercise(_ id: String) -> ExerciseManifest? { exercises.first { $0.id == id } }

    public var maxScore: Double { exercises.reduce(0) { $0 + $1.maxScore } }
}

/// Resource limits for one run of student code.
public struct Limits: Codable, Sendable, Equatable {
    /// Wall-clock seconds for one test (one call into the student's code).
    public var timeLimitSeconds: Double
    /// Address-space limit for the student process, in MiB.
    public var memoryMiB: Int
    /// Largest file the student process may write, in MiB.
    public var fileSizeMiB: Int
    /// Most processes/threads the student process may have at once.
    public var processes: Int
    /// Bytes of the student's stdout+stderr kept for the report; the rest is dropped (and counted).
    public var outputBytes: Int
    /// Wall-clock seconds for compiling one submission.
    public var compileSeconds: Double

    public init(timeLimitSeconds: Double = 10, memoryMiB: Int = 2048, fileSizeMiB: Int = 16, processes: Int = 64,
                outputBytes: Int = 8192, compileSeconds: Double = 60) {
        self.timeLimitSeconds = timeLimitSeconds
        self.memoryMiB = memoryMiB
        self.fileSizeMiB = fileSizeMiB
        self.processes = processes
        self.outputBytes = outputBytes
        self.compileSeconds = compileSeconds
    }
}

public enum Visibility: String, Codable, Sendable {
    /// Run by `grader check` and shown in full to students.
    case visible
    /// Run by `grader batch` (and `check --hidden`); its inputs and expected values are never shown to students.
    case hidden
}

public struct ExerciseManifest: Codable, Sendable, Equatable {
    public var id: String
    public var file: String
    public var title: String
    public var tests: [TestSpec]
    public var maxScore: Double { tests.reduce(0) { $0 + $1.points } }
}

/// One test as the manifest states it.
public struct TestSpec: Codable, Sendable, Equatable {
    /// The generator's name, unique within the exercise (e.g. "huge-logits").
    public var name: String
    public var points: Double
    public var visibility: Visibility
    /// Elementwise tolerance for deterministic outputs: |got − expected| ≤ atol + rtol·|expected|.
    public var atol: Double?
    public var rtol: Double?
    /// Significance level per statistical check (false-failure probability of a correct implementation).
    public var alpha: Double?
    /// Overrides of the manifest's default limits.
    public var timeLimitSeconds: Double?
    public var memoryMiB: Int?

    public var tolerance: Tolerance { Tolerance(atol: atol ?? 1e-10, rtol: rtol ?? 1e-8) }
}

/// `|got − expected| ≤ atol + rtol·|expected|`, elementwise, in Float64 (numpy's asymmetric rule: the
/// reference value scales the allowance).
public struct Tolerance: Codable, Sendable, Equatable {
    public var atol: Double
    public var rtol: Double
    public init(atol: Double, rtol: Double) { self.atol = atol; self.rtol = rtol }
    public func allows(got: Double, expected: Double) -> Bool {
        if got.isNaN || expected.isNaN { return got.isNaN && expected.isNaN }
        if got.isInfinite || expected.isInfinite { return got == expected }
        return Swift.abs(got - expected) <= atol + rtol * Swift.abs(expected)
    }
}

public enum ManifestError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unknownExercise(String)
    case unknownTest(exercise: String, test: String, known: [String])
    case duplicateTest(exercise: String, test: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "The manifest at \(path) could not be read: \(reason)"
        case let .unknownExercise(id): return "The manifest names exercise '\(id)', which the grader does not know."
        case let .unknownTest(exercise, test, known):
            return "The manifest names test '\(test)' for exercise '\(exercise)', which has no generator; known tests are \(known.joined(separator: ", "))."
        case let .duplicateTest(exercise, test): return "The manifest lists test '\(test)' of exercise '\(exercise)' twice."
        }
    }
}

extension Manifest {
    private enum CodingKeys: String, CodingKey { case title, version, defaults, exercises, assignments }

    /// A manifest without `assignments` decodes with none, so validation can say so in a sentence.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(title: try container.decode(String.self, forKey: .title),
                  version: try container.decode(Int.self, forKey: .version),
                  defaults: try container.decode(Limits.self, forKey: .defaults),
                  exercises: try container.decode([ExerciseManifest].self, forKey: .exercises),
                  assignments: try container.decodeIfPresent([Assignment].self, forKey: .assignments) ?? [])
    }

    public static func load(from url: URL) throws -> Manifest {
        do {
            let data = try Data(contentsOf: url)
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw ManifestError.unreadable(path: url.path, reason: "\(error)")
        }
    }

    /// Checks every exercise and test name against the generators the grader has.
    public func validate(against graders: [any GradableExercise]) throws {
        for exercise in exercises {
            guard let grader = graders.first(where: { $0.id == exercise.id }) else {
                throw ManifestError.unknownExercise(exercise.id)
            }
            var seen = Set<String>()
            for test in exercise.tests {
                guard seen.insert(test.name).inserted else {
                    throw ManifestError.duplicateTest(exercise: exercise.id, test: test.name)
                }
                guard grader.testNames.contains(test.name) else {
                    throw ManifestError.unknownTest(exercise: exercise.id, test: test.name, known: grader.testNames)
                }
            }
        }
        try validateAssignments()
    }
}
