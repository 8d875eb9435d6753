import Foundation
import TensorKit
import WorkerKit

/// The student kit's tests, recorded by `grader release` from the instructor's graders: for every visible test and
/// every recorded seed, the calls made into the student's code and the judge as data (`RecordedJudge`: expected
/// outputs and the known wrong variants' outputs for deterministic tests, the parameters of the statistical checks
/// for random ones). It holds no implementation of any exercise, so the kit grades without the reference engine
/// and still names misconceptions; and since the instructor's tests judge through the same code, `check` in the kit
/// gives the verdict `batch` gives, test by test, for the same files and a recorded seed.
public struct TestPack: Codable, Sendable {
    /// Where the kit keeps it.
    public static let path = "grading/test-pack.json"

    public var graderVersion: String
    /// The seeds recorded, the default (the one `check` uses without `--seed`) first.
    public var seeds: [UInt64]
    public var exercises: [Exercise]

    public init(graderVersion: String, seeds: [UInt64], exercises: [Exercise]) {
        self.graderVersion = graderVersion
        self.seeds = seeds
        self.exercises = exercises
    }

    public struct Exercise: Codable, Sendable {
        public var id: String
        public var fileName: String
        public var functions: [Function]
        public var tests: [Test]
        public init(id: String, fileName: String, functions: [Function], tests: [Test]) {
            self.id = id
            self.fileName = fileName
            self.functions = functions
            self.tests = tests
        }
    }

    /// An exercise function as the kit compiles its worker driver: the declaration, the wire name and the driver's
    /// code (no implementation: it only calls the student's function). `replySize` is the largest a correct reply
    /// to any recorded call of this function holds.
    public struct Function: Codable, Sendable {
        public var declaration: String
        public var wireName: String
        public var driver: String
        public var replyElements: Int
        public var replyTensors: Int
        public init(declaration: String, wireName: String, driver: String, replyElements: Int, replyTensors: Int) {
            self.declaration = declaration
            self.wireName = wireName
            self.driver = driver
            self.replyElements = replyElements
            self.replyTensors = replyTensors
        }
    }

    public struct Test: Codable, Sendable {
        public var name: String
        public var seed: UInt64
        public var summary: String
        public var calls: [WorkerCall]
        public var judge: RecordedJudge
        public init(name: String, seed: UInt64, summary: String, calls: [WorkerCall], judge: RecordedJudge) {
            self.name = name
            self.seed = seed
            self.summary = summary
            self.calls = calls
            self.judge = judge
        }
    }

    public static func load(packageRoot: URL) throws -> TestPack {
        try ReportIO.decoder().decode(TestPack.self, from: Data(contentsOf: packageRoot.appendingPathComponent(path)))
    }

    /// The exercises as the pipeline grades them.
    public var gradableExercises: [any GradableExercise] {
        exercises.map { RecordedExercise(recorded: $0, seeds: seeds) }
    }
}

/// An exercise graded from a test pack: `makeTest` looks the test up by name and seed.
public struct RecordedExercise: GradableExercise {
    let recorded: TestPack.Exercise
    let seeds: [UInt64]

    public var id: String { recorded.id }
    public var fileName: String { recorded.fileName }
    public var testNames: [String] {
        var seen = Set<String>()
        return recorded.tests.map(\.name).filter { seen.insert($0).inserted }
    }

    public var functions: [ExerciseFunction] {
        recorded.functions.map { function in
            let size = (elements: function.replyElements, tensors: function.replyTensors)
            return ExerciseFunction(function.declaration, wireName: function.wireName, driver: function.driver,
                                    replySize: { _ in size })
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        guard let test = recorded.tests.first(where: { $0.name == spec.name && $0.seed == seed }) else {
            // Commands check the seed first (`GraderSetup.recordedSeeds`); this is only a last line of defence.
            let message = "This kit holds no recording of test \(spec.name) for seed \(seed); its tests were recorded for seeds \(seeds.map(String.init).joined(separator: ", "))."
            return TestCase(spec: spec, summary: message, calls: []) { _ in Judgement(fraction: 0, message: message) }
        }
        return TestCase(spec: spec, summary: test.summary, calls: test.calls, recorded: test.judge)
    }
}

extension Manifest {
    /// The manifest a student kit gets: only the tests some assignment shows students, every assignment's selection
    /// written out as its visible tests (with their points there), and no assignment whose tests are all hidden. A
    /// test hidden in one assignment but shown in another is in the kit only as that other assignment's.
    public func visibleOnly() throws -> Manifest {
        var kit = self
        var shown: [String: Set<String>] = [:]
        kit.assignments = try assignments.compactMap { assignment in
            let plan = try self.plan(assignment: assignment.name, exercises: nil)
            var selected = assignment
            selected.exercises = plan.exercises.compactMap { exercise in
                let visible = exercise.tests.filter { $0.visibility == .visible }
                guard !visible.isEmpty else { return nil }
                shown[exercise.id, default: []].formUnion(visible.map(\.name))
                return AssignmentExercise(id: exercise.id, tests: visible.map {
                    TestSelection(name: $0.name, points: $0.points, visibility: .visible, timeLimitSeconds: $0.timeLimitSeconds)
                })
            }
            return selected.exercises.isEmpty ? nil : selected
        }
        kit.exercises = exercises.compactMap { exercise in
            var exercise = exercise
            exercise.tests = exercise.tests.filter { shown[exercise.id]?.contains($0.name) == true }
                .map { var spec = $0; spec.visibility = .visible; return spec }
            return exercise.tests.isEmpty ? nil : exercise
        }
        return kit
    }
}
