import Foundation
import WorkerKit
import TensorKit

/// Runs one exercise's tests in the compiled worker program, inside the sandbox.
///
/// The worker lives across an exercise's tests (starting a sandbox costs milliseconds, not nothing). Each test's
/// calls are sent in turn and must all be answered within the test's time limit. If the worker crashes, hangs,
/// reaches the not-implemented marker or exits, that test gets that status and a fresh worker takes the next test,
/// so one bad test never costs the others.
///
/// With `keepAcrossExercises` (the batch and `check`), one worker also serves the next exercise of the submission,
/// as long as it stays clean: every test of the exercise before answered and the program printed nothing past the
/// output cap. A sandbox start costs 0.05–0.1 s, a third of what grading a clean submission costs beyond its
/// compile; an exercise that crashed, hung, exited or flooded its output still hands the next one a fresh process.
/// Its captured output starts empty for each exercise.
final class WorkerSession {
    let binary: URL
    let sandbox: Sandbox
    let slot: Int
    let limits: Limits
    /// Keep a clean worker for the next `run(tests:)`.
    var keepAcrossExercises = false
    /// The largest reply payload read for a call (see `SubmissionGrader.replyLimit`).
    var replyLimit: @Sendable (WorkerCall) -> Int = { _ in WorkerCall.undeclaredReplyLimit }
    /// The CPU seconds a worker may use in all (RLIMIT_CPU), when it may serve several exercises; by default the
    /// sum of the time limits of the tests it is started for.
    var cpuSecondsForAll: Double?
    private var kept: ChildProcess?

    init(binary: URL, sandbox: Sandbox, slot: Int, limits: Limits) {
        self.binary = binary
        self.sandbox = sandbox
        self.slot = slot
        self.limits = limits
    }

    deinit { close() }

    /// Ends a kept worker (closing its input lets it exit by itself).
    func close() {
        if let child = kept {
            child.closeInput()
            _ = child.waitForExit(deadline: Date().addingTimeInterval(1))
            kept = nil
        }
    }

    enum Outcome {
        case replies([WorkerReply])
        case notImplemented(String)
        case crashed(String)
        case timedOut(Double)
        case protocolError(String)
        /// A reply no correct answer could be (an absurd shape, a frame larger than the test's results can be):
        /// judged as a failed test without reading or computing anything more from it.
        case invalidReply(String)
    }

    struct TestRun {
        var outcome: Outcome
        var seconds: Double
        var output: String
        /// A sentence to add to the test's message (e.g. why its limit was shorter).
        var note: String? = nil
    }

    /// After one test of an exercise has timed out, its remaining tests get at most this long: correct code answers
    /// every test in well under a second, and a hang should cost one time limit, not one per test.
    static let limitAfterTimeout = 2.0

    /// RLIMIT_NOFILE for a worker: its standard streams, the reply channel and a few files of its own. Memory held
    /// in files the address-space limit does not see (memfd_create, pipes) is bounded by this × the file-size limit
    /// per process where no cgroup memory limit is delegated.
    static let openFiles = 32

    func run(tests: [TestCase]) -> [TestRun] {
        var runs: [TestRun] = []
        var worker: ChildProcess? = kept
        kept = nil
        var shortened = false
        for var test in tests {
            if shortened {
                test.spec.timeLimitSeconds = Swift.min(timeLimit(test), Self.limitAfterTimeout)
            }
            if worker == nil { worker = start(timeLimit: cpuSecondsForAll ?? tests.reduce(0) { $0 + timeLimit($1) }) }
            guard let child = worker else {
                runs.append(TestRun(outcome: .crashed("The sandbox could not start the compiled program."), seconds: 0, output: ""))
                continue
            }
            var run = execute(test, on: child)
            if case .timedOut = run.outcome {
                if shortened { run.note = "Its limit was shortened to \(DisplayFormat.seconds(Self.limitAfterTimeout)) seconds because an earlier test of this exercise had already timed out." }
                shortened = true
            }
            runs.append(run)
            if case .replies = run.outcome {} else {
                child.kill()
                _ = child.waitForExit()
                worker = nil
            }
        }
        if let child = worker {
            let clean = runs.allSatisfy { if case .replies = $0.outcome { return true } else { return false } }
            if keepAcrossExercises && clean && child.droppedOutputBytes == 0 && child.waitForExit(block: false) == nil {
                child.resetCapture()
                kept = child
            } else {
                child.closeInput()
                _ = child.waitForExit(deadline: Date().addingTimeInterval(1))
            }
        }
        return runs
    }

    private func timeLimit(_ test: TestCase) -> Double { test.spec.timeLimitSeconds ?? limits.timeLimitSeconds }

    /// In bubblewrap the program is copied into the sandbox (/box/bin/worker) rather than its folder bound there,
    /// so nothing the sandbox shows (its mount table) names the grader's work folder.
    private func start(timeLimit: Double) -> ChildProcess? {
        let directory = binary.deletingLastPathComponent().path
        let command = sandbox.command(["./worker"],
                                      limits: .init(cpuSeconds: Int(timeLimit.rounded(.up)) + 2,
                                                    memoryMiB: limits.memoryMiB, processes: limits.processes,
                                                    fileSizeMiB: limits.fileSizeMiB, openFiles: Self.openFiles),
                                      binds: [], copies: [.init(binary.path, at: "/box/bin/worker")],
                                      workingDirectory: sandbox.kind == .bubblewrap ? "/box/bin" : directory, slot: slot)
        return try? ChildProcess(command, outputCap: limits.outputBytes)
    }

    private func execute(_ test: TestCase, on child: ChildProcess) -> TestRun {
        let start = Date()
        let outputStart = child.output.count
        let deadline = start.addingTimeInterval(timeLimit(test))
        var replies: [WorkerReply] = []
        func output() -> String {
            child.drainOutput()
            return child.outputText(from: outputStart)
        }
        for call in test.calls {
            guard child.send(WireFormat.encode(call)) else {
                return finish(child, start: start, output: output(), deadline: deadline)
            }
            var header: [UInt8] = []
            guard child.readReply(count: 4, deadline: deadline, into: &header) else {
                return finish(child, start: start, output: output(), deadline: deadline)
            }
            let length: Int
            do { length = try WireFormat.frameLength(Array(header.prefix(4))) } catch {
                return TestRun(outcome: .protocolError("The program's reply channel carried something that is not a reply (\(error)). Student code must not write to file descriptor 3."),
                               seconds: Date().timeIntervalSince(start), output: output())
            }
            // Bounded by what this call can legitimately return, and read in chunks as it arrives: a header alone
            // never makes the grader allocate what it announces.
            let limit = replyLimit(call)
            guard length <= limit else {
                return TestRun(outcome: .invalidReply("The program's reply to \(call.function) announced \(length) bytes, but a reply to this test holds at most \(limit) bytes, so it was not read."),
                               seconds: Date().timeIntervalSince(start), output: output())
            }
            var payload = Array(header.dropFirst(4))
            payload.reserveCapacity(length)
            guard child.readReply(count: length, deadline: deadline, into: &payload) else {
                return finish(child, start: start, output: output(), deadline: deadline)
            }
            do { replies.append(try WireFormat.decodeReply(Array(payload.prefix(length)))) } catch WireFormat.DecodingError.implausibleTensor(let reason) {
                return TestRun(outcome: .invalidReply(reason), seconds: Date().timeIntervalSince(start), output: output())
            } catch {
                return TestRun(outcome: .protocolError("The program's reply could not be read (\(error)). Student code must not write to file descriptor 3."),
                               seconds: Date().timeIntervalSince(start), output: output())
            }
        }
        return TestRun(outcome: .replies(replies), seconds: Date().timeIntervalSince(start), output: output())
    }

    /// The worker stopped answering: find out whether it exited, crashed or is still busy past the deadline.
    private func finish(_ child: ChildProcess, start: Date, output: @autoclosure () -> String, deadline: Date) -> TestRun {
        let limit = deadline.timeIntervalSince(start)
        let (status, killed) = child.waitForExit(deadline: Swift.max(deadline, Date().addingTimeInterval(0.5)))
        child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(0.3))
        let seconds = Date().timeIntervalSince(start)
        let text = output()
        if child.outputLimitExceeded {
            return TestRun(outcome: .crashed("The program printed more than \(child.outputKillLimit >> 20) MiB of output and was stopped; print less (the first \(limits.outputBytes) bytes are shown below)."), seconds: seconds, output: text)
        }
        if killed || seconds >= limit {
            return TestRun(outcome: .timedOut(limit), seconds: seconds, output: text)
        }
        // bubblewrap's init reports a child killed by signal s as exit status 128 + s.
        var signalNumber = ExitDescription.signal(status)
        var exitCode = ExitDescription.exitCode(status)
        if sandbox.kind == .bubblewrap, let code = exitCode, code > 128, code < 128 + 65 {
            signalNumber = code - 128
            exitCode = nil
        }
        if child.outOfMemoryKills > 0 {
            return TestRun(outcome: .crashed("The program ran out of memory: the sandbox's limit is \(limits.memoryMiB) MiB of memory in all (an allocation that grows without bound?)."), seconds: seconds, output: text)
        }
        if text.contains("failed to allocate") || text.contains("Cannot allocate memory") || text.contains("out of memory") {
            return TestRun(outcome: .crashed("The program ran out of memory: the limit is \(limits.memoryMiB) MiB of address space (an allocation that grows without bound?)."), seconds: seconds, output: text)
        }
        if let code = exitCode {
            if code == notImplementedExitStatus {
                return TestRun(outcome: .notImplemented("The code reached the not-implemented marker (notImplemented()); fill in the marked region."), seconds: seconds, output: text)
            }
            if code == 125 || code == 126 || code == 127 {
                return TestRun(outcome: .crashed("The sandbox could not run the compiled program (exit status \(code))."), seconds: seconds, output: text)
            }
            return TestRun(outcome: .crashed("The program exited with status \(code) before returning a result; exercise code must return, not call exit()."), seconds: seconds, output: text)
        }
        if let signal = signalNumber {
            if signal == SIGXCPU || signal == SIGKILL && seconds >= limit {
                return TestRun(outcome: .timedOut(limit), seconds: seconds, output: text)
            }
            return TestRun(outcome: .crashed("The program crashed with \(ExitDescription.signalName(signal))."), seconds: seconds, output: text)
        }
        return TestRun(outcome: .crashed("The program stopped unexpectedly."), seconds: seconds, output: text)
    }
}
