import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The manifest's assignments, in-process and fast: parsing (a test chosen by name or by an object with
/// overrides), validation sentences, and which exercises and tests a command's `--assignment` and ids select.
final class AssignmentManifestTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let manifestURL = packageRoot.appendingPathComponent("grading/manifest.json")

    /// The real manifest as a JSON object, to edit into the case a test needs.
    static func manifestObject() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
    }

    static func decode(_ object: [String: Any]) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: JSONSerialization.data(withJSONObject: object))
    }

    /// The real manifest with its assignments replaced.
    static func manifest(assignments: [[String: Any]]) throws -> Manifest {
        var object = try manifestObject()
        object["assignments"] = assignments
        return try decode(object)
    }

    /// The validation error for `assignments`, as the sentence a user reads.
    static func validationError(_ assignments: [[String: Any]]) throws -> String? {
        let manifest = try manifest(assignments: assignments)
        do { try manifest.validate(against: ExerciseCatalog.all) } catch { return "\(error)" }
        return nil
    }

    static var allFive: [[String: Any]] { ["softmax", "he-init", "dropout", "adam", "conv2d"].map { ["id": $0] } }

    // MARK: The shipped manifest

    func testTheDefaultAssignmentIsTodaysFiveExercisesWithTodaysTestsAndPoints() throws {
        let manifest = try loadManifest(packageRoot: Self.packageRoot)
        // Further assignments (grouping the exercises added since) follow these two.
        XCTAssertEqual(Array(manifest.assignments.map(\.name).prefix(2)), ["training-basics", "stable-softmax"])
        XCTAssertEqual(manifest.defaultAssignment?.name, "training-basics")
        let plan = try manifest.plan()
        XCTAssertEqual(plan.assignment, "training-basics")
        // Every definition of the five exactly: ids, files, test names, order, points, visibility and tolerances.
        XCTAssertEqual(plan.exercises, manifest.exercises.filter { Self.allFive.map { $0["id"] as? String }.contains($0.id) })
        XCTAssertEqual(plan.exercises.reduce(0) { $0 + $1.maxScore }, 100)
    }

    func testStableSoftmaxSelectsFiveSoftmaxTestsAndOverridesOnlyPointsAndVisibility() throws {
        let manifest = try loadManifest(packageRoot: Self.packageRoot)
        let plan = try manifest.plan(assignment: "stable-softmax")
        XCTAssertEqual(plan.assignment, "stable-softmax")
        XCTAssertEqual(plan.exercises.map(\.id), ["softmax"])
        let tests = try XCTUnwrap(plan.exercises.first?.tests)
        XCTAssertEqual(tests.map(\.name), ["basic", "huge-logits", "cross-entropy", "ce-huge-gap", "mixed-scale-rows"])
        XCTAssertEqual(tests.map(\.points), [3, 5, 3, 4, 3])
        XCTAssertEqual(tests.map(\.visibility), [.visible, .visible, .visible, .visible, .hidden])
        let definition = try XCTUnwrap(manifest.exercise("softmax"))
        for test in tests {
            let defined = try XCTUnwrap(definition.tests.first { $0.name == test.name })
            XCTAssertEqual(test.tolerance, defined.tolerance, "\(test.name): an assignment never changes a tolerance")
            XCTAssertEqual(test.alpha, defined.alpha, test.name)
        }
        // The definition itself is untouched: the default assignment still grades ce-huge-gap hidden, for 2 points.
        XCTAssertEqual(definition.tests.first { $0.name == "ce-huge-gap" }?.points, 2)
        XCTAssertEqual(definition.tests.first { $0.name == "ce-huge-gap" }?.visibility, .hidden)
    }

    // MARK: Parsing

    func testATestIsChosenByNameOrByAnObjectWithOverrides() throws {
        let manifest = try Self.manifest(assignments: [
            ["name": "one", "title": "One", "exercises": [
                ["id": "adam", "tests": ["ten-steps", ["name": "first-step", "points": 7.5, "visibility": "hidden",
                                                       "timeLimitSeconds": 2.5]]],
            ]],
        ])
        XCTAssertNoThrow(try manifest.validate(against: ExerciseCatalog.all))
        XCTAssertEqual(manifest.assignments.first?.exercises.first?.tests,
                       [TestSelection(name: "ten-steps"),
                        TestSelection(name: "first-step", points: 7.5, visibility: .hidden, timeLimitSeconds: 2.5)])
        let tests = try XCTUnwrap(manifest.plan().exercises.first?.tests)
        XCTAssertEqual(tests.map(\.name), ["ten-steps", "first-step"], "the assignment's order, not the definition's")
        XCTAssertEqual(tests[0], manifest.exercise("adam")?.tests.first { $0.name == "ten-steps" })
        XCTAssertEqual(tests[1].points, 7.5)
        XCTAssertEqual(tests[1].visibility, .hidden)
        XCTAssertEqual(tests[1].timeLimitSeconds, 2.5)
    }

    func testAManifestWithoutAssignmentsIsRefusedInASentence() throws {
        var object = try Self.manifestObject()
        object.removeValue(forKey: "assignments")
        let manifest = try Self.decode(object)
        XCTAssertThrowsError(try manifest.validate(against: ExerciseCatalog.all)) { error in
            XCTAssertEqual("\(error)", "The manifest lists no assignments; add at least one under \"assignments\" (the first one is the default).")
        }
    }

    // MARK: Validation

    func testAnUnknownExerciseIsNamedWithItsAssignment() throws {
        let message = try Self.validationError([
            ["name": "training-basics", "title": "T", "exercises": Self.allFive],
            ["name": "optimizers", "title": "O", "exercises": [["id": "adam"], ["id": "no-such-optimizer"]]],
        ])
        let defined = ExerciseCatalog.all.map(\.id).joined(separator: ", ")
        XCTAssertEqual(message, "Assignment 'optimizers' names exercise 'no-such-optimizer', which the manifest does not define; the defined exercises are \(defined).")
    }

    func testAnUnknownTestIsNamedWithItsExerciseAndAssignment() throws {
        let message = try Self.validationError([
            ["name": "optimizers", "title": "O", "exercises": [["id": "adam", "tests": ["first-step", "warm-restart"]]]],
        ])
        XCTAssertEqual(message, "Assignment 'optimizers' names test 'warm-restart' of exercise 'adam', which that exercise does not define; its tests are first-step, ten-steps, tiny-gradients, huge-gradients, resume-from-state, many-steps, other-hyperparameters.")
    }

    func testEveryOtherMistakeIsASentenceNamingTheAssignment() throws {
        let cases: [([[String: Any]], String)] = [
            ([["name": "Optimizers 1", "title": "O", "exercises": [["id": "adam"]]]],
             "The manifest's assignment name 'Optimizers 1' is not lowercase letters, digits and single hyphens (for example training-basics)."),
            ([["name": "a", "title": "A", "exercises": [["id": "adam"]]], ["name": "a", "title": "B", "exercises": [["id": "adam"]]]],
             "The manifest lists assignment 'a' twice."),
            ([["name": "a", "title": "A", "exercises": [[String: Any]]()]],
             "Assignment 'a' selects no exercises; list at least one."),
            ([["name": "a", "title": "A", "exercises": [["id": "adam"], ["id": "adam"]]]],
             "Assignment 'a' lists exercise 'adam' twice."),
            ([["name": "a", "title": "A", "exercises": [["id": "adam", "tests": ["first-step", "first-step"]]]]],
             "Assignment 'a' lists test 'first-step' of exercise 'adam' twice."),
            ([["name": "a", "title": "A", "exercises": [["id": "adam", "tests": [String]()]]]],
             "Assignment 'a' selects no tests of exercise 'adam'; leave out \"tests\" to take all of them."),
            ([["name": "a", "title": "A", "exercises": [["id": "adam", "tests": [["name": "first-step", "points": -1]]]]]],
             "Assignment 'a' gives test 'first-step' of exercise 'adam' -1 points; points must be a finite number, 0 or more."),
            ([["name": "a", "title": "A", "exercises": [["id": "adam", "tests": [["name": "first-step", "timeLimitSeconds": 0]]]]]],
             "Assignment 'a' gives test 'first-step' of exercise 'adam' a time limit of 0 seconds; it must be more than 0."),
        ]
        for (assignments, expected) in cases {
            XCTAssertEqual(try Self.validationError(assignments), expected)
        }
    }

    // MARK: What a command selects

    /// training-basics without conv2d, and conv2d alone in a second assignment: the case `check conv2d` must find.
    static func splitManifest() throws -> Manifest {
        try manifest(assignments: [
            ["name": "training-basics", "title": "T", "exercises": Array(allFive.prefix(4))],
            ["name": "convolutions", "title": "C", "exercises": [["id": "conv2d", "tests": ["basic", "one-by-one"]]]],
            ["name": "stable-softmax", "title": "S", "exercises": [["id": "softmax", "tests": ["huge-logits"]]]],
        ])
    }

    func testAnExerciseOutsideTheDefaultAssignmentIsFoundInTheOneThatHoldsIt() throws {
        let manifest = try Self.splitManifest()
        XCTAssertNoThrow(try manifest.validate(against: ExerciseCatalog.all))
        XCTAssertEqual(try manifest.plan().exercises.map(\.id), ["softmax", "he-init", "dropout", "adam"])
        let conv = try manifest.plan(exercises: ["conv2d"])
        XCTAssertEqual(conv.assignment, "convolutions")
        XCTAssertEqual(conv.exercises.map(\.id), ["conv2d"])
        XCTAssertEqual(conv.exercises.first?.tests.map(\.name), ["basic", "one-by-one"], "graded as its assignment defines it")
    }

    func testNamedExercisesPreferTheSelectedAssignment() throws {
        let manifest = try Self.splitManifest()
        // softmax is in training-basics (the default) and stable-softmax: the default's definition wins...
        XCTAssertEqual(try manifest.plan(exercises: ["softmax"]).exercises.first?.tests.count, 8)
        // ...unless another assignment is selected.
        let chosen = try manifest.plan(assignment: "stable-softmax", exercises: ["softmax"])
        XCTAssertEqual(chosen.assignment, "stable-softmax")
        XCTAssertEqual(chosen.exercises.first?.tests.map(\.name), ["huge-logits"])
        // An id the selected assignment lacks comes from the first assignment that holds it.
        XCTAssertEqual(try manifest.plan(assignment: "stable-softmax", exercises: ["adam"]).assignment, "training-basics")
    }

    func testExercisesFromSeveralAssignmentsAreGradedTogetherAndNamedTogether() throws {
        let plan = try Self.splitManifest().plan(exercises: ["conv2d", "adam", "softmax"])
        XCTAssertEqual(plan.assignment, "training-basics+convolutions")
        XCTAssertEqual(plan.exercises.map(\.id), ["softmax", "adam", "conv2d"], "each assignment's own order")
        let report = SubmissionReport(submission: "mixed", assignment: plan.assignment, seed: 1, exercises: [],
                                      includesHidden: false, graderVersion: "1", toolchain: "t", sandbox: "rlimits-only",
                                      timings: Timings(), notices: [])
        XCTAssertEqual(try ReportFixtures.validator().validate(ReportIO.encode(report)), [])
    }

    func testUnknownAssignmentsAndExercisesListTheKnownOnes() throws {
        let manifest = try Self.splitManifest()
        XCTAssertThrowsError(try manifest.plan(assignment: "optimisers")) { error in
            XCTAssertEqual("\(error)", "There is no assignment 'optimisers'. The assignments are: training-basics, convolutions, stable-softmax.")
        }
        XCTAssertThrowsError(try manifest.plan(exercises: ["adam", "softmx"])) { error in
            XCTAssertEqual("\(error)", "There is no exercise 'softmx'. The exercises are: softmax, he-init, dropout, adam, conv2d.")
        }
    }

    func testTheTerminalAndGradescopeOutputsNameTheAssignment() throws {
        var report = ReportFixtures.full()
        report.assignment = "stable-softmax"
        let text = TerminalRenderer(useColor: false).render(report)
        XCTAssertEqual(text.split(separator: "\n").first, "Assignment stable-softmax: 5 exercises.")
        let results = GradescopeResults(report: report)
        XCTAssertTrue(results.output.hasPrefix("**Assignment:** stable-softmax\n"), results.output)
    }

    func testTheSchemaRefusesAReportWithoutAnAssignmentOrWithAMalformedOne() throws {
        let validator = try ReportFixtures.validator()
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: ReportIO.encode(ReportFixtures.full())) as? [String: Any])
        XCTAssertEqual(validator.validate(try JSONSerialization.data(withJSONObject: object)), [])
        object["assignment"] = "Training Basics"
        XCTAssertFalse(validator.validate(try JSONSerialization.data(withJSONObject: object)).isEmpty)
        object.removeValue(forKey: "assignment")
        XCTAssertFalse(validator.validate(try JSONSerialization.data(withJSONObject: object)).isEmpty)
    }
}
