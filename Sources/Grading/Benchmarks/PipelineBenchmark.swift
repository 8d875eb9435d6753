import Foundation
import GradingCore

/// Times the grading pipeline on generated clean submissions: copies of `Solutions/`, each made distinct by a
/// comment and a renamed local constant so no compile result could be shared between them.
///
/// Two ratios say what the pipeline costs beyond the compiler itself, against the bare
/// `swiftc -Onone -wmo -parse-as-library -c` of the same files (the default assignment's) against the kit's modules:
/// `batch-jobs1-vs-bare-compile` (a clean submission in `batch --jobs 1`, hidden tests included; target ≤ 2) and
/// `check-after-edit-vs-bare-compile` (`grader check` run as a student types it, with the installed binary, after a
/// one-line edit; target ≤ 2.5).
public enum PipelineBenchmark {
    /// The clean submissions of the `--jobs 1` measurement (the batch's wall time per submission is reported).
    static let jobsOneSubmissions = 5

    public static func run(submissions count: Int, jobs: Int) throws -> [[String: Any]] {
        let setup = try GraderSetup.prepare(policy: .preferAllowingFallback)
        let root = setup.environment.packageRoot
        let temp = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("grader-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: temp) }
        let classFolder = temp.appendingPathComponent("class")
        let out = temp.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
        // The default assignment's exercises: what `check` and `batch` grade without --assignment, and so the files
        // the bare compile is measured on.
        let exercises = try setup.manifest.plan().exercises
        let total = Swift.max(count, jobsOneSubmissions)
        for k in 0..<total {
            let folder = classFolder.appendingPathComponent(String(format: "student-%03d", k))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for exercise in exercises {
                let text = try String(contentsOf: root.appendingPathComponent("Solutions/\(exercise.file)"), encoding: .utf8)
                try ("// Submission \(k) of the benchmark class.\nlet benchmarkMarker\(k)_\(exercise.id.replacingOccurrences(of: "-", with: "_")) = \(k)\n" + text)
                    .write(to: folder.appendingPathComponent(exercise.file), atomically: true, encoding: .utf8)
            }
        }
        let grader = try setup.makeGrader()
        let firstStudent = classFolder.appendingPathComponent("student-000")
        let files = exercises.map { firstStudent.appendingPathComponent($0.file) }
        // The bare compile is timed before and after the measurements it is compared with (median of all), so a
        // machine whose speed drifts during the run (a shared virtual machine) moves both sides alike.
        var bareTimes = bareCompileTimes(files: files, setup: setup, scratch: temp)

        // One student's `check` (visible tests, all exercises) through the same pipeline, in this process.
        let checkStart = Date()
        let checkReport = grader.grade(submission: firstStudent, name: "check", options: .init(seed: 1, includeHidden: false))
        let checkSeconds = Date().timeIntervalSince(checkStart)

        // `grader check` as a student runs it: this binary, a fresh process, after a one-line edit.
        let edited = temp.appendingPathComponent("edited")
        try FileManager.default.copyItem(at: firstStudent, to: edited)
        let adam = edited.appendingPathComponent("Adam.swift")
        // Three edits, each followed by a `grader check`; the median is reported.
        var checkTimes: [Double] = []
        for edit in 1...3 {
            try (try String(contentsOf: adam, encoding: .utf8) + "\n// one-line edit \(edit)\n").write(to: adam, atomically: true, encoding: .utf8)
            if let seconds = checkAfterEditSeconds(root: root, exercises: edited) { checkTimes.append(seconds) }
        }
        let checkProcess = checkTimes.isEmpty ? nil : checkTimes.sorted()[checkTimes.count / 2]

        // A clean submission in `batch --jobs 1` (hidden tests included), one at a time.
        let jobsOneClass = temp.appendingPathComponent("class-jobs1")
        try FileManager.default.createDirectory(at: jobsOneClass, withIntermediateDirectories: true)
        for k in 0..<jobsOneSubmissions {
            let name = String(format: "student-%03d", k)
            try FileManager.default.copyItem(at: classFolder.appendingPathComponent(name), to: jobsOneClass.appendingPathComponent(name))
        }
        let jobsOne = try BatchRunner(grader: grader, options: .init(submissions: jobsOneClass, out: temp.appendingPathComponent("out-jobs1"),
                                                                     jobs: 1, seed: 1)).run()
        let perSubmission = jobsOne.seconds / Double(Swift.max(jobsOne.graded, 1))
        bareTimes += bareCompileTimes(files: files, setup: setup, scratch: temp)
        let bare = bareTimes.isEmpty ? .nan : bareTimes.sorted()[bareTimes.count / 2]
        func jobsOneMean(_ path: KeyPath<Timings, Double>) -> Double {
            jobsOne.reports.map { $0.timings[keyPath: path] }.reduce(0, +) / Double(Swift.max(jobsOne.reports.count, 1))
        }

        var lines: [[String: Any]] = [
            ["name": "bare-compile", "seconds": bare, "files": files.count,
             "command": "swiftc -Onone -wmo -parse-as-library -c (the default assignment's exercise files, against the kit's modules)"],
            ["name": "check-all-exercises", "seconds": checkSeconds, "compileSeconds": checkReport.timings.compileSeconds,
             "runSeconds": checkReport.timings.runSeconds, "judgeSeconds": checkReport.timings.judgeSeconds,
             "sandbox": setup.sandbox.kind.rawValue],
            ["name": "batch-jobs1-per-submission", "seconds": perSubmission, "submissions": jobsOne.graded,
             "compileSeconds": jobsOneMean(\.compileSeconds), "runSeconds": jobsOneMean(\.runSeconds),
             "judgeSeconds": jobsOneMean(\.judgeSeconds), "gradeSeconds": jobsOneMean(\.totalSeconds)],
            ["name": "batch-jobs1-vs-bare-compile", "ratio": perSubmission / bare, "target": 2.0, "seconds": 0],
        ]
        if let checkProcess {
            lines.append(["name": "check-after-edit", "seconds": checkProcess, "command": "grader check (installed binary, fresh process)"])
            lines.append(["name": "check-after-edit-vs-bare-compile", "ratio": checkProcess / bare, "target": 2.5, "seconds": 0])
        }

        if count > 0 {
            let runner = BatchRunner(grader: grader, options: .init(submissions: classFolder, out: out, jobs: jobs, seed: 1))
            let result = try runner.run()
            let perfect = result.reports.filter { $0.score == $0.maxScore }.count
            func mean(_ path: KeyPath<Timings, Double>) -> Double {
                result.reports.map { $0.timings[keyPath: path] }.reduce(0, +) / Double(Swift.max(result.reports.count, 1))
            }
            lines += [
                ["name": "batch", "seconds": result.seconds, "submissions": result.graded, "jobs": jobs,
                 "submissionsPerMinute": Double(result.graded) / Swift.max(result.seconds, 0.001) * 60,
                 "fullMarks": perfect, "sandbox": setup.sandbox.kind.rawValue],
                ["name": "batch-per-submission", "seconds": mean(\.totalSeconds), "compileSeconds": mean(\.compileSeconds),
                 "runSeconds": mean(\.runSeconds), "judgeSeconds": mean(\.judgeSeconds)],
            ]
        }
        return lines
    }

    /// Three bare compiles of `files` (no drivers, no link, no sandbox) to an object file, in seconds each.
    static func bareCompileTimes(files: [URL], setup: GraderSetup, scratch: URL) -> [Double] {
        let arguments = [setup.environment.swiftc, "-Onone", "-wmo", "-parse-as-library", "-module-name", "Submission"]
            + KitBuilder.commonFlags(kit: setup.kit, environment: setup.environment)
            + ["-c", "-o", scratch.appendingPathComponent("bare.o").path] + files.map(\.path)
        return (0..<3).compactMap { _ in ChildProcess.wallSeconds(arguments, timeout: 120) }
    }

    /// Wall time of `grader check` in a fresh process of this very binary (what `make install` puts on PATH),
    /// grading `exercises` instead of the working copy; nil when this binary cannot be found.
    static func checkAfterEditSeconds(root: URL, exercises: URL) -> Double? {
        guard let binary = Bundle.main.executablePath, binary.hasSuffix("/grader") else { return nil }
        var environment = ProcessInfo.processInfo.environment
        environment["GRADER_EXERCISES"] = exercises.path
        environment["NO_COLOR"] = "1"
        return ChildProcess.wallSeconds(["/bin/sh", "-c", "cd \(Sandbox.shellQuote(root.path)) && exec \"$0\" check", binary],
                                        environment: environment, outputCap: 256 * 1024, timeout: 300)
    }
}
