import Foundation
import XCTest
@testable import GradingCore

/// What `grader check --watch` builds on: noticing a saved file, and saying what changed between two runs.
/// (GradingIntegrationTests' WatchModeTests runs the real command.)
final class WatchSupportTests: XCTestCase {
    func testChangesNameTheTestsThatNowPassAndNowFail() {
        let before = ReportFixtures.full()
        var after = before
        after.exercises[0].tests[1].status = .passed        // softmax huge-logits: failed → passed
        after.exercises[0].tests[1].score = 2
        after.exercises[1].tests[0].status = .crashed       // he-init linear-fan-in: passed → crashed
        after.exercises[1].tests[0].score = 0
        after = SubmissionReport(submission: after.submission, assignment: after.assignment, seed: after.seed,
                                 exercises: after.exercises.map {
                                     ExerciseReport(id: $0.id, maxScore: $0.maxScore, status: $0.status, message: $0.message,
                                                    diagnostics: $0.diagnostics, tests: $0.tests)
                                 }, includesHidden: after.includesHidden, graderVersion: after.graderVersion,
                                 toolchain: after.toolchain, sandbox: after.sandbox, timings: after.timings, notices: [])
        let changes = ReportChanges(from: before, to: after)
        XCTAssertEqual(changes.nowPassing.map { "\($0.exercise)/\($0.test)" }, ["softmax/huge-logits"])
        XCTAssertEqual(changes.nowFailing.map { "\($0.exercise)/\($0.test)/\($0.status.rawValue)" }, ["he-init/linear-fan-in/crashed"])
        XCTAssertEqual(TerminalRenderer(useColor: false).render(changes), [
            "Since the last run: 5.5 → 4.5 / 20 points; 1 test now passes, 1 test now fails.",
            "  ✓ now passes: softmax, test huge-logits",
            "  ✗ now fails: he-init, test linear-fan-in (crashed)",
        ])
        XCTAssertEqual(TerminalRenderer(useColor: false).render(ReportChanges(from: after, to: after)),
                       ["Since the last run: no test changed its result (4.5 / 20 points)."])
    }

    func testWatcherSeesSavedCreatedAndRemovedSwiftFilesButNotHiddenOrOtherFiles() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Helpers"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ text: String) throws {
            try text.write(to: folder.appendingPathComponent(name), atomically: false, encoding: .utf8)
        }
        try write("Softmax.swift", "let a = 1\n")
        try write("Helpers/Math.swift", "let b = 2\n")
        var watcher = ExerciseWatcher(folder: folder)
        watcher.pollInterval = 0.01
        watcher.settleInterval = 0.01
        let start = watcher.snapshot()
        XCTAssertEqual(start.keys.sorted(), ["Helpers/Math.swift", "Softmax.swift"])

        try write(".Softmax.swift.swp", "editor state")
        try write("notes.txt", "my notes")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try write(".git/Tracked.swift", "x")
        XCTAssertEqual(watcher.snapshot(), start, "hidden files, hidden folders and non-Swift files are not watched")

        try write("Softmax.swift", "let a = 3\n")           // same size, new contents
        XCTAssertEqual(watcher.waitForChange(since: start), ["Softmax.swift"])
        let second = watcher.snapshot()
        try write("Adam.swift", "")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("Helpers/Math.swift"))
        XCTAssertEqual(watcher.waitForChange(since: second), ["Adam.swift", "Helpers/Math.swift"])
    }
}
