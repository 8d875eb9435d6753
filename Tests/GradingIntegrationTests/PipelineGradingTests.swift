import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The real pipeline (intake, sandboxed compile against the kit, sandboxed worker, trusted judging) on whole
/// submissions: correct code gets every point, stubs get none, and a failure in one file costs that exercise only.
final class PipelineGradingTests: XCTestCase {
    private var package: TestPackage!

    override func setUpWithError() throws {
        package = try TestPackage.shared()
    }

    /// Every exercise the manifest defines, whichever assignment holds it (the default assignment holds only some).
    private var everyExercise: [String] { get throws { try package.manifest.exercises.map(\.id) } }

    func testSolutionsGetFullMarksForSeveralSeeds() throws {
        for seed: UInt64 in [2026, 7, 9_876_543_210] {
            let report = try package.grade(package.solutions, name: "solutions-\(seed)", seed: seed, exercises: everyExercise)
            XCTAssertEqual(report.seed, seed)
            XCTAssertTrue(report.includesHidden)
            XCTAssertEqual(report.sandbox, "bubblewrap")
            XCTAssertEqual(report.exercises.map(\.id), try package.manifest.exercises.map(\.id))
            XCTAssertEqual(report.maxScore, try package.manifest.maxScore, accuracy: 1e-9)
            assertFullMarks(report)
            XCTAssertEqual(report.notices, [], "a clean submission has nothing to be told about")
        }
    }

    func testVisibleOnlyRunsOnlyVisibleTests() throws {
        let report = try package.grade(package.solutions, includeHidden: false, exercises: ["softmax", "adam"])
        XCTAssertEqual(report.exercises.map(\.id), ["softmax", "adam"])
        XCTAssertFalse(report.includesHidden)
        for exercise in report.exercises {
            XCTAssertFalse(exercise.tests.isEmpty)
            XCTAssertTrue(exercise.tests.allSatisfy { $0.visibility == .visible }, exercise.id)
        }
        assertFullMarks(report)
    }

    func testStubsAreNotImplementedEverywhereAndScoreZero() throws {
        let report = try package.grade(package.stubs, name: "stubs", exercises: everyExercise)
        XCTAssertEqual(report.exercises.count, try package.manifest.exercises.count)
        for exercise in report.exercises {
            XCTAssertEqual(exercise.status, .notImplemented, "\(exercise.id): \(exercise.message)")
            XCTAssertEqual(exercise.score, 0)
            XCTAssertTrue(exercise.tests.allSatisfy { $0.status == .notImplemented }, exercise.id)
        }
        XCTAssertEqual(report.score, 0)
        XCTAssertGreaterThan(report.maxScore, 0)
    }

    func testCompileErrorInOneFileCostsOnlyThatExercise() throws {
        let folder = try package.scratchFolder("compile-error")
        let broken = try TestPackage.fixture("grading/fixtures/hostile/compile-error/Adam.swift")
        let submission = try package.makeSubmission(in: folder, name: "broken-adam", overrides: ["Adam.swift": broken])
        let report = try package.grade(submission)

        let adam = try XCTUnwrap(report.exercise("adam"))
        XCTAssertEqual(adam.status, .compileError, adam.message)
        XCTAssertEqual(adam.score, 0)
        XCTAssertTrue(adam.message.contains("Adam.swift"), adam.message)
        let errors = adam.diagnostics.filter { $0.severity == "error" }
        XCTAssertFalse(errors.isEmpty, "a compile error comes with the compiler's diagnostics")
        for diagnostic in errors {
            XCTAssertEqual(diagnostic.file, "Adam.swift")
            // The fixture's two mistakes are on lines 6 (Double into Int) and 7 (the misspelled `gradiant`).
            XCTAssertTrue([6, 7].contains(diagnostic.line), "\(diagnostic)")
            XCTAssertFalse(diagnostic.message.isEmpty)
        }
        XCTAssertTrue(errors.contains { $0.message.contains("gradiant") }, "\(errors)")
        XCTAssertTrue(adam.tests.allSatisfy { $0.status == .skipped })
        for id in ["softmax", "he-init", "dropout", "conv2d"] {
            XCTAssertEqual(report.exercise(id)?.status, .passed, "\(id): \(report.statusLine)")
        }
    }

    func testWrongSignatureIsACompileErrorNamingTheExpectedSignature() throws {
        let folder = try package.scratchFolder("signature")
        let solution = try String(contentsOf: package.solutions.appendingPathComponent("Softmax.swift"), encoding: .utf8)
        // The argument label is not the contract's `_`: the file compiles, but the grader cannot call it.
        let wrong = solution.replacingOccurrences(of: "public func softmax(_ logits: Tensor) -> Tensor",
                                                  with: "public func softmax(logits: Tensor) -> Tensor")
        XCTAssertNotEqual(wrong, solution, "the solution's signature changed; update this test")
        let submission = try package.makeSubmission(in: folder, name: "wrong-signature", overrides: ["Softmax.swift": wrong])
        let report = try package.grade(submission)

        let softmax = try XCTUnwrap(report.exercise("softmax"))
        XCTAssertEqual(softmax.status, .compileError, softmax.message)
        XCTAssertTrue(softmax.message.contains("softmax(_ logits: Tensor) -> Tensor"), softmax.message)
        XCTAssertFalse(softmax.diagnostics.isEmpty)
        XCTAssertTrue(softmax.diagnostics.allSatisfy { $0.file == "Softmax.swift" }, "\(softmax.diagnostics)")
        for id in ["he-init", "dropout", "adam", "conv2d"] {
            XCTAssertEqual(report.exercise(id)?.status, .passed, "\(id): \(report.statusLine)")
        }
    }

    func testMissingFileIsMissingAndTheRestIsGraded() throws {
        let folder = try package.scratchFolder("missing")
        let submission = try package.makeSubmission(in: folder, name: "no-he-init", overrides: ["HeInit.swift": nil])
        let report = try package.grade(submission)
        let heInit = try XCTUnwrap(report.exercise("he-init"))
        XCTAssertEqual(heInit.status, .missing)
        XCTAssertEqual(heInit.score, 0)
        XCTAssertTrue(heInit.message.contains("HeInit.swift"), heInit.message)
        XCTAssertGreaterThan(heInit.maxScore, 0, "a missing exercise still counts toward the maximum")
        for id in ["softmax", "dropout", "adam", "conv2d"] {
            XCTAssertEqual(report.exercise(id)?.status, .passed, "\(id): \(report.statusLine)")
        }
        XCTAssertEqual(report.maxScore, try package.manifest.plan().exercises.reduce(0) { $0 + $1.maxScore }, accuracy: 1e-9)
    }

    func testAnUngradedExerciseFileThatDoesNotCompileCostsNothingAndIsSaid() throws {
        let folder = try package.scratchFolder("ungraded-broken")
        // The default assignment does not grade momentum; the student's unfinished Momentum.swift is in the folder.
        let submission = try package.makeSubmission(in: folder, name: "ungraded-broken", overrides: [
            "Momentum.swift": "import TensorKit\npublic func sgdMomentumStep(parameters: inout Tensor) { let x: Int = \"no\" }\n",
        ])
        let report = try package.grade(submission)
        XCTAssertEqual(report.exercises.map(\.id), try package.manifest.plan().exercises.map(\.id))
        assertFullMarks(report)
        XCTAssertTrue(report.notices.contains { $0.contains("Momentum.swift does not compile") && $0.contains("does not grade") },
                      "\(report.notices)")
    }

    func testAGradedFileMayCallAnotherExercisesFunctionWhetherOrNotThatFileIsThere() throws {
        let folder = try package.scratchFolder("cross-exercise")
        let alternative = try TestPackage.fixture("grading/fixtures/alternatives/adamw-via-adam-step/AdamW.swift")
        XCTAssertTrue(alternative.contains("adamStep("), "the fixture calls the student's own adamStep")
        let adam = try String(contentsOf: package.solutions.appendingPathComponent("Adam.swift"), encoding: .utf8)
        // Graded alone, AdamW.swift compiles with the submission's Adam.swift, which gets no driver of its own.
        let both = folder.appendingPathComponent("both")
        try FileManager.default.createDirectory(at: both, withIntermediateDirectories: true)
        try alternative.write(to: both.appendingPathComponent("AdamW.swift"), atomically: true, encoding: .utf8)
        try adam.write(to: both.appendingPathComponent("Adam.swift"), atomically: true, encoding: .utf8)
        let graded = try package.grade(both, exercises: ["adamw"])
        XCTAssertEqual(graded.exercises.map(\.id), ["adamw"])
        assertFullMarks(graded)
        // Without Adam.swift, the adamStep it names is a stub: AdamW.swift still compiles, and reaches the stub.
        let alone = folder.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        try alternative.write(to: alone.appendingPathComponent("AdamW.swift"), atomically: true, encoding: .utf8)
        let adamw = try XCTUnwrap(try package.grade(alone, exercises: ["adamw"]).exercise("adamw"))
        XCTAssertEqual(adamw.status, .notImplemented, adamw.message)
    }

    func testCorrectFunctionsWhoseSymbolsDifferFromTheDeclarationStillGetFullMarks() throws {
        // An unlabeled result tuple and an internal function are both callable as declared,
        // but their symbols are not the declaration's: the link with the prebuilt drivers fails, and the drivers'
        // source, which accepts them, is compiled instead (PrebuiltDrivers).
        let folder = try package.scratchFolder("other-symbols")
        let dropout = try String(contentsOf: package.solutions.appendingPathComponent("Dropout.swift"), encoding: .utf8)
        let softmax = try String(contentsOf: package.solutions.appendingPathComponent("Softmax.swift"), encoding: .utf8)
        let unlabeled = dropout.replacingOccurrences(of: "-> (output: Tensor, mask: Tensor)", with: "-> (Tensor, Tensor)")
        let internalSoftmax = softmax.replacingOccurrences(of: "public func softmax(", with: "func softmax(")
        XCTAssertNotEqual(unlabeled, dropout, "the solution's signature changed; update this test")
        XCTAssertNotEqual(internalSoftmax, softmax, "the solution's signature changed; update this test")
        let submission = try package.makeSubmission(in: folder, name: "other-symbols",
                                                    overrides: ["Dropout.swift": unlabeled, "Softmax.swift": internalSoftmax])
        let report = try package.grade(submission)
        assertFullMarks(report)
        XCTAssertEqual(report.notices, [])
    }

    func testAHelperImportingAModuleBeyondFoundationIsLinkedWithIt() throws {
        // The link first tries the flags of a Foundation program (CompileRecipe.knownLinkFlags); RegexBuilder's
        // library is not among them, so that link fails and the submission is linked with its own flags.
        let folder = try package.scratchFolder("regex-helper")
        let submission = try package.makeSubmission(in: folder, name: "regex-helper", overrides: [
            "Pattern.swift": "import RegexBuilder\nfunc studentPattern() -> Bool { \"baaa\".contains(Regex { OneOrMore(\"a\") }) }\n",
        ])
        let report = try package.grade(submission, includeHidden: false)
        assertFullMarks(report)
        XCTAssertEqual(report.notices, [])
    }

    func testBrokenHelperFileIsLeftOutWithANoticeAndWorkingHelperIsKept() throws {
        let folder = try package.scratchFolder("helpers")
        let submission = try package.makeSubmission(in: folder, name: "helpers", overrides: [
            "Broken.swift": "import TensorKit\nfunc helper() -> Int { return \"not a number\" }\n",
            "Fine.swift": "import TensorKit\nfunc unusedButFine(_ x: Tensor) -> Int { x.scalars.count }\n",
        ])
        let report = try package.grade(submission)
        assertFullMarks(report)
        XCTAssertTrue(report.notices.contains { $0.contains("Broken.swift") && $0.contains("left out") }, "\(report.notices)")
        XCTAssertFalse(report.notices.contains { $0.contains("Fine.swift") }, "\(report.notices)")
    }

    func testRefusedZipEntriesAreExcludedLiterally() {
        // unzip reads -x arguments as wildcards; a refused name must match only itself.
        XCTAssertEqual(ZipExtractor.unzipLiteralPattern("../escape.swift"), "../escape.swift")
        XCTAssertEqual(ZipExtractor.unzipLiteralPattern("../[e]s*c?.swift"), "../[[]e]s[*]c[?].swift")
    }

    func testStudentPrintsAreShownButDoNotChangeTheVerdict() throws {
        let folder = try package.scratchFolder("prints")
        let solution = try String(contentsOf: package.solutions.appendingPathComponent("HeInit.swift"), encoding: .utf8)
        let signature = "public func heNormal(shape: [Int], using generator: inout SeededGenerator) -> Tensor {"
        let printing = solution.replacingOccurrences(
            of: signature, with: signature + "\n    print(\"PRINTED-BY-STUDENT shape \\(shape) PASSED 100/100\")")
        XCTAssertNotEqual(printing, solution, "the solution's signature changed; update this test")
        let submission = try package.makeSubmission(in: folder, name: "prints", overrides: ["HeInit.swift": printing])
        let report = try package.grade(submission)
        assertFullMarks(report)
        let heInit = try XCTUnwrap(report.exercise("he-init"))
        XCTAssertTrue(heInit.tests.allSatisfy { $0.studentOutput.contains("PRINTED-BY-STUDENT shape [") },
                      heInit.tests.map(\.studentOutput).joined(separator: " | "))
        let others = report.exercises.filter { $0.id != "he-init" }.flatMap(\.tests)
        XCTAssertTrue(others.allSatisfy { !$0.studentOutput.contains("PRINTED-BY-STUDENT") },
                      "one exercise's output is never attributed to another")
        XCTAssertEqual(report.score, report.maxScore, accuracy: 1e-9)
    }
}
