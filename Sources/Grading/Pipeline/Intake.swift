import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Takes what a submission folder (or `.zip`) offers and keeps only what may be compiled: the exercise files the
/// manifest names (at the top level or under `Exercises/`) and other `.swift` helper files beside them. Everything is
/// read by the trusted grader with `lstat` first, so a symbolic link, a device or a FIFO is refused without ever being
/// followed or opened.
public struct Intake: Sendable {
    public struct Limits: Sendable {
        public var maximumFileBytes = 256 * 1024
        public var maximumHelperFiles = 16
        public var maximumTotalBytes = 1024 * 1024
        public init() {}
    }

    /// An exercise file accepted for compiling.
    public var exerciseSources: [String: String] = [:]
    /// Exercise files refused (status `rejected`) with the reason, in a sentence.
    public var rejected: [String: String] = [:]
    /// Helper files accepted: (file name as submitted, contents).
    public var helpers: [(name: String, source: String)] = []
    /// Notices about the submission as a whole (helpers refused, zip entries refused).
    public var notices: [String] = []

    /// Reads a submission folder. `exerciseFiles` maps exercise ids to file names.
    public static func read(folder: URL, exerciseFiles: [(id: String, file: String)], limits: Limits = Limits()) -> Intake {
        var intake = Intake()
        var totalBytes = 0
        var roots = [folder]
        let exercisesFolder = folder.appendingPathComponent("Exercises")
        var info = stat()
        if lstat(exercisesFolder.path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { roots.append(exercisesFolder) }
            else { intake.notices.append("Exercises/ was refused: it is not a plain folder (a symbolic link or a file).") }
        }
        let exerciseNames = Set(exerciseFiles.map(\.file))

        for (id, file) in exerciseFiles {
            for root in roots {
                let path = root.appendingPathComponent(file).path
                switch inspect(path: path, limits: limits) {
                case .absent: continue
                case let .refused(reason):
                    intake.rejected[id] = "\(file) was refused: \(reason)"
                case let .accepted(text):
                    totalBytes += text.utf8.count
                    intake.exerciseSources[id] = text
                }
                break
            }
        }

        var helperNames = Set<String>()
        for root in roots {
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
            for name in entries where name.hasSuffix(".swift") && !exerciseNames.contains(name) {
                if helperNames.contains(name) { continue }
                guard intake.helpers.count < limits.maximumHelperFiles else {
                    intake.notices.append("The helper file \(name) was ignored: at most \(limits.maximumHelperFiles) helper files are compiled.")
                    continue
                }
                switch inspect(path: root.appendingPathComponent(name).path, limits: limits) {
                case .absent: continue
                case let .refused(reason):
                    intake.notices.append("The helper file \(name) was refused: \(reason)")
                case let .accepted(text):
                    guard totalBytes + text.utf8.count <= limits.maximumTotalBytes else {
                        intake.notices.append("The helper file \(name) was ignored: the submission's Swift files would exceed \(limits.maximumTotalBytes / 1024) KiB in all.")
                        continue
                    }
                    totalBytes += text.utf8.count
                    helperNames.insert(name)
                    intake.helpers.append((name, text))
                }
            }
        }
        return intake
    }

    enum Inspection { case absent, refused(String), accepted(String) }

    static func inspect(path: String, limits: Limits) -> Inspection {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK { return .refused("it is a symbolic link; submit the file itself, not a link to it.") }
        if type == S_IFDIR { return .absent }
        guard type == S_IFREG else { return .refused("it is not a regular file (a device, socket or pipe).") }
        guard Int(info.st_size) <= limits.maximumFileBytes else {
            return .refused("it is \(Int(info.st_size)) bytes, more than the \(limits.maximumFileBytes / 1024) KiB allowed for one source file.")
        }
        // O_NOFOLLOW: the file was a regular file a moment ago; never follow a link swapped in since.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .refused("it could not be opened (\(String(cString: strerror(errno))).") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { break }
            done += n
        }
        guard let text = String(validating: bytes[0..<done], as: UTF8.self) else {
            return .refused("it is not valid UTF-8 text; save it as UTF-8.")
        }
        if text.contains("\0") { return .refused("it contains NUL bytes, so it is not a Swift source file.") }
        return .accepted(text)
    }
}

/// Unpacks a `.zip` submission into a fresh folder, safely: entries whose names are absolute or climb out with
/// `..` are refused by name, symbolic links are never created (`unzip` runs with links stored as plain files, and
/// intake refuses non-regular files anyway), and extraction runs inside the sandbox with a size-capped filesystem,
/// so a zip bomb fills only its own tmpfs.
enum ZipExtractor {
    static func extract(zip: URL, into destination: URL, sandbox: Sandbox, slot: Int) -> (folder: URL, notices: [String]) {
        var notices: [String] = []
        var refused: [String] = []
        if let listing = try? GraderEnvironment.runQuick(["unzip", "-Z1", zip.path], timeout: 20) {
            for name in listing.split(separator: "\n").map(String.init) {
                if name.hasPrefix("/") || name.split(separator: "/").contains("..") {
                    notices.append("The zip entry '\(name)' would land outside the submission's folder and was refused.")
                    refused.append(name)
                }
            }
        } else {
            notices.append("The file \(zip.lastPathComponent) is not a readable zip archive.")
            return (destination, notices)
        }
        try? FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        if let uid = sandbox.uid(forSlot: slot) { chown(destination.path, uid, uid) }
        // Refused entries must not be extracted at all: unzip would strip their `/` and `..` and put them inside the
        // folder, where they would still be compiled and would hide a zip's single top folder.
        let exclusions = refused.isEmpty ? [] : ["-x"] + refused.map(unzipLiteralPattern)
        let command = sandbox.command(["unzip", "-qq", "-o", zip.lastPathComponent, "-d", "/box/out"] + exclusions,
                                      limits: .init(cpuSeconds: 20, memoryMiB: 512, processes: 8, fileSizeMiB: 4),
                                      binds: [.init(zip.deletingLastPathComponent().path, at: "/box/in"),
                                              .init(destination.path, at: "/box/out", writable: true)],
                                      workingDirectory: "/box/in", slot: slot)
        if let child = try? ChildProcess(arguments: command, environment: [:], outputCap: 4096) {
            child.closeInput()
            _ = child.waitForExit(deadline: Date().addingTimeInterval(30))
        }
        // A zip of a single folder: descend into it.
        var folder = destination
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") && $0 != "__MACOSX" }
        if entries.count == 1, entries[0] != "Exercises" {
            let only = folder.appendingPathComponent(entries[0])
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: only.path, isDirectory: &isDirectory), isDirectory.boolValue,
               (try? FileManager.default.destinationOfSymbolicLink(atPath: only.path)) == nil {
                folder = only
            }
        }
        return (folder, notices)
    }

    /// An unzip pattern that matches exactly `name`: its wildcard characters are put in brackets.
    static func unzipLiteralPattern(_ name: String) -> String {
        String(name.flatMap { "[*?\\".contains($0) ? "[\($0)]" : String($0) })
    }
}
