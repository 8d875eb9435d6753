import Foundation
import XCTest

/// Text snapshots in the style of swift-argument-parser's tests: what a person reads (a command's `--help`,
/// `grader check`'s output) is kept whole in a file under `Tests/GradingIntegrationTests/Snapshots/`, so any change
/// to it shows up in review as a change to that file.
///
/// To record or re-record after a deliberate change (a new command, flag or message):
///
///     make snapshots     # GRADER_UPDATE_SNAPSHOTS=1 swift test --filter GradingIntegrationTests.SnapshotTests
///
/// then read the diff of `Snapshots/` before committing it.
enum Snapshot {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots")
    static var updating: Bool { ProcessInfo.processInfo.environment["GRADER_UPDATE_SNAPSHOTS"] == "1" }
    static let howToRecord = "Record it with `make snapshots` (GRADER_UPDATE_SNAPSHOTS=1 swift test --filter "
        + "GradingIntegrationTests.SnapshotTests) and review the diff of Tests/GradingIntegrationTests/Snapshots/."

    /// Compares `text` with the snapshot `name` (a path under Snapshots/), or writes it when recording.
    static func assertMatches(_ text: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = folder.appendingPathComponent(name)
        if updating {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
                XCTFail("Could not write the snapshot \(url.path): \(error)", file: file, line: line)
            }
            return
        }
        guard let recorded = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("There is no snapshot \(name) yet (a new command or case?). \(howToRecord)\nThe text was:\n\(text)",
                    file: file, line: line)
            return
        }
        guard recorded != text else { return }
        XCTFail("The output differs from the snapshot \(name). If the change is deliberate: \(howToRecord)\n"
            + difference(recorded: recorded, actual: text), file: file, line: line)
    }

    /// Fails for (or, when recording, removes) snapshot files in `subfolder` that no case produced any more.
    static func assertNoOthers(in subfolder: String, than names: Set<String>, file: StaticString = #filePath, line: UInt = #line) {
        let directory = folder.appendingPathComponent(subfolder)
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".txt") }
        for stale in present where !names.contains("\(subfolder)/\(stale)") {
            if updating {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(stale))
            } else {
                XCTFail("The snapshot \(subfolder)/\(stale) belongs to nothing that exists now (a removed or renamed "
                    + "command?). \(howToRecord)", file: file, line: line)
            }
        }
    }

    /// The first differing line, with a few lines of context.
    static func difference(recorded: String, actual: String) -> String {
        let old = recorded.components(separatedBy: "\n"), new = actual.components(separatedBy: "\n")
        let first = (0..<Swift.min(old.count, new.count)).first { old[$0] != new[$0] } ?? Swift.min(old.count, new.count)
        let range = Swift.max(0, first - 2)..<(first + 3)
        func excerpt(_ lines: [String]) -> String {
            range.filter { $0 < lines.count }.map { "  \($0 + 1): \(lines[$0])" }.joined(separator: "\n")
        }
        return "First difference at line \(first + 1).\nRecorded:\n\(excerpt(old))\nNow:\n\(excerpt(new))"
    }
}
