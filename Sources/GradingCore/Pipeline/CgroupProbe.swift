import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether this machine delegates a cgroup v2 subtree with the memory and pids controllers to the grader.
///
/// cgroup limits would count what rlimits cannot: resident memory of the whole sandbox, including memfd and pipe
/// buffers, and its total process count. Where no writable cgroup v2 with both controllers is delegated (this
/// development machine mounts cgroup v1 for memory and pids), the sandbox relies on rlimits: address space per
/// process, and memory held in files bounded by the open-file limit times the file-size limit, with /dev read-only
/// and /tmp sized. The grader does not yet place sandboxes in a delegated cgroup; the notice says which case holds.
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
        case noUnifiedHierarchy
        case controllersMissing(String)
        case notWritable(String)
        var description: String {
            switch self {
            case .noUnifiedHierarchy: return "this machine has no cgroup v2 hierarchy for the grader"
            case let .controllersMissing(folder): return "the grader's cgroup v2 (\(folder)) lacks the memory or pids controller"
            case let .notWritable(folder): return "the grader's cgroup v2 (\(folder)) is not writable by it"
            }
        }
    }

    /// One line for `batch`: which memory bound holds for sandboxed code here.
    static func notice(openFiles: Int, fileSizeMiB: Int) -> String {
        let rlimits = "address space per process, and at most \(openFiles) open files × \(fileSizeMiB) MiB each for memory held in files (memfd, pipes)"
        switch delegatedCgroup() {
        case let .failure(reason):
            return "Note: no cgroup memory or process limits (\(reason)); sandboxed code is bounded by rlimits: \(rlimits)."
        case let .success(folder):
            return "Note: a cgroup v2 with memory and pids controllers is delegated at \(folder), but this grader does not use it yet; sandboxed code is bounded by rlimits: \(rlimits)."
        }
    }
}
