import ArgumentParser
import Foundation
import Grading
import GradingCore
import TensorKit

/// `grader merge`: the gradebook of a class graded in shards (or in several runs), rebuilt from its reports.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild grades.csv and the class summary from the per-student reports of sharded or separate batch runs.",
        discussion: """
            Refuses (exit status 2, nothing written) reports graded with different assignments, seeds, test sets, \
            grader versions or manifests (regraded reports excepted), and different reports of one student. Lists \
            students and shards without a report; the gradebook is still written then, with exit status 1. \
            Running it again gives the same files.
            """)

    @Argument(help: ArgumentHelp("The reports folders: one OUT shared by every shard, or several.", valueName: "out"))
    var outs: [String]

    @Option(help: "The folder for the merged class (default: the reports folder, when there is one); student folders from the others are copied into it.")
    var out: String?

    @Option(help: "The submissions folder, so students whose shard never ran are listed as missing too.")
    var submissions: String?

    func validate() throws {
        if outs.count > 1 && out == nil { throw ValidationError("Merging several folders needs --out DEST for the merged class.") }
    }

    func run() throws {
        let status = try Self.rebuild(outs: outs.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out ?? outs[0]),
                                      submissions: submissions.map { URL(fileURLWithPath: $0) })
        if status != 0 { throw ExitCode(status) }
    }

    /// Merges and writes; returns the exit status (0 complete, 1 written but incomplete, 2 refused).
    static func rebuild(outs: [URL], into destination: URL, submissions: URL?) throws -> Int32 {
        let merge: ClassMerge
        do { merge = try ClassMerge.collect(outs: outs, submissions: submissions) } catch {
            Terminal.error("grader merge cannot run: \(error)")
            return 2
        }
        for problem in merge.problems() { Terminal.error(problem) }
        if merge.refused {
            Terminal.error("Nothing was written: a gradebook mixing these reports would not grade every student alike.")
            return 2
        }
        do { try merge.write(to: destination) } catch {
            Terminal.error("grader merge could not write the gradebook: \(error)")
            return 2
        }
        let reports = merge.reports.map(\.report)
        let summary = ClassSummary(reports: reports, exerciseIDs: merge.exerciseIDs)
        print(summary.render(useColor: Terminal.useColor(isTerminal: Terminal.stdoutIsTerminal)), terminator: "")
        for report in merge.regraded {
            if let regrade = report.regraded {
                print("Regraded: \(report.submission) (\(regrade.exercises.joined(separator: ", ")), \(regrade.at)): \(regrade.reason)")
            }
        }
        let shards = merge.shardRecords.isEmpty ? "" : " from \(DisplayFormat.count(merge.shardRecords.count, "shard record"))"
        print("Merged \(DisplayFormat.count(reports.count, "report"))\(shards) into \(destination.path)/grades.csv"
              + (merge.complete ? "." : "; the class is incomplete (see above)."))
        return merge.complete ? 0 : 1
    }
}
