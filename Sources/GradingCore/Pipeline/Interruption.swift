import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ends the grader cleanly on Ctrl-C (SIGINT) or SIGTERM, whatever it is doing.
///
/// Sandboxes, compilers and workers run in process groups of their own (`ChildProcess`), so the terminal's Ctrl-C
/// reaches the grader alone, and a grader killed outright would leave its work folders behind (and, without
/// bubblewrap's PID namespace, its children running). With `install`, the signal is handled on a queue of its own:
/// every live child's process group is killed (`LiveChildren`), those children are reaped, `cleanup` removes what the
/// command wrote to temporary folders, and the grader then ends by the same signal with its default action, so the
/// shell sees an interrupted program (exit status 130 for SIGINT, 143 for SIGTERM) rather than a normal exit.
public enum Interruption {
    /// Kept alive for the life of the process; only `install` (called once, at a command's start) writes it.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    public static func install(signals: [Int32] = [SIGINT, SIGTERM], cleanup: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "grader.interruption")
        for number in signals {
            // Ignored as a signal, delivered as an event on `queue` (the dispatch source sees it either way).
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { end(by: number, cleanup: cleanup) }
            source.resume()
            sources.append(source)
        }
    }

    private static let ending = Mutex(false)

    /// Creates a work folder (and its parents) for the pipeline. Once the grader is ending, the calling thread
    /// waits here for the process to end instead: creating it would bring back a folder that `cleanup` has just
    /// removed (or is removing).
    static func createWorkFolder(_ url: URL) {
        if ending.withLock({ $0 }) { while true { pause() } }
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    private static func end(by number: Int32, cleanup: () -> Void) -> Never {
        ending.withLock { $0 = true }
        let children = LiveChildren.killAll()
        // Reap them (each was sent SIGKILL), so none outlives the grader even for a moment; a bounded wait.
        let deadline = Date().addingTimeInterval(2)
        var waiting = Set(children)
        while !waiting.isEmpty && Date() < deadline {
            for pid in waiting {
                var status: Int32 = 0
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno == ECHILD) { waiting.remove(pid) }
            }
            if !waiting.isEmpty { usleep(10_000) }
        }
        cleanup()
        // A thread that was writing into a work folder while it was removed can leave a part of it behind; the
        // threads now park before creating folders, so a second pass a moment later finds the rest.
        usleep(50_000)
        cleanup()
        fflush(nil)
        signal(number, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(number)
        _exit(128 + number)
    }
}
