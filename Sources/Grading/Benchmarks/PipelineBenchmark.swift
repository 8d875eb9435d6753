import Foundation
import GradingCore

/// Times the grading pipeline on generated clean submissions: copies of `Solutions/`, each made distinct by a
/// comment and a renamed local constant so no compile result could be shared between them.
public enum PipelineBenchmark {
    public static func run(submissions count: Int, jobs: Int) throws -> [[String: Any]] {
        let setup = try GraderSetup.prepare(policy: .preferAllowingFallback)
        let root = setup.environment.packageRoot
        let temp = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("grader-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: temp) }
        let classFolder = temp.appendingPathComponent("class")
        let out = temp.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
        for k in 0..<count {
            let folder = classFolder.appendingPathComponent(String(format: "student-%03d", k))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for exercise in setup.manifest.exercises {
                let text = try String(contentsOf: root.appendingPathComponent("Solutions/\(exercise.file)"), encoding: .utf8)
                try ("// Submission \(k) of the benchmark class.\nlet benchmarkMarker\(k)_\(exercise.id.replacingOccurrences(of: "-", with: "_")) = \(k)\n" + text)
                    .write(to: folder.appendingPathComponent(exercise.file), atomically: true, encoding: .utf8)
            }
        }
        let grader = try setup.makeGrader()

        // One student's `check` (visible tests, all exercises) through the same pipeline.
        let checkStart = Date()
        let checkReport = grader.grade(submission: classFolder.appendingPathComponent("student-000"), name: "check",
                                       options: .init(seed: 1, includeHidden: false))
        let checkSeconds = Date().timeIntervalSince(checkStart)

        let runner = BatchRunner(grader: grader, options: .init(submissions: classFolder, out: out, jobs: jobs, seed: 1))
        let result = try runner.run()
        let perfect = result.reports.filter { $0.score == $0.maxScore }.count
        func mean(_ path: KeyPath<Timings, Double>) -> Double {
            result.reports.map { $0.timings[keyPath: path] }.reduce(0, +) / Double(Swift.max(result.reports.count, 1))
        }
        return [
            ["name": "check-all-exercises", "seconds": checkSeconds, "compileSeconds": checkReport.timings.compileSeconds,
             "runSeconds": checkReport.timings.runSeconds, "judgeSeconds": checkReport.timings.judgeSeconds,
             "sandbox": setup.sandbox.kind.rawValue],
            ["name": "batch", "seconds": result.seconds, "submissions": result.graded, "jobs": jobs,
             "submissionsPerMinute": Double(result.graded) / Swift.max(result.seconds, 0.001) * 60,
             "fullMarks": perfect, "sandbox": setup.sandbox.kind.rawValue],
            ["name": "batch-per-submission", "seconds": mean(\.totalSeconds), "compileSeconds": mean(\.compileSeconds),
             "runSeconds": mean(\.runSeconds), "judgeSeconds": mean(\.judgeSeconds)],
        ]
    }
}
