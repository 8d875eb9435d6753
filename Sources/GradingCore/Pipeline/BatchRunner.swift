import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `grader batch`: grades every submission in a folder, `jobs` at a time, and writes per-submission
/// `report.json` and `results.json` plus the class's `grades.csv`.
///
/// Nothing is lost: each file is written atomically (temporary file, fsync, rename), and `report.json` is written
/// last, so its presence marks a finished submission. A batch killed at any moment and started again with the same
/// arguments skips the finished ones (same assignment, seed, test set and manifest) and grades the rest. Each report
/// records the digest of the manifest it was graded against; a report of another manifest is removed before
/// grading starts, so it is graded again.
///
/// With a `shard`, only that slice of the class is graded and `OUT/shards/I-of-N.json` is written instead of
/// `grades.csv` (shards share OUT; `grader merge` makes the gradebook). With `only` or `regradeExercises`, the named
/// students (or exercises) are graded again whatever their reports say, and a regraded exercise replaces its part of
/// the student's report, which records the regrade (`SubmissionReport.regraded`); the gradebook is then rebuilt from
/// every report in OUT by the caller.
public final class BatchRunner: Sendable {
    public struct Options: Sendable {
        public var submissions: URL
        public var out: URL
        public var jobs: Int
        public var seed: UInt64
        public var includeHidden: Bool
        /// The assignment to grade (the manifest's first when nil).
        public var assignment: String?
        /// Record each exercise's pictures of the student's code in the reports (see `SubmissionGrader.Options`).
        public var figures = false
        /// The slice of the class to grade (all of it when nil).
        public var shard: Shard?
        /// Regrade these submissions (folder names in OUT) only.
        public var only: [String]?
        /// Regrade these exercises only, keeping the rest of each report.
        public var regradeExercises: [String]?
        /// The instructor's words on why, added to each regrade's reason.
        public var regradeNote: String?
        /// The course secret and whether hidden inputs are per student (see `SubmissionGrader.Options`).
        public var hiddenSecret: CourseSecret?
        public var perStudentInputs = false
        public init(submissions: URL, out: URL, jobs: Int, seed: UInt64, includeHidden: Bool = true, assignment: String? = nil,
                    shard: Shard? = nil, only: [String]? = nil, regradeExercises: [String]? = nil, regradeNote: String? = nil) {
            self.submissions = submissions
            self.out = out
            self.jobs = jobs
            self.seed = seed
            self.includeHidden = includeHidden
            self.assignment = assignment
            self.shard = shard
            self.only = only
            self.regradeExercises = regradeExercises
            self.regradeNote = regradeNote
        }

        /// A regrade: named students or exercises, graded again whatever their reports say.
        public var isRegrade: Bool { only != nil || regradeExercises != nil }
    }

    public struct Result: Sendable {
        public var reports: [SubmissionReport]
        public var graded: Int
        public var resumed: Int
        public var seconds: Double
        /// Whether reports of an earlier run were set aside because the manifest changed since.
        public var manifestChanged: Bool
        /// The shard's record, when a shard was graded.
        public var shardRecord: ShardRecord?
    }

    public enum BatchError: Error, CustomStringConvertible {
        case notAFolder(String)
        case empty(String)
        case unknownStudents([String], known: [String])
        case regradeMismatch(student: String, what: String, report: String, asked: String)
        public var description: String {
            switch self {
            case let .notAFolder(path): return "The submissions folder \(path) does not exist or is not a folder."
            case let .empty(path): return "The submissions folder \(path) holds no submissions (subfolders or .zip files)."
            case let .unknownStudents(names, known):
                return "No submission is named \(names.joined(separator: ", ")); the submissions are: \(known.joined(separator: ", "))."
            case let .regradeMismatch(student, what, report, asked):
                return "\(student)'s report was graded with \(what) \(report), but this regrade asks for \(asked); a regrade must keep the \(what) of the class (pass it explicitly), or grade the whole class again."
            }
        }
    }

    let grader: SubmissionGrader
    let options: Options
    /// Called with (done, total, name) after each submission, from the job's thread; calls never overlap and
    /// `done` counts up by one from call to call.
    let progress: (@Sendable (Int, Int, String) -> Void)?

    public init(grader: SubmissionGrader, options: Options, progress: (@Sendable (Int, Int, String) -> Void)? = nil) {
        self.grader = grader
        self.options = options
        self.progress = progress
    }

    /// The submissions in a folder: subfolders and `.zip` files, sorted by name, with output-safe unique names.
    public static func listSubmissions(in folder: URL, excluding out: URL) throws -> [(url: URL, name: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BatchError.notAFolder(folder.path)
        }
        let outPath = out.standardizedFileURL.resolvingSymlinksInPath().path
        var used = Set<String>()
        var result: [(URL, String)] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where !entry.hasPrefix(".") {
            let url = folder.appendingPathComponent(entry)
            if url.standardizedFileURL.resolvingSymlinksInPath().path == outPath { continue }
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            let isZip = entry.lowercased().hasSuffix(".zip") && type == S_IFREG
            guard type == S_IFDIR || type == S_IFLNK || isZip else { continue }
            let name = outputName(for: isZip ? String(entry.dropLast(4)) : entry)
            var unique = name, k = 2
            while used.contains(unique) { unique = "\(name)-\(k)"; k += 1 }
            used.insert(unique)
            result.append((url, unique))
        }
        guard !result.isEmpty else { throw BatchError.empty(folder.path) }
        return result
    }

    /// The folder name in OUT for a submission's file or folder name: ASCII letters, digits, `.`, `_` and `-` kept,
    /// anything else `_`, never hidden. The gradebook export matches roster entries through the same mapping.
    public static func outputName(for entry: String) -> String {
        var name = String(entry.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return name
    }

    public func run() throws -> Result {
        let start = Date()
        let gradeOptions = SubmissionGrader.Options(seed: options.seed, includeHidden: options.includeHidden,
                                                    assignment: options.assignment, figures: options.figures,
                                                    hiddenSecret: options.hiddenSecret, perStudentInputs: options.perStudentInputs)
        let plan = try grader.plan(gradeOptions)
        let everyone = try Self.listSubmissions(in: options.submissions, excluding: options.out)
        var submissions = everyone
        if let only = options.only {
            let unknown = only.filter { name in !everyone.contains { $0.name == name } }
            guard unknown.isEmpty else { throw BatchError.unknownStudents(unknown, known: everyone.map(\.name)) }
            submissions = everyone.filter { only.contains($0.name) }
        }
        if let shard = options.shard { submissions = submissions.filter { shard.contains($0.name) } }
        try FileManager.default.createDirectory(at: options.out, withIntermediateDirectories: true)
        Self.removeInterruptedWrites(in: options.out)
        let digest = grader.manifest.digest
        var reports = [SubmissionReport?](repeating: nil, count: submissions.count)
        var pending: [Int] = []
        var manifestChanged = false
        var regrade: Regrading?
        if options.isRegrade {
            regrade = try Regrading(runner: self, plan: plan, gradeOptions: gradeOptions, names: submissions.map(\.name), digest: digest)
            pending = Array(submissions.indices)
        } else {
            manifestChanged = try Self.forgetReports(gradedAgainstAnotherManifestThan: digest, in: options.out,
                                                     names: submissions.map(\.name))
            for (index, submission) in submissions.enumerated() {
                if let done = finishedReport(name: submission.name, assignment: plan.assignment), done.hiddenSeed?.id
                    == gradeOptions.hiddenSeed(assignment: plan.assignment, submission: submission.name)?.id {
                    reports[index] = done
                } else { pending.append(index) }
            }
        }
        let resumed = submissions.count - pending.count
        let (selected, regrading) = (submissions, regrade)
        let queue = BatchQueue(pending: pending, reports: reports)
        let jobs = Swift.max(1, Swift.min(options.jobs, pending.count))
        let finished = DispatchGroup()
        for slot in 0..<jobs {
            finished.enter()
            // One thread per job slot: each slot has its own sandbox uid, so slots never share a process count.
            Thread.detachNewThread { [self] in
                defer { finished.leave() }
                while let index = queue.next() {
                    let submission = selected[index]
                    var report: SubmissionReport
                    if let regrade = regrading, let earlier = regrade.earlier[submission.name] {
                        var partial = gradeOptions
                        partial.exercises = options.regradeExercises
                        report = grader.grade(submission: submission.url, name: submission.name, options: partial, slot: slot)
                        report = regrade.splice(report, into: earlier)
                    } else {
                        report = grader.grade(submission: submission.url, name: submission.name, options: gradeOptions, slot: slot)
                    }
                    write(report, name: submission.name)
                    queue.finish(index, with: report) { done in progress?(done, selected.count, submission.name) }
                }
            }
        }
        finished.wait()
        let all = queue.reports.compactMap { $0 }
        var record: ShardRecord?
        if let shard = options.shard {
            // Shards share OUT: each writes only its own students and its record; `grader merge` writes grades.csv.
            let made = ShardRecord(shard: shard.index, shards: shard.count, scheme: ShardRecord.scheme,
                                   assignment: plan.assignment, seed: options.seed, includesHidden: options.includeHidden,
                                   manifestDigest: digest, graderVersion: GraderEnvironment.graderVersion,
                                   students: submissions.map(\.name).sorted(), submissionCount: everyone.count,
                                   graded: pending.count, resumed: resumed, finishedAt: Self.timestamp(),
                                   host: ProcessInfo.processInfo.hostName)
            try ReportIO.write(made, to: ShardRecord.url(in: options.out, for: shard))
            record = made
        } else if !options.isRegrade {
            try Self.writeClassFiles(reports: all, exerciseIDs: plan.exercises.map(\.id), to: options.out)
        }
        return Result(reports: all, graded: pending.count, resumed: resumed, seconds: Date().timeIntervalSince(start),
                      manifestChanged: manifestChanged, shardRecord: record)
    }

    /// The class-level files made from the reports: `grades.csv`. `grader merge` writes them the same way.
    public static func writeClassFiles(reports: [SubmissionReport], exerciseIDs: [String], to out: URL) throws {
        let csv = GradesCSV.make(reports: reports, exerciseIDs: exerciseIDs)
        try ReportIO.writeAtomically(Data(csv.utf8), to: out.appendingPathComponent("grades.csv"))
    }

    /// Now, as ISO 8601 in UTC (what reports and shard records write).
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// A batch killed in the middle of an atomic write leaves its hidden temporary file (`.report.json.<uuid>.tmp`)
    /// behind; the report itself is either absent or whole. Clear those leftovers before grading again.
    static func removeInterruptedWrites(in out: URL) {
        let fm = FileManager.default
        let folders = [out] + ((try? fm.contentsOfDirectory(at: out, includingPropertiesForKeys: nil)) ?? [])
        for folder in folders {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                try? fm.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    /// Reports graded against another manifest (other tests, points or tolerances) must not be reused: removes the
    /// finished reports of `names` that do not record `digest` (reports of an older grader record none). Only those
    /// names', so shards sharing OUT never touch each other's students. Returns whether any report was removed.
    static func forgetReports(gradedAgainstAnotherManifestThan digest: String, in out: URL, names: [String]) throws -> Bool {
        struct Recorded: Decodable { var manifestDigest: String? }
        var removed = false
        for name in names {
            let report = out.appendingPathComponent(name).appendingPathComponent("report.json")
            guard let data = try? Data(contentsOf: report) else { continue }
            guard (try? JSONDecoder().decode(Recorded.self, from: data))?.manifestDigest != digest else { continue }
            try FileManager.default.removeItem(at: report)
            removed = true
        }
        return removed
    }

    func folder(for name: String) -> URL { options.out.appendingPathComponent(name) }

    /// A finished report from an earlier run with the same assignment, seed and test set, if there is one (reports
    /// of another manifest were removed before this is asked).
    private func finishedReport(name: String, assignment: String) -> SubmissionReport? {
        let url = folder(for: name).appendingPathComponent("report.json")
        guard let data = try? Data(contentsOf: url),
              let report = try? ReportIO.decoder().decode(SubmissionReport.self, from: data),
              report.assignment == assignment, report.seed == options.seed, report.includesHidden == options.includeHidden,
              report.graderVersion == GraderEnvironment.graderVersion, report.manifestDigest == grader.manifest.digest,
              !options.figures || report.exercises.allSatisfy({ $0.figures != nil || ![.passed, .partial, .failed].contains($0.status) }),
              FileManager.default.fileExists(atPath: folder(for: name).appendingPathComponent("results.json").path)
        else { return nil }
        return report
    }

    private func write(_ report: SubmissionReport, name: String) {
        let directory = folder(for: name)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try ReportIO.write(GradescopeResults(report: report), to: directory.appendingPathComponent("results.json"))
            try ReportIO.write(report, to: directory.appendingPathComponent("report.json"))
        } catch {
            FileHandle.standardError.write(Data("Could not write the reports for \(name): \(error)\n".utf8))
        }
    }
}

/// What the job threads of one batch share: the submissions still to grade, the reports so far and how many are
/// done. One mutex guards all of it, and progress is reported while holding it, so reports come out in order.
final class BatchQueue: Sendable {
    private struct State {
        var pending: [Int]
        var next = 0
        var reports: [SubmissionReport?]
        var done: Int
    }
    private let state: Mutex<State>

    /// `reports` holds the finished reports of earlier runs (nil where a submission is pending).
    init(pending: [Int], reports: [SubmissionReport?]) {
        state = Mutex(State(pending: pending, reports: reports, done: reports.count - pending.count))
    }

    /// The next submission to grade (an index into the batch's list), or nil when every one has been handed out.
    func next() -> Int? {
        state.withLock { state in
            guard state.next < state.pending.count else { return nil }
            defer { state.next += 1 }
            return state.pending[state.next]
        }
    }

    /// Records a finished report and calls `announce` with the number of submissions now done.
    func finish(_ index: Int, with report: SubmissionReport, announce: (Int) -> Void) {
        state.withLock { state in
            state.reports[index] = report
            state.done += 1
            announce(state.done)
        }
    }

    var reports: [SubmissionReport?] { state.withLock { $0.reports } }
}
