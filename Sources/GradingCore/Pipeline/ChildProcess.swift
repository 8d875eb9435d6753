import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, with the three channels the grader needs:
/// its standard input (requests), file descriptor 3 (replies, read only by the grader) and its standard output
/// and error merged into one captured stream.
///
/// The child leads its own process group, so `kill()` reaches everything it started that did not escape the group
/// (inside bubblewrap, the PID namespace guarantees the rest: when its init dies, every process in it dies).
public final class ChildProcess {
    let pid: pid_t
    private(set) var stdinFD: Int32
    let replyFD: Int32
    let outputFD: Int32
    private var reaped: Int32?
    /// The child's cgroup (`Sandbox.Command.cgroup`): removed, and anything left in it killed, once the child is
    /// reaped.
    var cgroup: CgroupLease?
    /// How often the kernel's out-of-memory killer acted in the child's cgroup (read when it was reaped).
    private(set) var outOfMemoryKills = 0

    /// What the captured output stream holds so far (capped) and how many bytes were dropped past the cap.
    private(set) var output = [UInt8]()
    private(set) var droppedOutputBytes = 0
    let outputCap: Int
    private(set) var outputClosed = false
    /// Where reply bytes are read before they are appended: one buffer for the child's life, not a zeroed megabyte
    /// per read.
    private var replyChunk = [UInt8]()

    /// The capacity asked for the call and reply pipes: a 2.9 MB reply then crosses in three wake-ups instead of
    /// forty-five 64 KiB ones. `/proc/sys/fs/pipe-max-size` allows 1 MiB by default; where the kernel refuses, the
    /// pipe keeps its default size.
    static let pipeCapacity: Int32 = 1 << 20
    /// Total output after which the child is killed: a flood costs milliseconds, not the whole time limit.
    let outputKillLimit: Int
    private(set) var outputLimitExceeded = false

    enum SpawnError: Error, CustomStringConvertible {
        case failed(program: String, errno: Int32)
        var description: String {
            switch self {
            case let .failed(program, code):
                return "Could not start \(program): \(String(cString: strerror(code)))."
            }
        }
    }

    /// Held while spawning. Pipes are created close-on-exec (`pipe2(O_CLOEXEC)`) and the child closes every
    /// descriptor above 3 at spawn (`posix_spawn_file_actions_addclosefrom_np`), so a child never inherits another
    /// job's pipe ends, a file the grader is writing, or anything the grader itself was started with.
    static let spawnLock = NSLock()

    /// A pipe whose ends are close-on-exec from birth, so a concurrent spawn on another job never inherits it
    /// (`pipe2(O_CLOEXEC)`, or `pipe` and `fcntl` under the spawn lock where pipe2 is missing); nil if none could be
    /// made (errno says why).
    static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        #if canImport(Glibc)
        if let pipe2 = GlibcExtras.pipe2 { return pipe2(&fds, O_CLOEXEC) == 0 ? (fds[0], fds[1]) : nil }
        #endif
        spawnLock.lock()
        defer { spawnLock.unlock() }
        guard pipe(&fds) == 0 else { return nil }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC); _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// `inheritedDescriptors` are the only descriptors the child gets besides 0–3: the first at 4, the next at 5,
    /// and so on (e.g. what bubblewrap reads with `--seccomp 4` or `--file 5 DEST`); everything from
    /// 4 + their count upward is closed. The grader's own descriptors are left open: the caller closes them after
    /// the spawn.
    init(arguments: [String], environment: [String: String]? = nil, outputCap: Int,
         outputKillLimit: Int = 16 << 20, inheritedDescriptors: [Int32] = []) throws {
        precondition(!arguments.isEmpty)
        self.outputCap = outputCap
        self.outputKillLimit = outputKillLimit
        // Copies of the inherited descriptors numbered above every target (see the spawn actions below).
        let firstClosed = 4 + Int32(inheritedDescriptors.count)
        var sources: [Int32] = []
        defer { sources.forEach { close($0) } }
        for descriptor in inheritedDescriptors {
            let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, firstClosed)
            guard copy >= 0 else { throw SpawnError.failed(program: arguments[0], errno: errno) }
            sources.append(copy)
        }
        guard let input = Self.makePipe(), let reply = Self.makePipe(), let output = Self.makePipe() else {
            throw SpawnError.failed(program: arguments[0], errno: errno)
        }
        #if os(Linux)
        let setPipeSize: Int32 = 1031  // F_SETPIPE_SZ
        _ = fcntl(input.write, setPipeSize, ChildProcess.pipeCapacity)
        _ = fcntl(reply.write, setPipeSize, ChildProcess.pipeCapacity)
        #endif

        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer { posix_spawn_file_actions_destroy(&actions); posix_spawnattr_destroy(&attributes) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, output.write, 2)
        posix_spawn_file_actions_adddup2(&actions, reply.write, 3)
        // Each inherited descriptor goes from a copy numbered above every target (so no dup2 overwrites a source
        // still to be copied, and none is a no-op that would keep close-on-exec) to 4, 5, …; dup2 clears
        // close-on-exec on its target. The copies are the grader's, closed once the child is started.
        for (index, source) in sources.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, source, 4 + Int32(index))
        }
        #if canImport(Glibc)
        // Nothing above the reply channel and the inherited descriptors survives into the child, whatever the
        // grader holds open.
        if let closeFrom = GlibcExtras.addCloseFrom {
            _ = closeFrom(&actions, firstClosed)
        } else {
            for descriptor in firstClosed..<Int32(Swift.min(getdtablesize(), 4096)) where fcntl(descriptor, F_GETFD) >= 0 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        #endif
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        // The grader may ignore SIGINT and SIGTERM itself (see `Interruption`); its children must not inherit that.
        var restored = sigset_t()
        sigemptyset(&restored)
        sigaddset(&restored, SIGINT)
        sigaddset(&restored, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &restored)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setsigmask(&attributes, &signals)

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let program = arguments[0]
        ChildProcess.spawnLock.lock()
        defer { ChildProcess.spawnLock.unlock() }
        let status: Int32 = program.contains("/")
            ? posix_spawn(&child, program, &actions, &attributes, argv, envp)
            : posix_spawnp(&child, program, &actions, &attributes, argv, envp)
        close(input.read); close(reply.write); close(output.write)
        guard status == 0 else {
            close(input.write); close(reply.read); close(output.read)
            throw SpawnError.failed(program: program, errno: status)
        }
        pid = child
        LiveChildren.add(child)
        stdinFD = input.write
        replyFD = reply.read
        outputFD = output.read
        _ = fcntl(outputFD, F_SETFL, fcntl(outputFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(replyFD, F_SETFL, fcntl(replyFD, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill()
        _ = waitForExit()
        if stdinFD >= 0 { close(stdinFD) }
        close(replyFD)
        close(outputFD)
    }

    /// Writes all of `bytes` to the child's standard input. Returns false if the child has closed it.
    func send(_ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(stdinFD, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    func closeInput() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    /// Waits until `replyBytes` are available on the reply channel, draining the output stream meanwhile.
    /// Returns the bytes, or nil if the deadline passed or the channel closed first.
    func readReply(count: Int, deadline: Date, into buffer: inout [UInt8]) -> Bool {
        while buffer.count < count {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return false }
            var fds = [pollfd(fd: replyFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: outputClosed ? -1 : outputFD, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, Int32(Swift.min(remaining * 1000, 1000)) + 1)
            if ready < 0 { if errno == EINTR { continue }; return false }
            if fds[1].revents != 0 { drainOutput() }
            if fds[0].revents != 0 {
                // At most 1 MiB per read: what arrives is bounded by the caller's count, never by a claim.
                let want = Swift.min(1 << 20, Swift.max(4096, count - buffer.count))
                if replyChunk.count < want { replyChunk = [UInt8](repeating: 0, count: want) }
                let n = replyChunk.withUnsafeMutableBytes { read(replyFD, $0.baseAddress!, want) }
                if n > 0 { buffer.append(contentsOf: replyChunk[0..<n]) }
                else if n == 0 { return false }
                else if errno != EAGAIN && errno != EINTR { return false }
            }
        }
        return true
    }

    /// Reads whatever output is available without blocking, keeping at most `outputCap` bytes.
    func drainOutput() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress!, $0.count) }
            if n > 0 {
                let keep = Swift.max(0, Swift.min(n, outputCap - output.count))
                output.append(contentsOf: chunk[0..<keep])
                droppedOutputBytes += n - keep
                if output.count + droppedOutputBytes > outputKillLimit && !outputLimitExceeded {
                    outputLimitExceeded = true
                    kill()
                }
            } else {
                if n == 0 { outputClosed = true }
                return
            }
        }
    }

    /// Forgets the output captured so far (and what was dropped past the cap), so the next exercise served by this
    /// process gets its own cap and its own output-flood budget.
    func resetCapture() {
        drainOutput()
        output.removeAll(keepingCapacity: true)
        droppedOutputBytes = 0
    }

    /// Drains output until the stream closes or the deadline passes (used after the child exits or is killed).
    func drainOutputUntilClosed(deadline: Date) {
        while !outputClosed && deadline.timeIntervalSinceNow > 0 {
            if !pollOutput(milliseconds: 50) && reaped != nil { return }
        }
    }

    /// Waits up to `milliseconds` for output and drains it; false if none came.
    @discardableResult
    private func pollOutput(milliseconds: Int32) -> Bool {
        var fds = [pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, milliseconds) > 0 else { return false }
        drainOutput()
        return true
    }

    /// Kills the child's whole process group with SIGKILL (no chance to ignore it).
    func kill() {
        guard reaped == nil else { return }
        _ = Glibc_kill(-pid, SIGKILL)
        _ = Glibc_kill(pid, SIGKILL)
    }

    /// The raw wait status once the child has exited, waiting for it if `block`.
    func waitForExit(block: Bool = true) -> Int32? {
        if let reaped { return reaped }
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, block ? 0 : WNOHANG)
            if r == pid {
                reaped = status
                LiveChildren.remove(pid)
                if let cgroup {
                    outOfMemoryKills = cgroup.outOfMemoryKills
                    cgroup.remove()
                }
                return status
            }
            if r == 0 { return nil }
            if r < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Waits for exit until `deadline`; kills the child if it is still running then.
    func waitForExit(deadline: Date) -> (status: Int32, killed: Bool) {
        while deadline.timeIntervalSinceNow > 0 {
            if let status = waitForExit(block: false) { return (status, false) }
            if !outputClosed { pollOutput(milliseconds: 5) } else { usleep(2000) }
        }
        kill()
        return (waitForExit() ?? 0, true)
    }

    /// The captured output from byte `start` on, with a note when bytes past the cap were dropped.
    func outputText(from start: Int = 0) -> String {
        var text = String(decoding: output[Swift.min(start, output.count)...], as: UTF8.self)
        if droppedOutputBytes > 0 { text += "\n… (output truncated: \(droppedOutputBytes) more bytes were dropped)" }
        return text
    }
}

/// Every child the grader has started and not yet reaped, so that an interrupted grader can end them all
/// (`Interruption`). Once `killAll` has run, a child that starts later is killed at once.
enum LiveChildren {
    private static let state = Mutex((pids: Set<pid_t>(), closed: false))

    static func add(_ pid: pid_t) {
        let closed = state.withLock { state in
            state.pids.insert(pid)
            return state.closed
        }
        if closed { killGroup(pid) }
    }

    static func remove(_ pid: pid_t) {
        state.withLock { _ = $0.pids.remove(pid) }
    }

    /// SIGKILLs the process group of every live child and of any started from now on; returns their ids.
    static func killAll() -> [pid_t] {
        let pids = state.withLock { state in
            state.closed = true
            return Array(state.pids)
        }
        pids.forEach(killGroup)
        return pids
    }

    private static func killGroup(_ pid: pid_t) {
        _ = Glibc_kill(-pid, SIGKILL)
        _ = Glibc_kill(pid, SIGKILL)
    }
}

#if canImport(Glibc)
/// glibc functions the Swift Glibc module does not import (they need _GNU_SOURCE), looked up once at run time.
enum GlibcExtras {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// `pipe2` (glibc 2.9).
    static let pipe2: Pipe2? = symbol("pipe2")
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): the child closes every descriptor from n on.
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
#endif

@inline(__always) private func Glibc_kill(_ pid: pid_t, _ signal: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.kill(pid, signal)
    #else
    return Darwin.kill(pid, signal)
    #endif
}

/// Decodes a wait status into words for a student.
enum ExitDescription {
    static func exitCode(_ status: Int32) -> Int32? { (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil }
    static func signal(_ status: Int32) -> Int32? {
        let s = status & 0x7f
        return (s != 0 && s != 0x7f) ? s : nil
    }
    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGILL: return "SIGILL (a Swift runtime trap: array index out of range, force-unwrapped nil, integer overflow or a failed precondition)"
        case SIGTRAP: return "SIGTRAP (a Swift runtime trap: array index out of range, force-unwrapped nil, integer overflow or a failed precondition)"
        case SIGSEGV: return "SIGSEGV (invalid memory access, often unbounded recursion overflowing the stack)"
        case SIGBUS: return "SIGBUS (invalid memory access)"
        case SIGABRT: return "SIGABRT (the process aborted, for example after a failed allocation)"
        case SIGFPE: return "SIGFPE (an arithmetic fault such as integer division by zero)"
        case SIGKILL: return "SIGKILL (killed, usually for exceeding a time or memory limit)"
        case SIGXCPU: return "SIGXCPU (the CPU-time limit was exceeded)"
        case SIGXFSZ: return "SIGXFSZ (the file-size limit was exceeded)"
        case SIGPIPE: return "SIGPIPE (wrote to a closed pipe)"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }
}

extension ChildProcess {
    /// Runs `arguments` to completion (keeping at most `outputCap` bytes of output) and returns its wall time in
    /// seconds, or nil when it cannot be started. For measurements (`grader bench`), not for student code.
    public static func wallSeconds(_ arguments: [String], environment: [String: String]? = nil, outputCap: Int = 64 * 1024,
                                   timeout: TimeInterval) -> Double? {
        let start = Date()
        guard let child = try? ChildProcess(arguments: arguments, environment: environment, outputCap: outputCap) else { return nil }
        child.closeInput()
        _ = child.waitForExit(deadline: Date().addingTimeInterval(timeout))
        return Date().timeIntervalSince(start)
    }
}
