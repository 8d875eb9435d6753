import Foundation
import GradingCore
import TensorKit

/// `grader merge`: the class's gradebook rebuilt from per-student reports, wherever they were graded (shards of a
/// job array sharing one OUT, or several OUT folders).
///
/// Reports are merged only when they were graded alike: one assignment, seed, test set, grader version and
/// manifest. A report that was regraded (`grader batch --only/--exercise`) carries its regrade's manifest on
/// purpose, so it is exempt from the manifest check and listed instead. Two different reports of one student are
/// refused (which one counts is the instructor's call); identical copies are one report. Students the shard records
/// (or the submissions folder) name without a report are listed as missing, and so are shards without a record.
public struct ClassMerge: Sendable {
    public struct Located: Sendable {
        public var report: SubmissionReport
        /// The submission's folder in one of the OUT folders.
        public var folder: URL
    }

    /// A grading setting on which reports (or shard records) differ from the class's.
    public struct Disagreement: Sendable, Equatable {
        public var setting: String
        /// The value most reports share.
        public var classValue: String
        public var classCount: Int
        /// The others: (student or shard record, its value).
        public var differing: [Differing]
    }

    public struct Differing: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// One report per student, sorted by name.
    public private(set) var reports: [Located] = []
    /// Students with two or more different reports: their folders.
    public private(set) var duplicates: [String: [URL]] = [:]
    public private(set) var disagreements: [Disagreement] = []
    /// Students named by a shard record or the submissions folder without a report.
    public private(set) var missing: [String] = []
    /// Shards (1-based) of the run without a record.
    public private(set) var missingShards: [Int] = []
    /// The shard counts of the records found, when they differ (records of two runs in one folder).
    public private(set) var conflictingShardCounts: [Int] = []
    public private(set) var shardRecords: [ShardRecord] = []
    /// `report.json` files that could not be read, with the reason.
    public private(set) var unreadable: [String] = []
    /// The exercise columns of the gradebook, in report order.
    public private(set) var exerciseIDs: [String] = []

    /// Reports that cannot be merged into one gradebook: mixed settings, different reports of one student, or shard
    /// records of runs with different shard counts.
    public var refused: Bool { !disagreements.isEmpty || !duplicates.isEmpty || conflictingShardCounts.count > 1 }
    /// Every student expected has exactly one report.
    public var complete: Bool { missing.isEmpty && missingShards.isEmpty && unreadable.isEmpty }

    public var regraded: [SubmissionReport] { reports.map(\.report).filter { $0.regraded != nil } }

    /// Reads every `OUT/<student>/report.json` and `OUT/shards/*.json` of `outs`. `submissions`, when given, names
    /// every student expected (as `grader batch` names them), so students of a shard that never ran are missed too.
    public static func collect(outs: [URL], submissions: URL? = nil) throws -> ClassMerge {
        var merge = ClassMerge()
        var found: [String: [Located]] = [:]
        let fm = FileManager.default
        for out in outs {
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: out.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw MergeError.notAFolder(out.path)
            }
            for entry in try fm.contentsOfDirectory(atPath: out.path).sorted() where !entry.hasPrefix(".") {
                let folder = out.appendingPathComponent(entry)
                let url = folder.appendingPathComponent("report.json")
                guard fm.fileExists(atPath: url.path) else { continue }
                do {
                    let report = try ReportIO.decoder().decode(SubmissionReport.self, from: Data(contentsOf: url))
                    found[report.submission, default: []].append(Located(report: report, folder: folder))
                } catch {
                    merge.unreadable.append("\(url.path): \(error.localizedDescription)")
                }
            }
            let records = out.appendingPathComponent(ShardRecord.folder)
            // Only I-of-N.json: a student named "shards" has report.json and results.json there.
            for entry in ((try? fm.contentsOfDirectory(atPath: records.path)) ?? []).sorted() where ShardRecord.isRecordName(entry) {
                let url = records.appendingPathComponent(entry)
                do {
                    let record = try ReportIO.decoder().decode(ShardRecord.self, from: Data(contentsOf: url))
                    if !merge.shardRecords.contains(record) { merge.shardRecords.append(record) }
                } catch {
                    merge.unreadable.append("\(url.path): \(error.localizedDescription)")
                }
            }
        }
        for (name, copies) in found {
            // Compared as encoded, since a report holding a student's NaN is never == to itself.
            var distinct: [(Located, Data?)] = []
            for copy in copies {
                let encoded = try? ReportIO.encode(copy.report)
                if !distinct.contains(where: { $0.1 != nil && $0.1 == encoded }) { distinct.append((copy, encoded)) }
            }
            let distinctCopies = distinct.map(\.0)
            if distinctCopies.count > 1 { merge.duplicates[name] = distinctCopies.map(\.folder) }
            merge.reports.append(distinctCopies[0])
        }
        merge.reports.sort { $0.report.submission < $1.report.submission }
        for located in merge.reports {
            for exercise in located.report.exercises where !merge.exerciseIDs.contains(exercise.id) {
                merge.exerciseIDs.append(exercise.id)
            }
        }
        merge.checkSettings()
        merge.checkCoverage(submissions: submissions)
        return merge
    }

    private mutating func checkSettings() {
        typealias Entry = (name: String, value: String)
        func tests(_ hidden: Bool) -> String { hidden ? "all tests" : "visible tests only" }
        let all = reports.map(\.report)
        let batchGraded = all.filter { $0.regraded == nil }
        let records = shardRecords.map { record in (record, "shard record \(record.shard)-of-\(record.shards)") }
        let settings: [(String, [Entry])] = [
            ("assignment", all.map { ($0.submission, $0.assignment) } + records.map { ($1, $0.assignment) }),
            ("seed", all.map { ($0.submission, "\($0.seed)") } + records.map { ($1, "\($0.seed)") }),
            ("test set", all.map { ($0.submission, tests($0.includesHidden)) } + records.map { ($1, tests($0.includesHidden)) }),
            ("grader version", all.map { ($0.submission, $0.graderVersion) } + records.map { ($1, $0.graderVersion) }),
            ("manifest digest", batchGraded.map { ($0.submission, $0.manifestDigest ?? "none recorded") }
                + records.map { ($1, $0.manifestDigest) }),
        ]
        for (setting, entries) in settings {
            var counts: [String: Int] = [:]
            for entry in entries { counts[entry.value, default: 0] += 1 }
            guard counts.count > 1 else { continue }
            let classValue = counts.max { lhs, rhs in lhs.value != rhs.value ? lhs.value < rhs.value : lhs.key > rhs.key }!.key
            disagreements.append(Disagreement(
                setting: setting, classValue: classValue, classCount: counts[classValue] ?? 0,
                differing: entries.filter { $0.value != classValue }.map { Differing(name: $0.name, value: $0.value) }))
        }
    }

    private mutating func checkCoverage(submissions: URL?) {
        var expected = Set(shardRecords.flatMap(\.students))
        if let submissions, let listed = try? BatchRunner.listSubmissions(in: submissions, excluding: URL(fileURLWithPath: "/nonexistent")) {
            expected.formUnion(listed.map(\.name))
        }
        let have = Set(reports.map(\.report.submission))
        missing = expected.subtracting(have).sorted()
        let counts = Set(shardRecords.map(\.shards)).sorted()
        if counts.count > 1 { conflictingShardCounts = counts }
        if counts.count == 1, let count = counts.first {
            let present = Set(shardRecords.map(\.shard))
            missingShards = (1...count).filter { !present.contains($0) }
        }
    }

    /// What is wrong or incomplete, in sentences (empty when the merge is complete and clean).
    public func problems() -> [String] {
        var lines: [String] = []
        for disagreement in disagreements {
            let names = disagreement.differing.map { "\($0.name) (\($0.value))" }.joined(separator: ", ")
            lines.append("Reports differ in the \(disagreement.setting): \(disagreement.classCount) have \(disagreement.classValue), but \(names) \(disagreement.differing.count == 1 ? "does" : "do") not.")
        }
        for (name, folders) in duplicates.sorted(by: { $0.key < $1.key }) {
            lines.append("\(name) has \(folders.count) different reports, in \(folders.map(\.path).joined(separator: " and ")); remove all but the one that counts.")
        }
        if conflictingShardCounts.count > 1 {
            lines.append("Shard records of runs with \(conflictingShardCounts.map(String.init).joined(separator: " and ")) shards are mixed in shards/; remove the stale run's records.")
        }
        for shard in missingShards {
            lines.append("Shard \(shard) of \(shardRecords.first?.shards ?? 0) has no record in shards/: it has not finished, or did not run.")
        }
        if !missing.isEmpty {
            lines.append("\(DisplayFormat.count(missing.count, "student")) without a report: \(missing.joined(separator: ", ")).")
        }
        for item in unreadable { lines.append("Could not read \(item).") }
        return lines
    }

    /// Writes the merged class into `destination`: every student's folder that is not there yet is copied (each
    /// file atomically, `report.json` last), the shard records too, then `grades.csv`. Running it again gives the
    /// same files.
    public func write(to destination: URL) throws {
        let fm = FileManager.default
        let target = destination.standardizedFileURL.resolvingSymlinksInPath().path
        for located in reports where located.folder.deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath().path != target {
            let folder = destination.appendingPathComponent(located.folder.lastPathComponent)
            for file in ["results.json", "report.json"] {
                let source = located.folder.appendingPathComponent(file)
                guard fm.fileExists(atPath: source.path) else { continue }
                try ReportIO.writeAtomically(try Data(contentsOf: source), to: folder.appendingPathComponent(file))
            }
        }
        for record in shardRecords {
            let url = ShardRecord.url(in: destination, for: try Shard(index: record.shard, count: record.shards))
            if !fm.fileExists(atPath: url.path) { try ReportIO.write(record, to: url) }
        }
        try BatchRunner.writeClassFiles(reports: reports.map(\.report), exerciseIDs: exerciseIDs, to: destination)
    }
}

public enum MergeError: Error, CustomStringConvertible, Equatable {
    case notAFolder(String)
    public var description: String {
        switch self {
        case let .notAFolder(path): return "The reports folder \(path) does not exist or is not a folder."
        }
    }
}
