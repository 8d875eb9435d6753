import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Notices when a Swift file in the exercises folder is saved, created or removed, for `grader check --watch`.
///
/// It polls: every `pollInterval` it compares each file's modification time (to the nanosecond), change time, size
/// and inode with the last look. A handful of files cost microseconds a look, it works on every file system
/// (inotify misses changes on network and some container mounts) and it sees an editor's write-to-a-temporary-file-
/// and-rename as readily as an in-place write. Hidden files and folders (an editor's `.Softmax.swift.swp`) and
/// files other than `.swift` are ignored.
public struct ExerciseWatcher: Sendable {
    public let folder: URL
    public var pollInterval: Double = 0.25
    /// After a change, how long the files must stay unchanged before grading starts: an editor that saves in several
    /// writes (or a `git checkout` of several files) is graded once, after the last one.
    public var settleInterval: Double = 0.2

    public init(folder: URL) { self.folder = folder }

    /// What a look at one file sees: modification and status-change times in nanoseconds, size and inode.
    public struct Stamp: Equatable, Sendable {
        var modified: Int64
        var changed: Int64
        var size: Int64
        var inode: UInt64
    }

    /// Each watched file (its path relative to the folder) with its stamp.
    public func snapshot() -> [String: Stamp] {
        var result: [String: Stamp] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return result }
        while let relative = enumerator.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") }) {
                if let attributes = enumerator.fileAttributes, attributes[.type] as? FileAttributeType == .typeDirectory {
                    enumerator.skipDescendants()
                }
                continue
            }
            guard relative.hasSuffix(".swift") else { continue }
            var info = stat()
            guard stat(folder.appendingPathComponent(relative).path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            result[relative] = Stamp(modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                                     changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec),
                                     size: Int64(info.st_size), inode: UInt64(info.st_ino))
        }
        return result
    }

    /// The files that differ between two snapshots (changed, created or removed), sorted.
    public static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }

    /// Blocks until a watched file differs from `snapshot`, then until the files have settled; returns the files
    /// that changed.
    public func waitForChange(since snapshot: [String: Stamp]) -> [String] {
        var current = snapshot
        while current == snapshot {
            usleep(useconds_t(pollInterval * 1_000_000))
            current = self.snapshot()
        }
        while true {
            usleep(useconds_t(settleInterval * 1_000_000))
            let later = self.snapshot()
            if later == current { break }
            current = later
        }
        return Self.changes(from: snapshot, to: current)
    }
}
