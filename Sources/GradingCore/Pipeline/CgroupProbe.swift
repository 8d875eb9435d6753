import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Whether this machine delegates a cgroup v2 subtree with the memory and pids controllers to the grader.
///
/// cgroup limits would count what rlimits cannot: resident memory of the whole sandbox, including memfd and pipe
/// buffers, and its total process count. Where no writable cgroup v2 with both controllers is delegated (this
/// development machine mounts cgroup v1 for memory and pids), the sandbox relies on rlimits: address space per
/// process, and memory held in files bounded by the open-file limit times the file-size limit, with /dev read-only
/// and /tmp sized. Where one is delegated, `CgroupTree` gives every sandbox a child cgroup; the notice says which
/// case holds.
enum CgroupProbe {
    /// The grader's own cgroup v2 folder if it is writable and offers memory and pids, else why not.
    static func delegatedCgroup() -> Result<String, Reason> {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else {
            return .failure(.noUnifiedHierarchy)
        }
        let relative = String(line.dropFirst(3))
        guard let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8),
              let mount = mounts.split(separator: "\n").first(where: { $0.contains(" - cgroup2 ") }) else {
            return .failure(.noUnifiedHierarchy)
        }
        let fields = mount.split(separator: " ")
        guard fields.count > 4 else { return .failure(.noUnifiedHierarchy) }
        let folder = String(fields[4]) + (relative == "/" ? "" : relative)
        let controllers = (try? String(contentsOfFile: folder + "/cgroup.controllers", encoding: .utf8)) ?? ""
        let available = Set(controllers.split(whereSeparator: \.isWhitespace).map(String.init))
        guard available.isSuperset(of: ["memory", "pids"]) else { return .failure(.controllersMissing(folder)) }
        guard access(folder, W_OK) == 0, access(folder + "/cgroup.subtree_control", W_OK) == 0 else {
            return .failure(.notWritable(folder))
        }
        return .success(folder)
    }

    enum Reason: Error, CustomStringConvertible {
        case turnedOff
        case noUnifiedHierarchy
        case controllersMissing(String)
        case notWritable(String)
        var description: String {
            switch self {
            case .turnedOff: return "GRADER_CGROUPS=0 turned them off"
            case .noUnifiedHierarchy: return "this machine has no cgroup v2 hierarchy for the grader"
            case let .controllersMissing(folder): return "the grader's cgroup v2 (\(folder)) lacks the memory or pids controller"
            case let .notWritable(folder): return "the grader's cgroup v2 (\(folder)) is not writable by it"
            }
        }
    }

    /// One line for `batch`: which memory bound holds for sandboxed code here.
    static func notice(openFiles: Int, fileSizeMiB: Int) -> String {
        switch CgroupTree.shared {
        case let .failure(reason):
            let rlimits = "address space per process, and at most \(openFiles) open files × \(fileSizeMiB) MiB each for memory held in pipes"
            return "Note: no cgroup memory or process limits (\(reason)); sandboxed code is bounded by rlimits: \(rlimits)."
        case let .success(tree):
            return "Note: each sandbox runs in its own cgroup v2 under \(tree.folder), which limits its memory in all (memory.max, no swap) and its processes (pids.max), besides the rlimits."
        }
    }
}

/// The cgroup v2 subtree the grader was delegated, made ready to hold one child cgroup per sandboxed process tree.
///
/// cgroup v2 lets a cgroup with processes in it hand no controllers to children ("no internal processes"), so the
/// grader first moves itself into a leaf of its own (`grader`), then enables the memory and pids controllers for
/// the subtree, as systemd does for a delegated unit. Each sandbox then gets `sandbox-…` beside that leaf with
/// `memory.max`, `memory.swap.max` = 0 and `pids.max` set: resident memory of the whole sandbox — memfd files,
/// pipe buffers and tmpfs pages included — and its process count, which rlimits cannot see.
public struct CgroupTree: Sendable {
    /// The delegated folder (the grader's own cgroup when it started).
    public let folder: String

    /// This process's tree, readied on first use; the reason where none can be used. GRADER_CGROUPS=0 turns it off.
    static let shared: Result<CgroupTree, CgroupProbe.Reason> = {
        if ProcessInfo.processInfo.environment["GRADER_CGROUPS"] == "0" { return .failure(.turnedOff) }
        switch CgroupProbe.delegatedCgroup() {
        case let .success(folder): return prepare(folder: folder)
        case let .failure(reason): return .failure(reason)
        }
    }()

    /// Readies `folder` (from `CgroupProbe.delegatedCgroup`), or says why it cannot be used.
    static func prepare(folder: String, pid: pid_t = getpid()) -> Result<CgroupTree, CgroupProbe.Reason> {
        let leaf = folder + "/grader"
        if mkdir(leaf, 0o755) != 0 && errno != EEXIST { return .failure(.notWritable(folder)) }
        guard write("\(pid)\n", to: leaf + "/cgroup.procs") else { return .failure(.notWritable(folder)) }
        guard write("+memory +pids\n", to: folder + "/cgroup.subtree_control") else {
            return .failure(.controllersMissing(folder))
        }
        return .success(CgroupTree(folder: folder))
    }

    private static let counter = Mutex(0)

    /// A new child cgroup for one sandboxed process tree, with its limits written; nil if the kernel refuses.
    public func lease(memoryMiB: Int, processes: Int) -> CgroupLease? {
        let serial = Self.counter.withLock { value -> Int in value += 1; return value }
        let path = folder + "/sandbox-\(getpid())-\(serial)"
        guard mkdir(path, 0o755) == 0 else { return nil }
        let lease = CgroupLease(folder: path)
        guard Self.write("\(memoryMiB * 1024 * 1024)\n", to: path + "/memory.max"),
              Self.write("\(processes)\n", to: path + "/pids.max") else {
            lease.remove()
            return nil
        }
        // No swap to spill into where the kernel has swap accounting (the file is absent otherwise).
        if FileManager.default.fileExists(atPath: path + "/memory.swap.max") { _ = Self.write("0\n", to: path + "/memory.swap.max") }
        return lease
    }

    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_CREAT, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
    }
}

/// One sandboxed process tree's cgroup: entered by the first process of the command before it drops privileges,
/// inherited by everything it starts, and removed (anything left in it killed) once the command has ended.
public struct CgroupLease: Sendable {
    public let folder: String

    /// The prefix that moves the command into this cgroup, then runs it: `sh -c 'echo $$ > …/cgroup.procs && exec "$@"'`.
    public var enterPrefix: [String] {
        ["/bin/sh", "-c", "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"", folder]
    }

    /// How many times the kernel's out-of-memory killer acted in this cgroup (`memory.events`' oom_kill).
    public var outOfMemoryKills: Int {
        guard let events = try? String(contentsOfFile: folder + "/memory.events", encoding: .utf8) else { return 0 }
        return events.split(separator: "\n").first { $0.hasPrefix("oom_kill ") }.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
    }

    /// Kills whatever is left in the cgroup (`cgroup.kill`) and removes it; retried briefly while the kernel
    /// finishes reaping.
    public func remove() {
        if FileManager.default.fileExists(atPath: folder + "/cgroup.kill") { _ = CgroupTree.write("1\n", to: folder + "/cgroup.kill") }
        for _ in 0..<50 {
            if rmdir(folder) == 0 || errno == ENOENT { return }
            if errno != EBUSY { break }
            usleep(2000)
        }
        // A plain folder (not cgroupfs) or one the kernel keeps: remove what can be removed.
        try? FileManager.default.removeItem(atPath: folder)
    }
}
