import Foundation

/// One slice of a class, for grading a large class as N independent jobs (a Slurm job array, a Kubernetes Indexed
/// Job) that share one output folder and are merged afterwards (`grader merge`).
///
/// A submission belongs to shard `FNV-1a-64(name) mod N + 1`, where name is its folder name in OUT. The hash of the
/// name alone, not the submission's position in the sorted list, decides: a late submission added to the folder
/// lands in one shard and moves nobody else, so a re-run shard (a failed array task, a replaced pod) re-grades
/// exactly the students it had, and their finished reports are reused. The price is that shards are only balanced
/// on average (binomially: with 400 students in 8 shards, 50 ± 7).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based, as in `--shard 2/8`.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError.badCount(count) }
        guard (1...count).contains(index) else { throw ShardError.indexOutOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    /// The shard (1-based) that `name` belongs to among `count`.
    public static func of(_ name: String, count: Int) -> Int {
        Int(FNV1a.hash(name.utf8) % UInt64(count)) + 1
    }

    public func contains(_ name: String) -> Bool { Self.of(name, count: count) == index }

    /// `2-of-8`: the name of the shard's record in OUT/shards/.
    public var recordName: String { "\(index)-of-\(count)" }

    public var description: String { "shard \(index) of \(count)" }

    /// Parses `I/N`.
    public static func parse(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw ShardError.unreadable(text) }
        return try Shard(index: index, count: count)
    }

    /// The shard a `batch` run grades: `--shard I/N` as given, or with `--shards N` the index the scheduler hands the
    /// job (Kubernetes' `JOB_COMPLETION_INDEX`, 0-based; else Slurm's `SLURM_ARRAY_TASK_ID`, counted from
    /// `SLURM_ARRAY_TASK_MIN` because `--array=0-7` and `--array=1-8` are both common). Nil for a whole-class run.
    public static func resolve(shard: String?, shards: Int?, environment: [String: String]) throws -> Shard? {
        switch (shard, shards) {
        case (nil, nil): return nil
        case (.some, .some): throw ShardError.bothGiven
        case let (text?, nil): return try parse(text)
        case let (nil, count?):
            guard count >= 1 else { throw ShardError.badCount(count) }
            if let raw = environment["JOB_COMPLETION_INDEX"] {
                guard let zeroBased = Int(raw.trimmingCharacters(in: .whitespaces)) else {
                    throw ShardError.unreadableVariable("JOB_COMPLETION_INDEX", raw)
                }
                guard (0..<count).contains(zeroBased) else {
                    throw ShardError.variableOutOfRange("JOB_COMPLETION_INDEX", zeroBased, lowest: 0, count: count)
                }
                return try Shard(index: zeroBased + 1, count: count)
            }
            if let raw = environment["SLURM_ARRAY_TASK_ID"] {
                func number(_ name: String) throws -> Int? {
                    guard let text = environment[name] else { return nil }
                    guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                        throw ShardError.unreadableVariable(name, text)
                    }
                    return value
                }
                guard let id = try number("SLURM_ARRAY_TASK_ID") else { throw ShardError.unreadableVariable("SLURM_ARRAY_TASK_ID", raw) }
                let lowest = try number("SLURM_ARRAY_TASK_MIN") ?? 0
                if let tasks = try number("SLURM_ARRAY_TASK_COUNT"), tasks != count {
                    throw ShardError.arraySizeDiffers(tasks: tasks, shards: count)
                }
                if let highest = try number("SLURM_ARRAY_TASK_MAX"), highest - lowest + 1 != count {
                    throw ShardError.arrayRangeDiffers(lowest: lowest, highest: highest, shards: count)
                }
                guard (lowest..<(lowest + count)).contains(id) else {
                    throw ShardError.variableOutOfRange("SLURM_ARRAY_TASK_ID", id, lowest: lowest, count: count)
                }
                return try Shard(index: id - lowest + 1, count: count)
            }
            throw ShardError.noIndex(count)
        }
    }
}

public enum ShardError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case badCount(Int)
    case indexOutOfRange(index: Int, count: Int)
    case bothGiven
    case noIndex(Int)
    case unreadableVariable(String, String)
    case variableOutOfRange(String, Int, lowest: Int, count: Int)
    case arraySizeDiffers(tasks: Int, shards: Int)
    case arrayRangeDiffers(lowest: Int, highest: Int, shards: Int)

    public var description: String {
        switch self {
        case let .unreadable(text):
            return "--shard takes I/N with whole numbers, 1 ≤ I ≤ N (for example 2/8); got \"\(text)\"."
        case let .badCount(count):
            return "The number of shards must be at least 1; got \(count)."
        case let .indexOutOfRange(index, count):
            return "Shard \(index) does not exist among \(count): shards are numbered 1 to \(count)."
        case .bothGiven:
            return "Give either --shard I/N or --shards N (with the index from the scheduler), not both."
        case let .noIndex(count):
            return "--shards \(count) takes the shard index from the scheduler, but neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a Slurm job array) is set. Outside a cluster, use --shard I/\(count)."
        case let .unreadableVariable(name, value):
            return "\(name) is \"\(value)\", which is not a whole number."
        case let .variableOutOfRange(name, value, lowest, count):
            return "\(name) is \(value), outside \(lowest)…\(lowest + count - 1), the \(count) task ids that --shards \(count) expects."
        case let .arraySizeDiffers(tasks, shards):
            return "The Slurm array has \(tasks) tasks (SLURM_ARRAY_TASK_COUNT) but --shards says \(shards); submit it with --array=0-\(shards - 1)."
        case let .arrayRangeDiffers(lowest, highest, shards):
            return "The Slurm array's task ids run from \(lowest) to \(highest), which is not \(shards) consecutive ids (a step or a list in --array?); submit it with --array=0-\(shards - 1)."
        }
    }
}

/// `OUT/shards/I-of-N.json`: what one shard graded and with what, so `grader merge` can tell a complete class from
/// one with a shard missing, and refuse to mix runs made with different settings.
public struct ShardRecord: Codable, Sendable, Equatable {
    public var shard: Int
    public var shards: Int
    /// How submissions are assigned to shards.
    public var scheme: String
    public var assignment: String
    public var seed: UInt64
    public var includesHidden: Bool
    public var manifestDigest: String
    public var graderVersion: String
    /// This shard's students (folder names in OUT), sorted.
    public var students: [String]
    /// How many submissions the whole folder held when this shard ran.
    public var submissionCount: Int
    public var graded: Int
    public var resumed: Int
    /// ISO 8601, UTC.
    public var finishedAt: String
    public var host: String

    public static let scheme = "fnv1a-64(submission name) mod shards"
    public static let folder = "shards"

    /// Whether a file name in OUT/shards/ is a record's (`I-of-N.json`).
    public static func isRecordName(_ name: String) -> Bool {
        guard name.hasSuffix(".json") else { return false }
        let parts = name.dropLast(5).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[1] == "of" && Int(parts[0]) != nil && Int(parts[2]) != nil
    }

    public static func url(in out: URL, for shard: Shard) -> URL {
        out.appendingPathComponent(folder).appendingPathComponent(shard.recordName + ".json")
    }
}
