import Foundation
@testable import Grading
@testable import GradingCore

/// Reports built by hand from the model types, covering every field and status the renderers handle.
enum ReportFixtures {
    static let softmaxMisconception = Misconception(
        id: "no-max-shift",
        summary: "The code exponentiates the logits without subtracting each row's maximum, so large logits overflow to infinity.",
        fix: "Subtract the row maximum from every logit before calling exp; the result is mathematically unchanged.")

    static var failingSoftmax: ExerciseReport {
        ExerciseReport(id: "softmax", maxScore: 5, status: .partial,
                       message: "2 of 3 softmax tests passed.", tests: [
            TestReport(name: "small-rows", visibility: .visible, status: .passed, score: 2, maxScore: 2,
                       input: "logits of shape [3, 4] in [-2, 2].", message: "All 12 probabilities match.",
                       tolerance: Tolerance(atol: 1e-10, rtol: 1e-8), seconds: 0.01),
            TestReport(name: "huge-logits", visibility: .visible, status: .failed, score: 0, maxScore: 2,
                       input: "logits of shape [4, 7] around ±1000.",
                       message: "The probabilities contain NaN where the reference has finite values.",
                       tolerance: Tolerance(atol: 1e-10, rtol: 1e-8),
                       worst: WorstElement(tensor: "probabilities", index: [2, 5], expected: 0.25, got: .nan,
                                           absoluteError: .nan, relativeError: .infinity, mismatched: 3, total: 28),
                       misconception: softmaxMisconception, seconds: 0.02,
                       studentOutput: "debug: row max = 1000.0\n\u{1B}[31mred text\u{1B}[0m"),
            TestReport(name: "secret-shapes", visibility: .hidden, status: .failed, score: 0.5, maxScore: 1,
                       input: "SECRET-INPUT logits of shape [9, 11]", message: "SECRET-MESSAGE expected 0.125",
                       worst: WorstElement(tensor: "probabilities", index: [8, 10], expected: 0.125, got: 0.5,
                                           absoluteError: 0.375, relativeError: 3, mismatched: 1, total: 99),
                       misconception: softmaxMisconception, studentOutput: "SECRET-PRINTED logits"),
        ])
    }

    static var passingHeInit: ExerciseReport {
        ExerciseReport(id: "he-init", maxScore: 3, status: .passed, message: "All he-init tests passed.", tests: [
            TestReport(name: "linear-fan-in", visibility: .visible, status: .passed, score: 3, maxScore: 3,
                       input: "shape [64, 300].", message: "The sample's mean and variance are as expected.",
                       checks: [StatisticalCheck(name: "variance", statistic: 0.0067, expected: 0.00667,
                                                 lowerBound: 0.006, upperBound: 0.0073, alpha: 0.001)]),
        ])
    }

    static var failingDropout: ExerciseReport {
        ExerciseReport(id: "dropout", maxScore: 4, status: .failed, message: "The dropout tests failed.", tests: [
            TestReport(name: "keep-fraction", visibility: .visible, status: .failed, score: 0, maxScore: 4,
                       input: "input of shape [200, 50], p = 0.9, training.",
                       message: "The fraction of kept units is far from 1 − p = 0.1.",
                       misconception: Misconception(id: "p-as-keep-probability",
                                                    summary: "The code keeps each unit with probability p instead of dropping it with probability p.",
                                                    fix: "Keep a unit when the uniform draw is at least p, and scale survivors by 1/(1 − p)."),
                       checks: [StatisticalCheck(name: "fraction of units kept", statistic: 0.9, expected: 0.1,
                                                 lowerBound: 0.09, upperBound: 0.11, alpha: 0.001),
                                StatisticalCheck(name: "largest mask value", statistic: .infinity, expected: 10,
                                                 lowerBound: -.infinity, upperBound: 10, alpha: 0.001)]),
        ])
    }

    static var compileErrorAdam: ExerciseReport {
        ExerciseReport(id: "adam", maxScore: 4, status: .compileError,
                       message: "Adam.swift does not compile, so its tests were not run.",
                       diagnostics: [Diagnostic(file: "Adam.swift", line: 12, column: 5, severity: "error",
                                                message: "cannot find 'beta' in scope")],
                       tests: [TestReport(name: "one-step", visibility: .visible, status: .skipped, score: 0,
                                          maxScore: 4, input: "", message: "")])
    }

    static var missingConv: ExerciseReport {
        ExerciseReport(id: "conv2d", maxScore: 4, status: .missing,
                       message: "The submission has no Conv2D.swift.", tests: [])
    }

    static func full(name: String = "alice", seed: UInt64 = 42) -> SubmissionReport {
        SubmissionReport(submission: name, assignment: "training-basics", seed: seed,
                         exercises: [failingSoftmax, passingHeInit, failingDropout, compileErrorAdam, missingConv],
                         includesHidden: true, graderVersion: "1.0.0", toolchain: "Swift 6.3.1",
                         sandbox: "bubblewrap",
                         timings: Timings(compileSeconds: 1.5, runSeconds: 0.75, judgeSeconds: 0.1, totalSeconds: 2.4567),
                         notices: ["The file notes.txt was ignored because it is not a Swift file."])
    }

    /// A report with the given per-exercise scores and statuses (tests left empty), for the class-level outputs.
    static func simple(_ name: String, _ entries: [(String, Double, Double, ExerciseStatus)],
                       misconceptions: [String: [String]] = [:]) -> SubmissionReport {
        let exercises = entries.map { id, score, maxScore, status -> ExerciseReport in
            var tests = [TestReport(name: "points", visibility: .visible, status: score == maxScore ? .passed : .failed,
                                    score: score, maxScore: maxScore, input: "", message: "")]
            for misconception in misconceptions[id] ?? [] {
                tests.append(TestReport(name: "m-\(misconception)-\(tests.count)", visibility: .visible, status: .failed,
                                        score: 0, maxScore: 0, input: "", message: "",
                                        misconception: Misconception(id: misconception, summary: "Summary of \(misconception).",
                                                                     fix: "Fix it.")))
            }
            return ExerciseReport(id: id, maxScore: maxScore, status: status, message: "", tests: tests)
        }
        return SubmissionReport(submission: name, assignment: "training-basics", seed: 7, exercises: exercises, includesHidden: false,
                                graderVersion: "1.0.0", toolchain: "Swift 6.3.1", sandbox: "rlimits-only",
                                timings: Timings(), notices: [])
    }

    /// `grading/report.schema.json` of this checkout.
    static var schemaURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("grading/report.schema.json")
    }

    static func validator() throws -> SchemaValidator { try SchemaValidator(schemaURL: schemaURL) }
}
