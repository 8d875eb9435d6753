#if canImport(Glibc)
// `stdout` and `stderr` are C globals that Glibc does not annotate for concurrency; libc locks each FILE itself,
// and only this one thread of the worker process touches them, so their use here is safe.
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exit status a process uses to say "this exercise is not implemented yet". The grader reports an exercise
/// whose code reaches `notImplemented()` as `not-implemented`, never as a crash.
public let notImplementedExitStatus: Int32 = 86

/// The not-implemented marker: exercise stubs call this until the student fills them in.
///
/// It prints one line to standard error naming the function, then ends the process with
/// `notImplementedExitStatus`. It never returns, so a stub type-checks with any return type.
public func notImplemented(_ function: StaticString = #function, file: StaticString = #fileID,
                           line: UInt = #line) -> Never {
    let message = "\(function) is not implemented yet (\(file):\(line)); fill in the marked region.\n"
    _ = message.withCString { fputs($0, stderr) }
    fflush(stdout)
    fflush(stderr)
    exit(notImplementedExitStatus)
}
