#if canImport(Glibc)
// `stdout` and `stderr` are C globals that Glibc does not annotate for concurrency; libc locks each FILE itself,
// and only this one thread of the worker process touches them, so their use here is safe.
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loop that runs inside the (sandboxed) student process.
///
/// It reads framed `WorkerCall`s from standard input, hands each to `handler` (generated code that calls the
/// student's functions) and writes the framed `WorkerReply` to file descriptor 3, a pipe only the grader reads.
/// Standard output and error stay free for the student's own prints, which the grader captures and shows but
/// never interprets. The loop ends when standard input closes.
public enum WorkerLoop {
    public static let replyDescriptor: Int32 = 3

    public static func run(_ handler: (WorkerCall) -> WorkerReply) -> Never {
        // Prints must not sit in a buffer if the student's code later crashes: line-buffer stdout.
        setvbuf(stdout, nil, _IOLBF, 0)
        while let payload = readFrame(from: 0) {
            guard let call = try? WireFormat.decodeCall(payload) else { exit(65) }
            let reply = handler(call)
            fflush(stdout)
            fflush(stderr)
            writeAll(WireFormat.encode(reply), to: replyDescriptor)
        }
        exit(0)
    }

    static func readFrame(from fd: Int32) -> [UInt8]? {
        guard let header = readExactly(4, from: fd), let length = try? WireFormat.frameLength(header) else { return nil }
        return readExactly(length, from: fd)
    }

    static func readExactly(_ count: Int, from fd: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            done += n
        }
        return buffer
    }

    static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { exit(66) }
            done += n
        }
    }
}
