import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How student code (its compilation and its runs) is isolated.
///
/// **bubblewrap** (the default for `batch`): a fresh mount namespace that shows only the system's `/usr` (and the
/// Swift toolchain), the dynamic loader's cache, the prebuilt grading kit (read-only) and the submission's own
/// build folder; a private size-capped `/tmp` (the only writable file system: `/dev` is bwrap's minimal one, read-only,
/// so no `/dev/shm`); no network (a new, empty network namespace); its own PID, IPC and UTS namespaces, so every
/// process it starts dies with it; no nested user namespaces (`--disable-userns` where bwrap has it); a cleared
/// environment. When the grader runs as root, the sandbox is entered as an unprivileged uid of its own per job slot
/// (through `setpriv`; without setpriv, root is refused), so the process-count limit is enforced (the kernel never
/// applies RLIMIT_NPROC to root) and concurrent submissions never share that count. Inside, `ulimit` sets CPU
/// seconds, address space, processes, file size, open files and no core files; a limit that cannot be set stops
/// the run. The child starts with only its standard streams and the reply channel open (see `ChildProcess`).
/// The root of the sandbox is remounted read-only once it is built, so nothing can be written outside /tmp and the
/// binds made writable. A system-call filter (`SeccompFilter`, loaded by bwrap with `--seccomp` just before the
/// program starts) makes ptrace, memfd_create, unshare, mount, bpf, io_uring, keyctl and the like fail with EPERM
/// and kills a process that calls through another architecture's table; where this bwrap or kernel refuses it, the
/// sandbox runs without it and `notice` says so. Files can be copied in rather than bound (`Copy`): the worker
/// program is, so no grader folder is mounted where student code runs and its /proc/self/mountinfo names none.
///
/// **rlimits-only** (`check` on a machine without bubblewrap, e.g. macOS, or `batch --allow-unsandboxed`): the same
/// resource limits, uid drop and a cleared environment in a child process group, but no filesystem or network
/// isolation.
///
/// Compared with ioi/isolate and DOMjudge's runguard: like them we use namespaces plus rlimits, kill the whole
/// process tree on a wall-clock deadline and read verdicts only from the trusted side; like them we put each
/// sandbox in its own cgroup (memory.max, pids.max) where a cgroup v2 is delegated (`cgroups`, `CgroupTree`).
/// Where none is (this development machine: `CgroupProbe` says so in one line), memory is bounded by address space
/// rather than resident size, memory in files (pipes; memfd files where the filter is off) by open files × file
/// size, and CPU time by RLIMIT_CPU per process plus the wall-clock deadline for the tree. Our seccomp filter is a
/// short deny list (classic BPF written by hand, no libseccomp), not an allow list, so whatever the compiler and the
/// Swift runtime call keeps working.
public struct Sandbox: Sendable {
    public enum Kind: String, Sendable, Codable {
        case bubblewrap
        case rlimitsOnly = "rlimits-only"
    }

    public let kind: Kind
    let bwrap: String?
    let setpriv: String?
    /// The delegated cgroup v2 each command gets a child of, with the command's memory and process limits (nil where
    /// none is delegated: see `CgroupProbe`).
    public var cgroups: CgroupTree?
    /// Whether this bubblewrap has `--disable-userns` (0.8 and later) and it works here: the sandboxed code then
    /// cannot make user namespaces of its own (the door to most kernel attack surface an unprivileged user has).
    var disablesUserNamespaces = false
    /// Whether bwrap loads the system-call filter (`filterProgram`) before it starts the sandboxed program.
    public internal(set) var filtersSystemCalls = false
    /// The filter's BPF program: `SeccompFilter`'s for this machine (nil where it has no table).
    var filterProgram: [UInt8]? = SeccompFilter.nativeBytes
    /// Why the filter is not in force, when bubblewrap runs without it (nil when it is, and for rlimits-only).
    var filterUnavailableReason: String?
    /// First uid used for sandboxed processes when running as root; job slot k uses `baseUID + k`. 61000 unless
    /// GRADER_SANDBOX_BASE_UID says otherwise: two graders running at once on one machine must not share uids (the
    /// process-count limit is per uid, and each must know which processes are its own).
    let baseUID: UInt32 = Sandbox.configuredBaseUID()

    static func configuredBaseUID() -> UInt32 {
        if let text = ProcessInfo.processInfo.environment["GRADER_SANDBOX_BASE_UID"], let value = UInt32(text),
           value >= 1000, value <= 4_000_000_000 {
            return value
        }
        return 61000
    }
    let toolchainRoot: String

    public struct Bind: Sendable {
        public var source: String
        public var destination: String
        public var writable: Bool
        public init(_ source: String, at destination: String? = nil, writable: Bool = false) {
            self.source = source
            self.destination = destination ?? source
            self.writable = writable
        }
    }

    public struct ResourceLimits: Sendable {
        public var cpuSeconds: Int
        public var memoryMiB: Int
        public var processes: Int
        public var fileSizeMiB: Int
        public var tmpfsMiB: Int
        /// RLIMIT_NOFILE: also bounds what pipes can hold, and `memfd_create` files where the system-call filter is not
        /// in force (open files × file-size limit).
        public var openFiles: Int
        public init(cpuSeconds: Int, memoryMiB: Int, processes: Int, fileSizeMiB: Int, tmpfsMiB: Int = 64, openFiles: Int = 64) {
            self.cpuSeconds = cpuSeconds
            self.memoryMiB = memoryMiB
            self.processes = processes
            self.fileSizeMiB = fileSizeMiB
            self.tmpfsMiB = tmpfsMiB
            self.openFiles = openFiles
        }
    }

    public enum Unavailable: Error, CustomStringConvertible {
        case bubblewrapMissing
        case bubblewrapFails(String)
        case setprivMissing
        public var description: String {
            switch self {
            case .setprivMissing:
                return "The grader runs as root, but setpriv (util-linux) is not installed, so student code could not be run as an unprivileged user and would run as root. Install util-linux (Debian: apt-get install util-linux), or run the grader as an ordinary user."
            case .bubblewrapMissing:
                return "bubblewrap (bwrap) is not installed, so student code cannot be isolated. Install it (Debian: apt-get install bubblewrap, or run `make deps`), or pass --allow-unsandboxed to accept the risk."
            case let .bubblewrapFails(reason):
                return "bubblewrap is installed but could not create a sandbox here (\(reason.trimmingCharacters(in: .whitespacesAndNewlines))). It needs user namespaces (sysctl kernel.unprivileged_userns_clone=1, or run as root). Pass --allow-unsandboxed to grade without isolation and accept the risk."
            }
        }
    }

    public var isRoot: Bool { getuid() == 0 }

    /// Finds bubblewrap and proves it works with a trial run. `filterProgram` is the system-call filter to load
    /// (a test passes one the kernel refuses, to see the sandbox fall back to none).
    public static func bubblewrap(toolchainRoot: String,
                                  filterProgram: [UInt8]? = SeccompFilter.nativeBytes) throws -> Sandbox {
        // GRADER_SANDBOX=rlimits forces the fallback (to try it on a machine that has bubblewrap).
        if ProcessInfo.processInfo.environment["GRADER_SANDBOX"] == "rlimits" {
            throw Unavailable.bubblewrapFails("disabled by GRADER_SANDBOX=rlimits")
        }
        guard let bwrap = findExecutable("bwrap") else { throw Unavailable.bubblewrapMissing }
        var candidate = Sandbox(kind: .bubblewrap, bwrap: bwrap,
                                setpriv: try privilegeDropper(isRoot: getuid() == 0, setpriv: findExecutable("setpriv")),
                                toolchainRoot: toolchainRoot)
        candidate.filterProgram = filterProgram
        let help = helpText(bwrap)
        let userNamespacesCanBeDisabled = help.contains("--disable-userns")
        let filterCanBeLoaded = filterProgram != nil && help.contains("--seccomp")
        // Each hardening that is advertised but refused here (a kernel without the needed sysctl, or without
        // seccomp filters) is dropped, the filter first; the strongest combination that runs is kept.
        var failure: Error = Unavailable.bubblewrapFails("no trial run")
        for (filter, noUserNamespaces) in [(true, true), (false, true), (true, false), (false, false)]
            where (filterCanBeLoaded || !filter) && (userNamespacesCanBeDisabled || !noUserNamespaces) {
            candidate.filtersSystemCalls = filter
            candidate.disablesUserNamespaces = noUserNamespaces
            do {
                try candidate.trialRun()
            } catch {
                failure = error
                continue
            }
            if !filter {
                candidate.filterUnavailableReason = filterProgram == nil
                    ? "the grader has no system-call table for this machine's architecture"
                    : filterCanBeLoaded ? "bubblewrap could not load it here, perhaps because the kernel lacks seccomp filters"
                    : "this bubblewrap has no --seccomp option"
            }
            return candidate
        }
        throw failure
    }

    /// One line for the user when bubblewrap runs without its system-call filter (nil otherwise).
    public var notice: String? {
        guard kind == .bubblewrap, !filtersSystemCalls, let reason = filterUnavailableReason else { return nil }
        return "Note: student code runs in bubblewrap without its system-call filter (\(reason)); the namespaces and resource limits still apply."
    }

    /// Runs `/usr/bin/true` in this sandbox; throws `bubblewrapFails` with what went wrong.
    private func trialRun() throws {
        let probe = command(["/usr/bin/true"], limits: .init(cpuSeconds: 5, memoryMiB: 256, processes: 16, fileSizeMiB: 1),
                            binds: [], workingDirectory: "/tmp", slot: 0)
        do {
            let child = try ChildProcess(probe, outputCap: 4096)
            child.closeInput()
            let (status, killed) = child.waitForExit(deadline: Date().addingTimeInterval(20))
            child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(1))
            if killed || status != 0 { throw Unavailable.bubblewrapFails(child.outputText().isEmpty ? "exit status \(status >> 8)" : child.outputText()) }
        } catch let error as Unavailable {
            throw error
        } catch {
            throw Unavailable.bubblewrapFails("\(error)")
        }
    }

    /// What drops root to a job slot's uid: `setpriv` when the grader is root (nil when it is not, nothing to drop).
    /// Root without setpriv is refused rather than running student code as root.
    static func privilegeDropper(isRoot: Bool, setpriv: String?) throws -> String? {
        guard isRoot else { return nil }
        guard let setpriv else { throw Unavailable.setprivMissing }
        return setpriv
    }

    /// `bwrap --help`, to see which options this version has.
    static func helpText(_ bwrap: String) -> String {
        guard let child = try? ChildProcess(arguments: [bwrap, "--help"], environment: [:], outputCap: 64 * 1024) else { return "" }
        child.closeInput()
        _ = child.waitForExit(deadline: Date().addingTimeInterval(10))
        child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(1))
        return child.outputText()
    }

    /// Resource limits only, no namespaces. As root, the code still runs as a job slot's unprivileged uid (through
    /// setpriv), and without setpriv this is refused: student code never runs as root.
    public static func rlimitsOnly(toolchainRoot: String) throws -> Sandbox {
        Sandbox(kind: .rlimitsOnly, bwrap: nil, setpriv: try privilegeDropper(isRoot: getuid() == 0, setpriv: findExecutable("setpriv")),
                toolchainRoot: toolchainRoot)
    }

    /// The uid a job slot's sandboxed processes run as (when the grader is root).
    public func uid(forSlot slot: Int) -> UInt32? {
        (isRoot && setpriv != nil) ? baseUID + UInt32(slot) : nil
    }

    /// The prefix that drops root to the slot's uid (empty when the grader is not root).
    private func privilegeDrop(slot: Int) -> [String] {
        guard let uid = uid(forSlot: slot), let setpriv else { return [] }
        return [setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--"]
    }

    /// A file copied into the sandbox (bwrap `--file`) rather than bound: nothing of the host path it came from is
    /// mounted, so the sandbox's /proc/self/mountinfo does not name it. bubblewrap only; rlimits-only ignores it.
    public struct Copy: Sendable {
        public var source: String
        public var destination: String
        /// The copy's permission bits (read-only: the sandbox's root is remounted read-only after it is made).
        public var mode: UInt16
        public init(_ source: String, at destination: String, mode: UInt16 = 0o555) {
            self.source = source
            self.destination = destination
            self.mode = mode
        }
    }

    /// What runs a program in the sandbox: its argument vector, and what the child is handed at descriptors 4, 5, …
    /// (in order), which the arguments name (`--seccomp 4`, `--file 5 /box/bin/worker`). Start it with
    /// `ChildProcess(_:outputCap:)`, which opens them and closes the grader's copies once the child runs.
    public struct Command: Sendable {
        public enum Input: Sendable, Equatable {
            /// Bytes the child reads from a pipe (the system-call filter).
            case bytes([UInt8])
            /// A file opened read-only (one that bwrap copies into the sandbox).
            case file(String)
        }
        public var arguments: [String]
        public var inputs: [Input] = []
        /// The command's own cgroup (its first process enters it), removed once the command has ended.
        public var cgroup: CgroupLease? = nil
    }

    /// The command that runs `program` under this sandbox with `limits`.
    public func command(_ program: [String], limits: ResourceLimits, binds: [Bind], copies: [Copy] = [],
                        workingDirectory: String, slot: Int, environment: [String: String] = [:]) -> Command {
        // ulimit -v and -f take KiB (bash's -f counts 1024-byte blocks).
        // SIGXFSZ ignored: a write past the file-size limit fails with EFBIG (the write is capped) instead of
        // killing the program, so code that only logs too much still gets its answers graded.
        // Every limit must take: one that fails stops the run (exit status 125) instead of running without it.
        let ulimits = "cd \(Sandbox.shellQuote(workingDirectory)) || exit 125; trap '' XFSZ; " +
            "ulimit -c 0 && ulimit -t \(limits.cpuSeconds) && ulimit -v \(limits.memoryMiB * 1024) && " +
            "ulimit -f \(limits.fileSizeMiB * 1024) && ulimit -u \(limits.processes) && ulimit -n \(limits.openFiles) || " +
            "{ echo 'The sandbox could not set its resource limits.' >&2; exit 125; }; exec \"$@\""
        let limited = ["/bin/bash", "-c", ulimits, "sandboxed"] + program
        var env = ["PATH": "\(toolchainRoot)/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
                   "OPENBLAS_NUM_THREADS": "1", "TMPDIR": "/tmp"]
        for (key, value) in environment { env[key] = value }

        var made = bare(limited: limited, env: env, binds: binds, copies: copies, limits: limits,
                        workingDirectory: workingDirectory, slot: slot)
        if let lease = cgroups?.lease(memoryMiB: limits.memoryMiB, processes: limits.processes) {
            made.arguments = lease.enterPrefix + made.arguments
            made.cgroup = lease
        }
        return made
    }

    private func bare(limited: [String], env: [String: String], binds: [Bind], copies: [Copy], limits: ResourceLimits,
                      workingDirectory: String, slot: Int) -> Command {
        switch kind {
        case .rlimitsOnly:
            return Command(arguments: privilegeDrop(slot: slot) + ["/usr/bin/env", "-i"]
                + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + limited)
        case .bubblewrap:
            var inputs: [Command.Input] = []
            /// The descriptor the next input will have in the child.
            func pass(_ input: Command.Input) -> String {
                inputs.append(input)
                return String(3 + inputs.count)
            }
            var args = privilegeDrop(slot: slot)
            args += [bwrap!, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
            if disablesUserNamespaces { args += ["--unshare-user", "--disable-userns"] }
            if filtersSystemCalls, let filterProgram { args += ["--seccomp", pass(.bytes(filterProgram))] }
            args += ["--ro-bind", "/usr", "/usr"]
            if !toolchainRoot.hasPrefix("/usr/") {
                let top = Sandbox.toolchainTop(toolchainRoot)
                args += ["--ro-bind", top, top]
            }
            for link in ["/bin", "/sbin", "/lib", "/lib64", "/lib32"] {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
                    args += ["--symlink", target, link]
                } else if FileManager.default.fileExists(atPath: link) {
                    args += ["--ro-bind", link, link]
                }
            }
            for etc in ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"]
                where FileManager.default.fileExists(atPath: etc) {
                args += ["--ro-bind", etc, etc]
            }
            // The only writable file system is the sized /tmp: /dev is bwrap's minimal one (null, zero, full, random,
            // urandom, tty) remounted read-only, so its unsized tmpfs and /dev/shm hold nothing (memory written
            // there would escape the address-space limit).
            args += ["--size", "\(limits.tmpfsMiB * 1024 * 1024)", "--tmpfs", "/tmp",
                     "--dev", "/dev", "--remount-ro", "/dev", "--proc", "/proc", "--hostname", "sandbox"]
            for bind in binds {
                args += [bind.writable ? "--bind" : "--ro-bind", bind.source, bind.destination]
            }
            for copy in copies {
                args += ["--dir", (copy.destination as NSString).deletingLastPathComponent,
                         "--perms", "0" + String(copy.mode, radix: 8), "--file", pass(.file(copy.source)), copy.destination]
            }
            // Last: the root (bwrap's own unsized tmpfs, holding the mount points and the copies) becomes
            // read-only, so memory cannot be parked there; the binds and /tmp under it keep their own flags.
            args += ["--remount-ro", "/"]
            for (key, value) in env.sorted(by: { $0.key < $1.key }) { args += ["--setenv", key, value] }
            args += ["--chdir", workingDirectory, "--"]
            return Command(arguments: args + limited, inputs: inputs)
        }
    }

    /// The top folder of a toolchain outside /usr (e.g. /opt/swift for /opt/swift/usr).
    static func toolchainTop(_ root: String) -> String {
        root.hasSuffix("/usr") ? String(root.dropLast(4)) : root
    }

    public static func shellQuote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

extension ChildProcess {
    /// Starts a sandbox command: its inputs are opened (a pipe holding the bytes, a file opened read-only) and
    /// handed to the child at descriptors 4, 5, …; the grader's copies are closed once the child is started.
    convenience init(_ command: Sandbox.Command, environment: [String: String] = [:], outputCap: Int) throws {
        var descriptors: [Int32] = []
        defer { descriptors.forEach { close($0) } }
        for input in command.inputs {
            switch input {
            case let .file(path):
                let descriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw SpawnError.failed(program: path, errno: errno) }
                descriptors.append(descriptor)
            case let .bytes(bytes):
                // The whole program fits in the pipe's buffer (64 KiB on Linux), so writing it never blocks; the
                // write end is closed before the child starts, so its reader sees the end.
                guard let pipe = ChildProcess.makePipe() else { throw SpawnError.failed(program: command.arguments[0], errno: errno) }
                descriptors.append(pipe.read)
                _ = fcntl(pipe.write, F_SETFL, fcntl(pipe.write, F_GETFL) | O_NONBLOCK)
                let written = bytes.withUnsafeBytes { write(pipe.write, $0.baseAddress, $0.count) }
                close(pipe.write)
                guard written == bytes.count else { throw SpawnError.failed(program: command.arguments[0], errno: written < 0 ? errno : EMSGSIZE) }
            }
        }
        do {
            try self.init(arguments: command.arguments, environment: environment, outputCap: outputCap,
                          inheritedDescriptors: descriptors)
        } catch {
            command.cgroup?.remove()
            throw error
        }
        cgroup = command.cgroup
    }
}
