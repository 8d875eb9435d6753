import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One Gradescope submission, graded inside Gradescope's container (`grader gradescope run`, called by the bundle's
/// `run_autograder`): the same pipeline as `batch`, plus what that container needs.
///
/// Gradescope runs everything as root in a Docker container whose default seccomp profile usually forbids the
/// namespaces bubblewrap needs. Student code must still never run as root or see the grader's files, so before
/// anything runs `/autograder` (and in it `source`, which holds the solutions, the reference and the course
/// secret, and `results`) is closed to every other user (mode 0700), and student code runs either in bubblewrap or,
/// when bubblewrap cannot be used, as an unprivileged uid with resource limits (`Sandbox.rlimitsOnly`, which refuses
/// to run as root). Which of the two was used is written into `results.json`; it is never left to be assumed.
/// `results.json` is written last by the grader's own process, after every student process has ended.
public struct GradescopeRun {
    public let root: URL
    public let exercises: [any GradableExercise]

    public var source: URL { root.appendingPathComponent("source") }
    public var submission: URL { root.appendingPathComponent("submission") }
    public var resultsFolder: URL { root.appendingPathComponent("results") }
    public var metadataURL: URL { root.appendingPathComponent("submission_metadata.json") }

    public init(root: URL, exercises: [any GradableExercise]) {
        self.root = root
        self.exercises = exercises
    }

    /// What the bundle says beside the sources (`grader gradescope bundle` writes it).
    public struct Config: Codable, Sendable {
        public var assignment: String?
        public var seed: UInt64
        public var perStudentInputs: Bool
        public static let fileName = "gradescope-config.json"
        public static let secretFileName = "hidden-secret"
        public init(assignment: String?, seed: UInt64, perStudentInputs: Bool) {
            self.assignment = assignment
            self.seed = seed
            self.perStudentInputs = perStudentInputs
        }
    }

    /// What `submission_metadata.json` tells the grader: who submitted (the key per-student inputs derive from) and
    /// when.
    public struct Metadata: Sendable, Equatable {
        /// The first user's Gradescope id, else their email, else "submission".
        public var student: String
        public var createdAt: String?
        public var submissionID: String?

        public static func read(_ url: URL) -> Metadata {
            guard let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return Metadata(student: "submission")
            }
            func text(_ value: Any?) -> String? {
                switch value {
                case let string as String where !string.isEmpty: return string
                case let number as NSNumber: return number.stringValue
                default: return nil
                }
            }
            let user = (object["users"] as? [[String: Any]])?.first
            let student = text(user?["id"]) ?? text(user?["email"]) ?? "submission"
            return Metadata(student: student, createdAt: text(object["created_at"]), submissionID: text(object["id"]))
        }
    }

    public enum RunError: Error, CustomStringConvertible {
        case cannotClose(path: String, reason: String)
        case wouldRunAsGrader
        public var description: String {
            switch self {
            case let .cannotClose(path, reason):
                return "\(path) could not be closed to student code (\(reason)), so nothing was run."
            case .wouldRunAsGrader:
                return "bubblewrap cannot be used here and the grader is not root, so student code would run as the grader's own user with access to its files; nothing was run. Run the autograder as root (Gradescope does) or where bubblewrap works."
            }
        }
    }

    public struct Outcome {
        public var report: SubmissionReport
        public var results: GradescopeResults
        /// Lines for the autograder's log (stdout, which students do not see).
        public var log: String
    }

    /// Closes the autograder folder to student code: root-only permissions on `/autograder`, its `source` and
    /// `results` folders and the metadata file. Student processes run as other uids, so they can neither read the
    /// solutions, the reference or the secret, nor write `results.json`.
    public func closeToStudentCode() throws {
        try FileManager.default.createDirectory(at: resultsFolder, withIntermediateDirectories: true)
        for (url, mode) in [(source, 0o700), (resultsFolder, 0o700), (root, 0o700), (metadataURL, 0o600)] as [(URL, mode_t)] {
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            if chmod(url.path, mode) != 0 {
                throw RunError.cannotClose(path: url.path, reason: String(cString: strerror(errno)))
            }
        }
    }

    public func grade() throws -> Outcome {
        try closeToStudentCode()
        let configURL = source.appendingPathComponent(Config.fileName)
        let config = (try? Data(contentsOf: configURL)).flatMap { try? JSONDecoder().decode(Config.self, from: $0) }
            ?? Config(assignment: nil, seed: 2026, perStudentInputs: false)
        let secretURL = source.appendingPathComponent(Config.secretFileName)
        let secret = try CourseSecret.load(file: FileManager.default.fileExists(atPath: secretURL.path) ? secretURL.path : nil)
        let metadata = Metadata.read(metadataURL)

        let setup = try GraderSetup.prepare(policy: .preferAllowingFallback, from: source, exercises: exercises)
        if setup.sandbox.kind == .rlimitsOnly && getuid() != 0 { throw RunError.wouldRunAsGrader }
        let grader = try setup.makeGrader()
        let options = SubmissionGrader.Options(seed: config.seed, includeHidden: true, assignment: config.assignment,
                                               hiddenSecret: secret, perStudentInputs: config.perStudentInputs)
        _ = try grader.plan(options)
        let report = grader.grade(submission: submission, name: metadata.student, options: options)

        var results = GradescopeResults(report: report)
        var extra = ["isolation": report.sandbox, "student": metadata.student]
        extra["created_at"] = metadata.createdAt
        extra["submission_id"] = metadata.submissionID
        extra["hidden_seed_id"] = report.hiddenSeed?.id
        results.extraData = extra
        var log = ["Graded \(metadata.student) (submitted \(metadata.createdAt ?? "at an unknown time")): \(report.score) of \(report.maxScore) points.",
                   "Isolation: \(report.sandbox)" + (setup.sandboxNotice.map { " (\($0))" } ?? "") + "."]
        log.append(report.hiddenSeed.map { "Hidden inputs: derived from the course secret, derivation id \($0.id)\($0.student.map { " for student \($0)" } ?? " for the whole class")." }
            ?? "Hidden inputs: no course secret in the bundle, so the hidden tests use the visible seed \(config.seed).")
        return Outcome(report: report, results: results, log: log.joined(separator: "\n"))
    }
}

/// The results file for a submission the autograder could not grade: the reason and no score at all (so nobody
/// mistakes it for a zero), in Gradescope's format.
public struct GradescopeFailure: Encodable, Sendable {
    public var output: String
    public var outputFormat = "text"
    public var visibility = "visible"
    public var stdoutVisibility = "hidden"
    public var tests: [GradescopeResults.Test] = []
    public var extraData: [String: String]

    public init(reason: String) {
        output = "The autograder could not grade this submission: \(reason) This is a problem with the autograder, not with your code; please tell the course staff."
        extraData = ["error": reason]
    }

    enum CodingKeys: String, CodingKey {
        case output, visibility, tests
        case outputFormat = "output_format"
        case stdoutVisibility = "stdout_visibility"
        case extraData = "extra_data"
    }
}
