import Foundation
import Synchronization
import XCTest
@testable import Grading
@testable import GradingCore

/// The state BatchRunner's job threads share: every pending submission is handed out once, resumed reports are
/// kept, and the progress counts come out in order however the threads interleave.
final class BatchQueueTests: XCTestCase {
    func testEverySubmissionIsHandedOutOnceAndProgressCountsUpInOrder() {
        let total = 200
        let resumedIndices = Set([0, 5, 17])
        let earlier = SubmissionReport(submission: "earlier", assignment: "training-basics", seed: 1, exercises: [], includesHidden: true,
                                       graderVersion: "test", toolchain: "test", sandbox: "none", timings: Timings(), notices: [])
        var reports = [SubmissionReport?](repeating: nil, count: total)
        for index in resumedIndices { reports[index] = earlier }
        let pending = (0..<total).filter { !resumedIndices.contains($0) }
        let queue = BatchQueue(pending: pending, reports: reports)
        let log = Log()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            while let index = queue.next() {
                let report = SubmissionReport(submission: "s\(index)", assignment: "training-basics", seed: 1, exercises: [], includesHidden: true,
                                              graderVersion: "test", toolchain: "test", sandbox: "none", timings: Timings(), notices: [])
                queue.finish(index, with: report) { done in log.entries.withLock { $0.append((done, index)) } }
            }
        }
        let entries = log.entries.withLock { $0 }
        XCTAssertEqual(entries.map(\.done), Array((resumedIndices.count + 1)...total), "progress counts out of order")
        XCTAssertEqual(entries.map(\.index).sorted(), pending, "a pending submission was handed out twice or never")
        let final = queue.reports
        XCTAssertEqual(final.compactMap { $0?.submission }.count, total)
        for index in resumedIndices { XCTAssertEqual(final[index]?.submission, "earlier") }
        for index in pending { XCTAssertEqual(final[index]?.submission, "s\(index)") }
        XCTAssertNil(queue.next(), "the queue handed out a submission after the last one")
    }
}

private final class Log: Sendable {
    let entries = Mutex<[(done: Int, index: Int)]>([])
}
