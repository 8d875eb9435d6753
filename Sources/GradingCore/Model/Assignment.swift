import Foundation
import TensorKit

/// One assignment of the course: a named selection of the manifest's exercises. An exercise's tests and tolerances
/// are defined once, in the manifest's `exercises`; an assignment says which exercises (and, optionally, which of
/// their tests, in which order) make it up, and may override a test's points, visibility and time limit. It never
/// changes a tolerance or a significance level: those belong to the test, whichever assignment grades it.
public struct Assignment: Codable, Sendable, Equatable {
    /// Lowercase letters, digits and hyphens (`training-basics`); what `--assignment` takes and reports record.
    public var name: String
    public var title: String
    public var exercises: [AssignmentExercise]

    public init(name: String, title: String, exercises: [AssignmentExercise]) {
        self.name = name
        self.title = title
        self.exercises = exercises
    }

    public func holds(_ exerciseID: String) -> Bool { exercises.contains { $0.id == exerciseID } }

    /// Assignment names and exercise ids share one form, so either can be a path component or a CSV header.
    public static func isValidName(_ name: String) -> Bool {
        name.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil
    }
}

/// An exercise as one assignment uses it.
public struct AssignmentExercise: Codable, Sendable, Equatable {
    public var id: String
    /// The tests that count, in this order, with their overrides; every test of the exercise when absent.
    public var tests: [TestSelection]?

    public init(id: String, tests: [TestSelection]? = nil) {
        self.id = id
        self.tests = tests
    }
}

/// One test an assignment selects: just its name (`"basic"` in the manifest) or an object with overrides
/// (`{"name": "basic", "points": 5}`). What is not overridden is the exercise definition's.
public struct TestSelection: Codable, Sendable, Equatable {
    public var name: String
    public var points: Double?
    public var visibility: Visibility?
    public var timeLimitSeconds: Double?

    public init(name: String, points: Double? = nil, visibility: Visibility? = nil, timeLimitSeconds: Double? = nil) {
        self.name = name
        self.points = points
        self.visibility = visibility
        self.timeLimitSeconds = timeLimitSeconds
    }

    private enum CodingKeys: String, CodingKey { case name, points, visibility, timeLimitSeconds }

    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.init(name: name)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name),
                  points: try container.decodeIfPresent(Double.self, forKey: .points),
                  visibility: try container.decodeIfPresent(Visibility.self, forKey: .visibility),
                  timeLimitSeconds: try container.decodeIfPresent(Double.self, forKey: .timeLimitSeconds))
    }

    /// The definition's spec with this selection's overrides applied.
    func applied(to spec: TestSpec) -> TestSpec {
        var spec = spec
        if let points { spec.points = points }
        if let visibility { spec.visibility = visibility }
        if let timeLimitSeconds { spec.timeLimitSeconds = timeLimitSeconds }
        return spec
    }
}

/// What one run grades: the exercises with their tests as their assignment defines them, and the assignment the
/// report names.
public struct GradingPlan: Sendable, Equatable {
    /// The assignment's name; when `check ID...` named exercises of several assignments, their names joined by
    /// "+" in the manifest's order (a name never contains "+").
    public var assignment: String
    public var exercises: [ExerciseManifest]
}

/// A problem with the manifest's assignments (found when it is loaded) or with the assignment or exercises a
/// command asked for.
public enum AssignmentError: Error, CustomStringConvertible, Equatable {
    case noAssignments
    case invalidName(String)
    case duplicateAssignment(String)
    case emptyAssignment(String)
    case unknownExercise(assignment: String, exercise: String, defined: [String])
    case duplicateExercise(assignment: String, exercise: String)
    case unknownTest(assignment: String, exercise: String, test: String, defined: [String])
    case duplicateTest(assignment: String, exercise: String, test: String)
    case noTests(assignment: String, exercise: String)
    case invalidPoints(assignment: String, exercise: String, test: String, points: Double)
    case invalidTimeLimit(assignment: String, exercise: String, test: String, seconds: Double)
    /// A command asked for an assignment the manifest does not have.
    case noSuchAssignment(String, known: [String])
    /// A command asked for an exercise that no assignment holds.
    case noSuchExercise(String, known: [String])

    public var description: String {
        switch self {
        case .noAssignments:
            return "The manifest lists no assignments; add at least one under \"assignments\" (the first one is the default)."
        case let .invalidName(name):
            return "The manifest's assignment name '\(name)' is not lowercase letters, digits and single hyphens (for example training-basics)."
        case let .duplicateAssignment(name):
            return "The manifest lists assignment '\(name)' twice."
        case let .emptyAssignment(name):
            return "Assignment '\(name)' selects no exercises; list at least one."
        case let .unknownExercise(assignment, exercise, defined):
            return "Assignment '\(assignment)' names exercise '\(exercise)', which the manifest does not define; the defined exercises are \(defined.joined(separator: ", "))."
        case let .duplicateExercise(assignment, exercise):
            return "Assignment '\(assignment)' lists exercise '\(exercise)' twice."
        case let .unknownTest(assignment, exercise, test, defined):
            return "Assignment '\(assignment)' names test '\(test)' of exercise '\(exercise)', which that exercise does not define; its tests are \(defined.joined(separator: ", "))."
        case let .duplicateTest(assignment, exercise, test):
            return "Assignment '\(assignment)' lists test '\(test)' of exercise '\(exercise)' twice."
        case let .noTests(assignment, exercise):
            return "Assignment '\(assignment)' selects no tests of exercise '\(exercise)'; leave out \"tests\" to take all of them."
        case let .invalidPoints(assignment, exercise, test, points):
            return "Assignment '\(assignment)' gives test '\(test)' of exercise '\(exercise)' \(DisplayFormat.points(points)) points; points must be a finite number, 0 or more."
        case let .invalidTimeLimit(assignment, exercise, test, seconds):
            return "Assignment '\(assignment)' gives test '\(test)' of exercise '\(exercise)' a time limit of \(DisplayFormat.value(seconds)) seconds; it must be more than 0."
        case let .noSuchAssignment(name, known):
            return "There is no assignment '\(name)'. The assignments are: \(known.joined(separator: ", "))."
        case let .noSuchExercise(id, known):
            return "There is no exercise '\(id)'. The exercises are: \(known.joined(separator: ", "))."
        }
    }
}

extension Manifest {
    /// The assignment `check` and `batch` grade when none is named: the first one.
    public var defaultAssignment: Assignment? { assignments.first }

    public func assignment(named name: String) -> Assignment? { assignments.first { $0.name == name } }

    /// Every exercise some assignment holds, each once, in the order of first appearance.
    public var assignedExerciseIDs: [String] {
        var seen = Set<String>()
        return assignments.flatMap { $0.exercises.map(\.id) }.filter { seen.insert($0).inserted }
    }

    /// The exercises of `assignment` with its tests, order and overrides applied to their definitions.
    /// Assumes a validated manifest (every exercise and test it names is defined).
    public func exercises(of assignment: Assignment) -> [ExerciseManifest] {
        assignment.exercises.compactMap { selection in
            guard var exercise = exercise(selection.id) else { return nil }
            if let tests = selection.tests {
                exercise.tests = tests.compactMap { chosen in
                    exercise.tests.first { $0.name == chosen.name }.map(chosen.applied(to:))
                }
            }
            return exercise
        }
    }

    /// What to grade for `assignment` (the default when nil) and, when given, only the exercises `ids`: an id the
    /// assignment holds is graded as that assignment defines it, any other as the first assignment holding it does.
    public func plan(assignment name: String? = nil, exercises ids: [String]? = nil) throws -> GradingPlan {
        let selected: Assignment
        if let name {
            guard let found = assignment(named: name) else {
                throw AssignmentError.noSuchAssignment(name, known: assignments.map(\.name))
            }
            selected = found
        } else {
            guard let first = defaultAssignment else { throw AssignmentError.noAssignments }
            selected = first
        }
        guard let ids else { return GradingPlan(assignment: selected.name, exercises: exercises(of: selected)) }

        var holders: [Assignment] = []
        for id in ids {
            guard let holder = selected.holds(id) ? selected : assignments.first(where: { $0.holds(id) }) else {
                throw AssignmentError.noSuchExercise(id, known: assignedExerciseIDs)
            }
            if !holders.contains(where: { $0.name == holder.name }) { holders.append(holder) }
        }
        // Assignments in the manifest's order and each one's exercises in its own order, so `check adam softmax`
        // reports as `check` would.
        var graded: [ExerciseManifest] = []
        holders = assignments.filter { assignment in holders.contains { $0.name == assignment.name } }
        for holder in holders {
            for exercise in exercises(of: holder) where ids.contains(exercise.id) && !graded.contains(where: { $0.id == exercise.id }) {
                graded.append(exercise)
            }
        }
        return GradingPlan(assignment: holders.map(\.name).joined(separator: "+"), exercises: graded)
    }

    /// Checks every assignment against the exercise definitions.
    public func validateAssignments() throws {
        guard !assignments.isEmpty else { throw AssignmentError.noAssignments }
        var names = Set<String>()
        for assignment in assignments {
            guard Assignment.isValidName(assignment.name) else { throw AssignmentError.invalidName(assignment.name) }
            guard names.insert(assignment.name).inserted else { throw AssignmentError.duplicateAssignment(assignment.name) }
            guard !assignment.exercises.isEmpty else { throw AssignmentError.emptyAssignment(assignment.name) }
            var ids = Set<String>()
            for selection in assignment.exercises {
                guard let definition = exercise(selection.id) else {
                    throw AssignmentError.unknownExercise(assignment: assignment.name, exercise: selection.id,
                                                          defined: exercises.map(\.id))
                }
                guard ids.insert(selection.id).inserted else {
                    throw AssignmentError.duplicateExercise(assignment: assignment.name, exercise: selection.id)
                }
                guard let tests = selection.tests else { continue }
                guard !tests.isEmpty else { throw AssignmentError.noTests(assignment: assignment.name, exercise: selection.id) }
                var seen = Set<String>()
                for test in tests {
                    guard definition.tests.contains(where: { $0.name == test.name }) else {
                        throw AssignmentError.unknownTest(assignment: assignment.name, exercise: selection.id, test: test.name,
                                                          defined: definition.tests.map(\.name))
                    }
                    guard seen.insert(test.name).inserted else {
                        throw AssignmentError.duplicateTest(assignment: assignment.name, exercise: selection.id, test: test.name)
                    }
                    if let points = test.points, !(points.isFinite && points >= 0) {
                        throw AssignmentError.invalidPoints(assignment: assignment.name, exercise: selection.id, test: test.name,
                                                            points: points)
                    }
                    if let seconds = test.timeLimitSeconds, !(seconds.isFinite && seconds > 0) {
                        throw AssignmentError.invalidTimeLimit(assignment: assignment.name, exercise: selection.id,
                                                               test: test.name, seconds: seconds)
                    }
                }
            }
        }
    }
}
