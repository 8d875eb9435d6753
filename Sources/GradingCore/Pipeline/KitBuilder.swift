import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The prebuilt modules a submission is compiled against: TensorKit, GradCheck and WorkerKit as static libraries
/// with their `.swiftmodule`s, plus a warm clang module cache.
///
/// Built once per version of their sources and toolchain (the folder name is a hash of both), by the trusted
/// grader, outside any sandbox; submissions then only type-check and link their own few files against it, which
/// is what makes compiling a submission take a fraction of a second instead of a full package build.
public struct Kit: Sendable {
    public let directory: URL
    public var moduleCache: URL { directory.appendingPathComponent("module-cache") }
    public static let modules = ["TensorKit", "GradCheck", "WorkerKit"]
}

public enum KitBuilder {
    public enum BuildError: Error, CustomStringConvertible {
        case compileFailed(module: String, output: String)
        public var description: String {
            switch self {
            case let .compileFailed(module, output):
                return "The grading kit (module \(module)) failed to compile; the grader's own sources are broken:\n\(output)"
            }
        }
    }

    /// Returns the kit for the current sources, building it first if needed. Safe to call from several processes
    /// at once: the build runs under an exclusive file lock.
    public static func ensureKit(environment: GraderEnvironment) throws -> Kit {
        let root = environment.packageRoot
        let sources = Kit.modules.map { root.appendingPathComponent("Sources/\($0)") } + [root.appendingPathComponent("Sources/CBLAS")]
        var hasher = FNV1a()
        hasher.add(environment.toolchainVersion)
        hasher.add(environment.blasCompileFlags.joined(separator: " "))
        hasher.add(GraderEnvironment.graderVersion)
        for folder in sources {
            for file in swiftFiles(in: folder, includeHeaders: true) {
                hasher.add(file.lastPathComponent)
                hasher.add((try? Data(contentsOf: file)) ?? Data())
            }
        }
        let requested = kitBase(for: environment)
        try FileManager.default.createDirectory(at: requested, withIntermediateDirectories: true)
        // The kit's canonical path: the sandbox binds the kit at the path it is given, but clang keys its module
        // cache on canonical paths, so a symbolic link above the kit (a linked home or .build folder) would make
        // every sandboxed compile try, and fail, to rebuild the cached modules in the read-only kit.
        let base = requested.resolvingSymlinksInPath()
        let directory = base.appendingPathComponent(String(hasher.value, radix: 16))
        let kit = Kit(directory: directory)
        chmod(base.path, 0o755)

        let lockFD = open(base.appendingPathComponent(".lock").path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        defer { if lockFD >= 0 { close(lockFD) } }
        if lockFD >= 0 { flock(lockFD, LOCK_EX) }
        defer { if lockFD >= 0 { flock(lockFD, LOCK_UN) } }

        let ready = directory.appendingPathComponent("ready")
        if FileManager.default.fileExists(atPath: ready.path) { return kit }
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for header in ["module.modulemap", "shim.h"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent("Sources/CBLAS/\(header)"),
                                             to: directory.appendingPathComponent(header))
        }
        for module in Kit.modules {
            let files = swiftFiles(in: root.appendingPathComponent("Sources/\(module)"), includeHeaders: false).map(\.path)
            let arguments = [environment.swiftc, "-parse-as-library", "-emit-library", "-static", "-emit-module",
                             "-module-name", module, "-O", "-wmo", "-enable-testing"]
                + commonFlags(kit: kit, environment: environment)
                + ["-emit-module-path", directory.appendingPathComponent("\(module).swiftmodule").path,
                   "-o", directory.appendingPathComponent("lib\(module).a").path] + files
            do { _ = try GraderEnvironment.runQuick(arguments, timeout: 600) } catch {
                throw BuildError.compileFailed(module: module, output: "\(error)")
            }
        }
        // Warm the clang module cache (Glibc, Foundation, Dispatch, …) so sandboxed compiles, which see it
        // read-only, never need to build a module themselves.
        let warm = directory.appendingPathComponent("warm.swift")
        try "import Foundation\nimport Dispatch\nimport TensorKit\nimport GradCheck\nimport WorkerKit\n@main enum Warm { static func main() { print(Tensor(zeros: [1])) } }\n"
            .write(to: warm, atomically: true, encoding: .utf8)
        _ = try? GraderEnvironment.runQuick([environment.swiftc, "-parse-as-library", "-Onone"]
            + commonFlags(kit: kit, environment: environment) + linkFlags(kit: kit, environment: environment)
            + ["-o", directory.appendingPathComponent("warm").path, warm.path], timeout: 600)
        _ = try? GraderEnvironment.runQuick(["chmod", "-R", "a+rX", directory.path])
        _ = FileManager.default.createFile(atPath: ready.path, contents: Data())
        return kit
    }

    /// Flags every compile against the kit needs.
    public static func commonFlags(kit: Kit, environment: GraderEnvironment) -> [String] {
        ["-I", kit.directory.path, "-module-cache-path", kit.moduleCache.path]
            + environment.blasCompileFlags.flatMap { ["-Xcc", $0] }
    }

    /// Flags that link a program against the kit.
    public static func linkFlags(kit: Kit, environment: GraderEnvironment) -> [String] {
        ["-L", kit.directory.path, "-lWorkerKit", "-lGradCheck", "-lTensorKit"] + environment.blasLinkFlags
    }

    /// The folder that holds kits: inside the package's `.build` when every folder above it is world-searchable
    /// (the sandboxed uid must read the kit), else a root-owned cache folder.
    static func kitBase(for environment: GraderEnvironment) -> URL {
        let local = environment.packageRoot.appendingPathComponent(".build/grader-kit")
        if getuid() != 0 || worldSearchable(environment.packageRoot) { return local }
        return URL(fileURLWithPath: "/var/cache/training-grader/kits")
    }

    static func worldSearchable(_ url: URL) -> Bool {
        var path = url.standardizedFileURL.path
        while !path.isEmpty && path != "/" {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & 0o001 != 0 else { return false }
            path = (path as NSString).deletingLastPathComponent
        }
        return true
    }

    static func swiftFiles(in folder: URL, includeHeaders: Bool) -> [URL] {
        let items = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return items.filter { $0.pathExtension == "swift" || (includeHeaders && ["h", "modulemap"].contains($0.pathExtension)) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
