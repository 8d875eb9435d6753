import Foundation

/// Where things are: the package (for the manifest and the kit's sources), the Swift toolchain and OpenBLAS.
public struct GraderEnvironment: Sendable {
    public static let graderVersion = "1.0.0"

    public let packageRoot: URL
    public let swiftc: String
    /// The toolchain's `usr` folder (the parent of its `bin`).
    public let toolchainRoot: String
    public let toolchainVersion: String
    public let blasCompileFlags: [String]
    public let blasLinkFlags: [String]

    public enum SetupError: Error, CustomStringConvertible {
        case packageNotFound(String)
        case swiftcNotFound
        public var description: String {
            switch self {
            case let .packageNotFound(start):
                return "No grader package (a Package.swift beside Sources/TensorKit and grading/manifest.json) was found in \(start) or any folder above it. Run the grader from the course package."
            case .swiftcNotFound:
                return "The Swift compiler (swiftc) was not found on PATH; student code cannot be compiled."
            }
        }
    }

    public var manifestURL: URL { packageRoot.appendingPathComponent("grading/manifest.json") }
    /// The working copy's exercises; GRADER_EXERCISES names another folder (how `grader bench` times `check` after
    /// an edit without touching the student's files).
    public var exercisesURL: URL {
        if let folder = ProcessInfo.processInfo.environment["GRADER_EXERCISES"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        return packageRoot.appendingPathComponent("Exercises")
    }

    /// Finds the package root upwards from `start`, the toolchain on PATH and OpenBLAS through pkg-config.
    public static func discover(from start: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> GraderEnvironment {
        var directory = start.standardizedFileURL
        var root: URL?
        while true {
            let fm = FileManager.default
            if fm.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: directory.appendingPathComponent("Sources/TensorKit").path),
               fm.fileExists(atPath: directory.appendingPathComponent("grading/manifest.json").path) {
                root = directory
                break
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        guard let root else { throw SetupError.packageNotFound(start.path) }
        guard let found = Sandbox.findExecutable("swiftc") else { throw SetupError.swiftcNotFound }
        // Keep the name swiftc: the driver decides what it is from argv[0]. Only the folder is resolved.
        let swiftc = found
        let toolchainRoot = URL(fileURLWithPath: found).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().path
        let version = toolchainVersion(swiftc: swiftc, toolchainRoot: toolchainRoot, packageRoot: root)
        // pkg-config ends its line with a space and a newline: split on any white space, so no empty flag is passed
        // (an empty argument after -Xcc would swallow the flag after it).
        func words(_ text: String?) -> [String]? { text?.split(whereSeparator: \.isWhitespace).map(String.init) }
        let cflags = words(try? runQuick(["pkg-config", "--cflags", "openblas"])) ?? []
        let libs = words(try? runQuick(["pkg-config", "--libs", "openblas"])) ?? ["-lopenblas"]
        return GraderEnvironment(packageRoot: root, swiftc: swiftc, toolchainRoot: toolchainRoot,
                                 toolchainVersion: version.trimmingCharacters(in: .whitespacesAndNewlines),
                                 blasCompileFlags: cflags, blasLinkFlags: libs)
    }

    /// `swiftc --version`'s first line, remembered in `.build/grader-toolchain-version` against the frontend
    /// binary's size and modification time: asking the driver costs 0.1–0.2 s of every `grader check`.
    static func toolchainVersion(swiftc: String, toolchainRoot: String, packageRoot: URL) -> String {
        var info = stat()
        let frontend = toolchainRoot + "/bin/swift-frontend"
        let key = stat(frontend, &info) == 0 ? "\(frontend) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : nil
        let cache = packageRoot.appendingPathComponent(".build/grader-toolchain-version")
        if let key, let cached = try? String(contentsOf: cache, encoding: .utf8) {
            let lines = cached.split(separator: "\n", maxSplits: 1).map(String.init)
            if lines.count == 2, lines[0] == key { return lines[1] }
        }
        let version = ((try? runQuick([swiftc, "--version"]))?.split(separator: "\n").first.map(String.init) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let key, version != "unknown" {
            try? FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? (key + "\n" + version).write(to: cache, atomically: true, encoding: .utf8)
        }
        return version
    }

    /// Runs a short trusted command and returns its standard output.
    static func runQuick(_ arguments: [String], environment: [String: String]? = nil, timeout: TimeInterval = 30) throws -> String {
        let child = try ChildProcess(arguments: arguments, environment: environment, outputCap: 1 << 20)
        child.closeInput()
        let (status, _) = child.waitForExit(deadline: Date().addingTimeInterval(timeout))
        child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(2))
        guard status == 0 else { throw CommandFailed(arguments: arguments, output: child.outputText()) }
        return child.outputText()
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var output: String
        var description: String { "`\(arguments.joined(separator: " "))` failed:\n\(output)" }
    }
}
