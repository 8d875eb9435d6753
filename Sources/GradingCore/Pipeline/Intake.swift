import Foundation
import TensorKit
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
        // `#sourceLocation(file:line:)` makes the compiler report this file's errors as another file's, which would
        // charge them to an exercise the student got right.
        if let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(where: { $0.contains("#sourceLocation") }) {
            return .refused("line \(line + 1) holds a #sourceLocation directive, which makes compiler messages name other files; remove it.")
        }
        return .accepted(text)
    }
}

/// Unpacks a `.zip` submission into a fresh folder, safely and bounded. The grader reads the archive's table of
/// contents itself (`ZipListing`, every count bounded) and picks what to unpack: only `.swift` entries (nothing
/// else is ever compiled), at most `maximumDepth` folders deep, each declared no larger than a source file may be
/// and all together no larger than `maximumTotalBytes`. Entries whose names are absolute or climb out with `..` are
/// refused by name. `unzip` then runs inside the sandbox and writes into the sandbox's own size-capped /tmp, from
/// which the picked files are copied out: a zip bomb, even one whose declared sizes lie, fills at most that tmpfs
/// (`scratchMiB`) and the host disk never sees more. Symbolic links are refused by intake.
enum ZipExtractor {
    struct Limits {
        var maximumEntryBytes: UInt64 = 256 * 1024
        var maximumTotalBytes: UInt64 = 2 << 20
        var maximumDepth = 3
        var scratchMiB = 8
        /// Names quoted in one kind of notice; the rest are counted.
        var namesQuoted = 5
    }

    struct Extraction {
        var folder: URL
        var notices: [String] = []
        /// Why nothing was unpacked (the archive is unreadable or absurd), in a sentence; nil when it was.
        var refusal: String?
    }

    static func extract(zip: URL, into destination: URL, sandbox: Sandbox, slot: Int, limits: Limits = Limits()) -> Extraction {
        var result = Extraction(folder: destination)
        let listing: ZipListing
        switch ZipListing.read(zip) {
        case let .failure(failure):
            result.refusal = "The file \(zip.lastPathComponent) was not unpacked: \(failure)."
            return result
        case let .success(read): listing = read
        }
        var picked: [String] = [], climbing: [String] = [], oversized: [String] = [], tooDeep = 0, beyondTotal = 0
        var total: UInt64 = 0
        for entry in listing.entries {
            let components = entry.name.split(separator: "/")
            if entry.name.hasPrefix("/") || components.contains("..") { climbing.append(entry.name); continue }
            guard entry.name.hasSuffix(".swift") else { continue }
            if components.count > limits.maximumDepth { tooDeep += 1; continue }
            if entry.uncompressedBytes > limits.maximumEntryBytes { oversized.append("'\(entry.name)' (\(entry.uncompressedBytes == .max ? "over 4 GiB" : "\(entry.uncompressedBytes) bytes"))"); continue }
            if total + entry.uncompressedBytes > limits.maximumTotalBytes { beyondTotal += 1; continue }
            total += entry.uncompressedBytes
            picked.append(entry.name)
        }
        func quoted(_ names: [String]) -> String {
            names.prefix(limits.namesQuoted).joined(separator: ", ") + (names.count > limits.namesQuoted ? " and \(names.count - limits.namesQuoted) more" : "")
        }
        for name in climbing.prefix(limits.namesQuoted) {
            result.notices.append("The zip entry '\(name)' would land outside the submission's folder and was refused.")
        }
        if climbing.count > limits.namesQuoted {
            result.notices.append("\(climbing.count - limits.namesQuoted) more zip entries would land outside the submission's folder and were refused.")
        }
        if !oversized.isEmpty {
            result.notices.append(oversized.count == 1
                ? "The zip entry \(oversized[0]) would unpack to more than the \(limits.maximumEntryBytes / 1024) KiB allowed for one source file and was not unpacked."
                : "The zip entries \(quoted(oversized)) would unpack to more than the \(limits.maximumEntryBytes / 1024) KiB allowed for one source file and were not unpacked.")
        }
        if tooDeep > 0 {
            result.notices.append("\(DisplayFormat.count(tooDeep, "Swift file")) in the zip \(tooDeep == 1 ? "lies" : "lie") more than \(limits.maximumDepth) folders deep, where the grader never looks, and \(tooDeep == 1 ? "was" : "were") not unpacked.")
        }
        if beyondTotal > 0 {
            result.notices.append("\(DisplayFormat.count(beyondTotal, "Swift file")) in the zip \(beyondTotal == 1 ? "was" : "were") not unpacked: the files before \(beyondTotal == 1 ? "it" : "them") already add up to the \(limits.maximumTotalBytes >> 20) MiB a submission may unpack to.")
        }

        Interruption.createWorkFolder(destination)
        if let uid = sandbox.uid(forSlot: slot) { chown(destination.path, uid, uid) }
        if !picked.isEmpty {
            // Only the zip itself is visible inside (not the folder of every other submission beside it).
            let script = "unzip -qq -o /box/in/submission.zip \"$@\" -d /tmp/unpacked; cp -R /tmp/unpacked/. /box/out/"
            let command = sandbox.command(["/bin/bash", "-c", script, "unpack"] + picked.map(unzipLiteralPattern),
                                          limits: .init(cpuSeconds: 20, memoryMiB: 512, processes: 8, fileSizeMiB: 1,
                                                        tmpfsMiB: limits.scratchMiB),
                                          binds: [.init(zip.path, at: "/box/in/submission.zip"),
                                                  .init(destination.path, at: "/box/out", writable: true)],
                                          workingDirectory: "/tmp", slot: slot)
            if let child = try? ChildProcess(command, outputCap: 4096) {
                child.closeInput()
                _ = child.waitForExit(deadline: Date().addingTimeInterval(30))
            }
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
        result.folder = folder
        return result
    }

    /// An unzip pattern that matches exactly `name`: its wildcard characters are put in brackets.
    static func unzipLiteralPattern(_ name: String) -> String {
        String(name.flatMap { "[*?\\".contains($0) ? "[\($0)]" : String($0) })
    }
}
