import Foundation
import TensorKit
import WorkerKit

extension WorkerSession {
    /// Runs a figure probe's calls one at a time in the same worker as the tests (each call is a zero-point test
    /// of its own), so each call can depend on the replies before it. All of them share the probe's time limit.
    /// Stops at the first call that gets no reply, or when the time is up, and says why.
    func run(probe: FigureProbe) -> (replies: [WorkerReply], failure: String?) {
        var replies: [WorkerReply] = []
        let start = Date()
        // A bound on the number of calls, whatever `next` does.
        for _ in 0..<10_000 {
            guard let call = probe.next(replies) else { return (replies, nil) }
            let left = probe.timeLimitSeconds - Date().timeIntervalSince(start)
            guard left > 0.05 else {
                return (replies, "Its calls took longer than \(DisplayFormat.seconds(probe.timeLimitSeconds)) seconds in all.")
            }
            let spec = TestSpec(name: "figure-\(probe.name)", points: 0, visibility: .visible, timeLimitSeconds: left)
            let step = TestCase(spec: spec, summary: "", calls: [call]) { _ in .pass("") }
            guard let run = run(tests: [step]).first else { return (replies, "The program could not be run.") }
            switch run.outcome {
            case let .replies(answers): replies += answers
            case .notImplemented: return (replies, "The code still calls notImplemented().")
            case let .crashed(message), let .protocolError(message), let .invalidReply(message): return (replies, message)
            case let .timedOut(limit): return (replies, "A call did not return within \(DisplayFormat.seconds(limit)) seconds.")
            }
        }
        return (replies, nil)
    }
}
