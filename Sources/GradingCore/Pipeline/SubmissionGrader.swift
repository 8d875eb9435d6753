import Foundation
import Synchronization
import TensorKit
import WorkerKit
#if canImport(Glibc)
import Glibc
#endif

/// Grades one submission: intake → sandboxed compile → sandboxed runs → trusted judging → report.
///
/// This is the one pipeline: `grader check` is a batch of one over the working copy's `Exercises/`, so a student
/// sees exactly the verdict the instructor's batch will give for the same files and seed.
public final class SubmissionGrader: Sendable {
    public let environment: GraderEnvironment
    public let manifest: Manifest
    public let graders: [any GradableExercise]
    public let kit: Kit
    public let sandbox: Sandbox
    let workRoot: URL

    public struct Options: Sendable {
        public var seed: UInt64
        public var includeHidden: Bool
        /// Exercise ids to grade (all of the assignment's when nil); see `Manifest.plan`.
        public var exercises: [String]?
        /// The assignment to grade (the manifest's first when nil).
        public var assignment: String?
        /// Also gather each exercise's pictures of the student's code (`GradableExercise.figureProbes`) and record
        /// them in the report, for the HTML report.
        public var figures: Bool
        /// The course secret: hidden tests then take their inputs from a seed derived from it (`HiddenSeed`)
        /// instead of from `seed`. Without it, hidden tests use `seed` like the visible ones.
        public var hiddenSecret: CourseSecret?
        /// With a secret: derive each submission's hidden seed from its name as well (per-student inputs).
        public var perStudentInputs: Bool
        public init(seed: UInt64, includeHidden: Bool, exercises: [String]? = nil, assignment: String? = nil,
                    figures: Bool = false, hiddenSecret: CourseSecret? = nil, perStudentInputs: Bool = false) {
            self.seed = seed
            self.includeHidden = includeHidden
            self.exercises = exercises
            self.assignment = assignment
            self.figures = figures
            self.hiddenSecret = hiddenSecret
            self.perStudentInputs = perStudentInputs
        }

        /// The hidden tests' seed for submission `name` of `assignment` (nil: they use `seed`).
        public func hiddenSeed(assignment: String, submission name: String) -> HiddenSeed? {
            guard includeHidden, let hiddenSecret else { return nil }
            return HiddenSeed.derive(secret: hiddenSecret, assignment: assignment, student: perStudentInputs ? name : nil)
        }
    }

    public init(environment: GraderEnvironment, manifest: Manifest, graders: [any GradableExercise], kit: Kit,
                sandbox: Sandbox) throws {
        self.environment = environment
        self.manifest = manifest
        self.graders = graders
        self.kit = kit
        self.sandbox = sandbox
        // Work folders: root-owned, searchable but not listable by the sandboxed uids.
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("training-grader-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        chmod(base.path, 0o711)
        workRoot = base
    }

    /// GRADER_KEEP_WORK=1 keeps the work folders (sources, drivers, worker binaries) for debugging the grader.
    static let keepWork = ProcessInfo.processInfo.environment["GRADER_KEEP_WORK"] == "1"

    deinit { removeWorkFolders() }

    /// Removes every work folder of this grader (as deinit does); for a grader that is interrupted and will not be
    /// deinitialised (`Interruption`).
    public func removeWorkFolders() {
        if !Self.keepWork { try? FileManager.default.removeItem(at: workRoot) }
    }

    /// The exercises graded, in manifest order.
    var exerciseFiles: [(id: String, file: String)] { manifest.exercises.map { ($0.id, $0.file) } }

    /// What `options` grade: the assignment and its exercises. Throws `AssignmentError` for an unknown assignment
    /// or exercise; commands call this before grading, so `grade` never meets one.
    public func plan(_ options: Options) throws -> GradingPlan {
        try manifest.plan(assignment: options.assignment, exercises: options.exercises)
    }

    /// Grades a submission folder or `.zip` file. `options` must be plannable (see `plan`).
    public func grade(submission: URL, name: String, options: Options, slot: Int = 0) -> SubmissionReport {
        let start = Date()
        let plan: GradingPlan
        do { plan = try self.plan(options) } catch {
            preconditionFailure("grade(submission:) was called with options that do not plan: \(error)")
        }
        let work = workRoot.appendingPathComponent("job\(slot)-\(UUID().uuidString.prefix(8))")
        Interruption.createWorkFolder(work)
        chmod(work.path, 0o755)
        defer { if !Self.keepWork { try? FileManager.default.removeItem(at: work) } }

        var notices: [String] = []
        var folder = submission
        var info = stat()
        if lstat(submission.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            let message = "The submission is a symbolic link, so nothing in it was read."
            return makeReport(name: name, assignment: plan.assignment, options: options,
                              exercises: plan.exercises.map { Self.skippedExercise($0, options, .rejected, message) },
                              notices: ["The submission \(name) is a symbolic link and was refused; submit a folder or a .zip file."],
                              timings: Timings(totalSeconds: Date().timeIntervalSince(start)))
        }
        if submission.pathExtension.lowercased() == "zip" {
            let extracted = ZipExtractor.extract(zip: submission, into: work.appendingPathComponent("unzipped"), sandbox: sandbox, slot: slot)
            if let refusal = extracted.refusal {
                return makeReport(name: name, assignment: plan.assignment, options: options,
                                  exercises: plan.exercises.map { Self.skippedExercise($0, options, .rejected, refusal) },
                                  notices: extracted.notices + [refusal],
                                  timings: Timings(totalSeconds: Date().timeIntervalSince(start)))
            }
            folder = extracted.folder
            notices += extracted.notices
        }
        let intake = Intake.read(folder: folder, exerciseFiles: exerciseFiles)
        notices += intake.notices

        var compiler = SubmissionCompiler(environment: environment, kit: kit, sandbox: sandbox,
                                          exerciseFiles: exerciseFiles, limits: manifest.defaults)
        compiler.interfaces = Dictionary(uniqueKeysWithValues: graders.map { ($0.id, $0.functions) })
        compiler.graded = Set(plan.exercises.map(\.id))
        let anythingToCompile = plan.exercises.contains { intake.exerciseSources[$0.id] != nil }
        let compiled = anythingToCompile ? compiler.compile(intake: intake, workDirectory: work, slot: slot) : SubmissionCompiler.Outcome()
        notices += compiled.notices

        var runSeconds = 0.0, judgeSeconds = 0.0
        var exercises: [ExerciseReport] = []
        // One worker serves the exercises in turn while it stays clean (see WorkerSession); its CPU limit covers
        // every test it may run.
        let session = compiled.binary.map { WorkerSession(binary: $0, sandbox: sandbox, slot: slot, limits: manifest.defaults) }
        session?.keepAcrossExercises = true
        session?.cpuSecondsForAll = plan.exercises.flatMap { Self.specs($0, options) }
            .reduce(0) { $0 + ($1.timeLimitSeconds ?? manifest.defaults.timeLimitSeconds) }
            + (options.figures ? plan.exercises.reduce(0) { total, exercise in
                total + (graders.first { $0.id == exercise.id }?.figureProbes(seed: options.seed) ?? []).reduce(0) { $0 + $1.timeLimitSeconds }
            } : 0)
        session?.replyLimit = replyLimit
        defer { session?.close() }
        let judging = DispatchGroup()
        let judged = Mutex<[(index: Int, report: ExerciseReport, seconds: Double)]>([])
        for exercise in plan.exercises {
            let specs = Self.specs(exercise, options)
            let maxScore = specs.reduce(0) { $0 + $1.points }
            func skipped(_ status: ExerciseStatus, _ message: String, _ diagnostics: [Diagnostic] = []) -> ExerciseReport {
                Self.skippedExercise(exercise, options, status, message, diagnostics)
            }
            if let reason = intake.rejected[exercise.id] {
                exercises.append(skipped(.rejected, reason)); continue
            }
            guard intake.exerciseSources[exercise.id] != nil else {
                exercises.append(skipped(.missing, "\(exercise.file) is missing from the submission (looked at its top level and under Exercises/).")); continue
            }
            if let failure = compiled.failures[exercise.id] {
                exercises.append(skipped(.compileError, failure.message, failure.diagnostics)); continue
            }
            guard let session, let grader = graders.first(where: { $0.id == exercise.id }) else {
                exercises.append(skipped(.compileError, "The submission could not be compiled.")); continue
            }
            // Each grader derives every test's own inputs from the run's seed and the test's name (TestSeeds); hidden
            // tests from the secret's seed when there is one.
            let hidden = options.hiddenSeed(assignment: plan.assignment, submission: name)
            let tests = specs.map { grader.makeTest(spec: $0, seed: $0.visibility == .hidden ? hidden?.seed ?? options.seed : options.seed) }
            let runStart = Date()
            let runs = session.run(tests: tests)
            runSeconds += Date().timeIntervalSince(runStart)
            guard options.figures else {
                // Judging is computation on the replies alone: it runs beside the worker's next exercise (on the
                // other core) instead of before it, and the report takes its place in order below.
                let index = exercises.count
                exercises.append(skipped(.compileError, "This exercise was not judged."))
                DispatchQueue.global().async(group: judging) {
                    let result = Self.judge(id: exercise.id, maxScore: maxScore, tests: tests, runs: runs)
                    judged.withLock { $0.append((index, result.report, result.seconds)) }
                }
                continue
            }
            let result = Self.judge(id: exercise.id, maxScore: maxScore, tests: tests, runs: runs)
            var report = result.report
            judgeSeconds += result.seconds
            // Pictures only of code that answered at least one test (a stub or a crash has nothing to show) and
            // never made one time out (a hang should cost its time limit once, not again for the pictures).
            if runs.contains(where: { $0.replies != nil })
                && !runs.contains(where: { if case .timedOut = $0.outcome { return true } else { return false } }) {
                let probeStart = Date()
                report.figures = grader.figureProbes(seed: options.seed).flatMap { probe in
                    let (replies, failure) = session.run(probe: probe)
                    return probe.draw(ProbeOutcome(replies: replies, failure: failure, tests: tests,
                                                   testReplies: runs.map(\.replies), testReports: report.tests))
                }
                runSeconds += Date().timeIntervalSince(probeStart)
            }
            exercises.append(report)
        }
        judging.wait()
        for (index, report, seconds) in judged.withLock({ $0 }) {
            exercises[index] = report
            judgeSeconds += seconds
        }
        return makeReport(name: name, assignment: plan.assignment, options: options, exercises: exercises, notices: notices,
                          timings: Timings(compileSeconds: compiled.seconds, runSeconds: runSeconds, judgeSeconds: judgeSeconds,
                                           totalSeconds: Date().timeIntervalSince(start)))
    }

    /// The exercise's report from its tests' runs (`judgeExercise` on the replies, then each test's report), and the
    /// seconds judging took.
    static func judge(id: String, maxScore: Double, tests: [TestCase],
                      runs: [WorkerSession.TestRun]) -> (report: ExerciseReport, seconds: Double) {
        let start = Date()
        let judgements = judgeExercise(tests, replies: runs.map(\.replies))
        let reports = tests.indices.map { testReport(test: tests[$0], run: runs[$0], judgement: judgements[$0]) }
        return (exerciseReport(id: id, maxScore: maxScore, tests: reports), Date().timeIntervalSince(start))
    }

    /// The tests of `exercise` this run includes (visible only, unless hidden tests were asked for).
    static func specs(_ exercise: ExerciseManifest, _ options: Options) -> [TestSpec] {
        exercise.tests.filter { options.includeHidden || $0.visibility == .visible }
    }

    /// An exercise that could not run: every test skipped with the same reason, no points.
    static func skippedExercise(_ exercise: ExerciseManifest, _ options: Options, _ status: ExerciseStatus, _ message: String,
                                _ diagnostics: [Diagnostic] = []) -> ExerciseReport {
        let specs = specs(exercise, options)
        return ExerciseReport(id: exercise.id, maxScore: specs.reduce(0) { $0 + $1.points }, status: status, message: message,
                              diagnostics: diagnostics,
                              tests: specs.map { TestReport(name: $0.name, visibility: $0.visibility, status: .skipped, score: 0,
                                                            maxScore: $0.points, input: "", message: message) })
    }

    private func makeReport(name: String, assignment: String, options: Options, exercises: [ExerciseReport], notices: [String],
                            timings: Timings) -> SubmissionReport {
        var report = SubmissionReport(submission: name, assignment: assignment, seed: options.seed, exercises: exercises,
                                      includesHidden: options.includeHidden,
                                      graderVersion: GraderEnvironment.graderVersion, toolchain: environment.toolchainVersion,
                                      sandbox: sandbox.kind.rawValue, timings: timings, notices: notices)
        report.manifestDigest = manifest.digest
        report.hiddenSeed = options.hiddenSeed(assignment: assignment, submission: name).map {
            HiddenSeedRecord(id: $0.id, student: $0.student)
        }
        return report
    }

    /// The largest reply the grader reads for a call: what the exercise declaring the call's function says a
    /// correct answer can hold (`ExerciseFunction.replySize`), or a fixed bound for a call no exercise declares.
    var replyLimit: @Sendable (WorkerCall) -> Int { Self.replyLimit(for: graders) }

    /// The reply limit for calls to the functions `exercises` declare.
    public static func replyLimit(for exercises: [any GradableExercise]) -> @Sendable (WorkerCall) -> Int {
        let functions = Dictionary(exercises.flatMap { $0.functions.map { ($0.wireName, $0) } }) { first, _ in first }
        return { call in
            guard let function = functions[call.function] else { return WorkerCall.undeclaredReplyLimit }
            let size = function.replySize(call)
            return WorkerCall.replyLimit(elements: size.elements, tensors: size.tensors)
        }
    }

    /// `judgement` is the test's verdict on the run's replies (from `judgeExercise`), nil where there were none.
    static func testReport(test: TestCase, run: WorkerSession.TestRun, judgement: Judgement?) -> TestReport {
        let spec = test.spec
        func make(_ status: TestStatus, _ message: String, _ judgement: Judgement? = nil) -> TestReport {
            TestReport(name: spec.name, visibility: spec.visibility, status: status,
                       score: (judgement?.fraction ?? 0) * spec.points, maxScore: spec.points, input: test.summary,
                       message: message, tolerance: judgement?.tolerance, worst: judgement?.worst,
                       misconception: judgement?.misconception, checks: judgement?.checks ?? [],
                       seconds: run.seconds, studentOutput: run.output)
        }
        switch run.outcome {
        case let .replies(replies):
            let judgement = judgement ?? test.judge(replies)
            return make(judgement.passed ? .passed : .failed, judgement.message, judgement)
        case let .notImplemented(message): return make(.notImplemented, message)
        case let .crashed(message): return make(.crashed, message)
        case let .protocolError(message): return make(.crashed, message)
        case let .invalidReply(message): return make(.failed, message)
        case let .timedOut(limit):
            return make(.timedOut, "The code did not return within the test's time limit of \(DisplayFormat.seconds(limit)) seconds (an infinite loop, a sleep, or far too much work for this input)."
                + (run.note.map { " " + $0 } ?? ""))
        }
    }

    static func exerciseReport(id: String, maxScore: Double, tests: [TestReport]) -> ExerciseReport {
        let score = tests.reduce(0) { $0 + $1.score }
        let count = { (s: TestStatus) in tests.filter { $0.status == s }.count }
        let status: ExerciseStatus
        let message: String
        if !tests.isEmpty && count(.passed) == tests.count {
            status = .passed
            message = tests.count == 1 ? "The one test passed." : "All \(tests.count) tests passed."
        } else if !tests.isEmpty && count(.notImplemented) == tests.count {
            status = .notImplemented
            message = "Not implemented yet: the code still calls notImplemented()."
        } else if score > 0 {
            status = .partial
            message = "\(count(.passed)) of \(DisplayFormat.count(tests.count, "test")) passed; \(DisplayFormat.points(score)) of \(DisplayFormat.points(maxScore)) points."
        } else if count(.timedOut) > 0 {
            status = .timedOut
            message = "\(count(.timedOut)) of \(tests.count) tests ran past their time limit and none earned points."
        } else if count(.crashed) > 0 {
            status = .crashed
            message = "\(count(.crashed)) of \(tests.count) tests crashed and none earned points."
        } else if count(.notImplemented) > 0 && count(.failed) == 0 {
            status = .notImplemented
            message = "Not implemented yet: the code still calls notImplemented()."
        } else {
            status = .failed
            message = tests.count == 1 ? "The one test failed." : "None of the \(tests.count) tests passed."
        }
        return ExerciseReport(id: id, maxScore: maxScore, status: status, message: message, tests: tests)
    }
}

extension WorkerSession.TestRun {
    /// The replies, for a run that produced them.
    var replies: [WorkerReply]? {
        if case let .replies(replies) = outcome { return replies }
        return nil
    }
}
