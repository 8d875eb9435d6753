import ArgumentParser
import Foundation
import Grading
import GradingCore
import TensorKit

/// `grader release`: the student kit, from this master. One master, two products (as `otter assign` makes them):
/// this repository grades; the kit lets students check their work with the same verdicts and holds no implementation
/// of a graded exercise in any form.
struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the student kit: stubs, TensorKit, GradCheck, the student-side grader and the visible tests, recorded.")

    @Option(help: "The folder to write the kit to (it must not exist yet, or be empty).")
    var out: String

    @Option(help: ArgumentHelp("Seeds to record the visible tests for, comma-separated; the default seed of check (2026) is always recorded, first.",
                               valueName: "seeds"))
    var seeds: String = "2026,1,2"

    /// The seeds in the order recorded: 2026 (check's default) first, then the others, each once.
    func seedList() throws -> [UInt64] {
        var list: [UInt64] = [2026]
        for part in seeds.split(separator: ",") {
            guard let seed = UInt64(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--seeds must be a comma-separated list of non-negative integers; '\(part)' is not one.")
            }
            if !list.contains(seed) { list.append(seed) }
        }
        return list
    }

    func validate() throws { _ = try seedList() }

    /// The files of Sources/grader the kit's grader is built from: the student's commands and what they share.
    static let studentCommandFiles = ["Check.swift", "GradCheckCommand.swift", "Options.swift"]

    func run() throws {
        let fm = FileManager.default
        let destination = URL(fileURLWithPath: out).standardizedFileURL
        if let existing = try? fm.contentsOfDirectory(atPath: destination.path), !existing.isEmpty {
            Terminal.error("grader release will not write into \(destination.path): it is not empty (\(existing.count) of its entries would be mixed with the kit). Choose a new folder.")
            throw ExitCode(2)
        }
        let environment: GraderEnvironment
        let kitManifest: Manifest
        let pack: TestPack
        let stubs: [StubGenerator.Result]
        do {
            environment = try GraderEnvironment.discover()
            kitManifest = try loadManifest(packageRoot: environment.packageRoot).visibleOnly()
            stubs = try StubGenerator.generateAll(packageRoot: environment.packageRoot)
            pack = try TestPackRecorder.record(manifest: kitManifest, seeds: try seedList())
        } catch {
            Terminal.error("grader release cannot make the kit: \(error)")
            throw ExitCode(2)
        }
        let root = environment.packageRoot
        let stage = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        try? fm.removeItem(at: stage)
        do {
            try fm.createDirectory(at: stage.appendingPathComponent("Sources/grader"), withIntermediateDirectories: true)
            try fm.createDirectory(at: stage.appendingPathComponent("Sources/Grading"), withIntermediateDirectories: true)
            try fm.createDirectory(at: stage.appendingPathComponent("Exercises"), withIntermediateDirectories: true)
            try fm.createDirectory(at: stage.appendingPathComponent("grading"), withIntermediateDirectories: true)
            for module in ["CBLAS", "TensorKit", "GradCheck", "WorkerKit", "GradingCore"] {
                try fm.copyItem(at: root.appendingPathComponent("Sources/\(module)"), to: stage.appendingPathComponent("Sources/\(module)"))
            }
            for file in Self.studentCommandFiles {
                try fm.copyItem(at: root.appendingPathComponent("Sources/grader/\(file)"), to: stage.appendingPathComponent("Sources/grader/\(file)"))
            }
            let templates = root.appendingPathComponent("grading/kit")
            for (template, target) in [("Package.swift", "Package.swift"), ("README.md", "README.md"),
                                       ("KitCatalog.swift", "Sources/Grading/KitCatalog.swift"),
                                       ("KitGrader.swift", "Sources/grader/KitGrader.swift")] {
                try fm.copyItem(at: templates.appendingPathComponent(template), to: stage.appendingPathComponent(target))
            }
            if fm.fileExists(atPath: root.appendingPathComponent("Package.resolved").path) {
                try fm.copyItem(at: root.appendingPathComponent("Package.resolved"), to: stage.appendingPathComponent("Package.resolved"))
            }
            try fm.copyItem(at: root.appendingPathComponent("grading/report.schema.json"), to: stage.appendingPathComponent("grading/report.schema.json"))
            try ".build/\n.swiftpm/\n".write(to: stage.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
            let kitFiles = Set(kitManifest.exercises.map(\.file))
            for stub in stubs where kitFiles.contains(stub.file) {
                try stub.generated.write(to: stage.appendingPathComponent("Exercises/\(stub.file)"), atomically: true, encoding: .utf8)
            }
            try ReportIO.write(kitManifest, to: stage.appendingPathComponent("grading/manifest.json"))
            let encoder = ReportIO.encoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(pack).write(to: stage.appendingPathComponent(TestPack.path))
            // A last guard: no solution region may have reached the kit.
            if let leaked = Self.filesContaining(StubGenerator.beginMarker, under: stage).first {
                throw ReleaseError.leak(leaked)
            }
            try? fm.removeItem(at: destination)
            try fm.moveItem(at: stage, to: destination)
        } catch {
            try? fm.removeItem(at: stage)
            Terminal.error("grader release could not write the kit: \(error)")
            throw ExitCode(2)
        }
        let tests = pack.exercises.reduce(0) { $0 + $1.tests.count } / max(pack.seeds.count, 1)
        print("Wrote the student kit to \(destination.path): \(DisplayFormat.count(pack.exercises.count, "exercise")), \(DisplayFormat.count(tests, "visible test")) recorded for seeds \(pack.seeds.map(String.init).joined(separator: ", ")). Students run `swift run grader check` in it.")
    }

    enum ReleaseError: Error, CustomStringConvertible {
        case leak(String)
        var description: String { "\(leak) holds a solution region; the kit was not written." }
        private var leak: String { if case let .leak(path) = self { return path }; return "" }
    }

    static func filesContaining(_ text: String, under folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found: [String] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            if let data = try? Data(contentsOf: url), data.range(of: Data(text.utf8)) != nil { found.append(url.path) }
        }
        return found
    }
}
