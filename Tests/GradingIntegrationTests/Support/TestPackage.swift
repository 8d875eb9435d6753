import Foundation
import Synchronization
import XCTest
@testable import Grading
@testable import GradingCore

/// A throwaway copy of the course package that the real pipeline can grade against: `Package.swift`, the kit's
/// sources (TensorKit, GradCheck, WorkerKit, CBLAS), `grading/` (copied, so its manifest can be edited), `Solutions/`
/// and an `Exercises/` folder the test fills.
///
/// Every copy's `.build` is a symbolic link to one cache folder in the temporary directory, so the grading kit
/// (whose folder name is a hash of its sources and toolchain) is built once for all copies and all test runs,
/// instead of once per copy. The cache sits under the world-searchable temporary directory because the sandboxed
/// uid must be able to read the kit.
final class TestPackage: Sendable {
    /// The real package: four folders above this file (Tests/GradingIntegrationTests/Support/TestPackage.swift).
    static let sourceRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let kitCache = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("grading-tests-kit-cache")

    /// The exercise files the manifest names, in manifest order: (id, file name).
    static var exerciseFiles: [(id: String, file: String)] {
        (try? loadManifest(packageRoot: sourceRoot))?.exercises.map { ($0.id, $0.file) } ?? [
            ("softmax", "Softmax.swift"), ("he-init", "HeInit.swift"), ("dropout", "Dropout.swift"),
            ("adam", "Adam.swift"), ("conv2d", "Conv2D.swift"),
        ]
    }

    static func exerciseID(forFile file: String) -> String? { exerciseFiles.first { $0.file == file }?.id }

    let root: URL
    var solutions: URL { root.appendingPathComponent("Solutions") }
    var exercises: URL { root.appendingPathComponent("Exercises") }
    var stubs: URL { root.appendingPathComponent("Stubs") }

    /// Limits written into the copy's manifest: `defaults` are replaced, and per-test overrides are capped at them.
    struct Limits {
        var timeLimitSeconds: Double?
        var memoryMiB: Int?
        var compileSeconds: Double?
    }

    /// Makes a copy. `Exercises/` starts as a copy of the stubs (also kept in `Stubs/`).
    init(name: String, limits: Limits = Limits()) throws {
        let fm = FileManager.default
        root = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("grading-tests-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try fm.createDirectory(at: root.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        let source = Self.sourceRoot
        try fm.copyItem(at: source.appendingPathComponent("Package.swift"), to: root.appendingPathComponent("Package.swift"))
        for module in ["TensorKit", "GradCheck", "WorkerKit", "CBLAS"] {
            try fm.copyItem(at: source.appendingPathComponent("Sources/\(module)"), to: root.appendingPathComponent("Sources/\(module)"))
        }
        try fm.copyItem(at: source.appendingPathComponent("grading"), to: root.appendingPathComponent("grading"))
        try fm.copyItem(at: source.appendingPathComponent("Solutions"), to: solutions)
        try fm.copyItem(at: source.appendingPathComponent("Exercises"), to: exercises)
        try fm.copyItem(at: source.appendingPathComponent("Exercises"), to: stubs)
        try fm.createDirectory(at: Self.kitCache, withIntermediateDirectories: true)
        chmod(Self.kitCache.path, 0o755)
        try fm.createSymbolicLink(at: root.appendingPathComponent(".build"), withDestinationURL: Self.kitCache)
        chmod(root.path, 0o755)
        try Self.rewriteManifest(at: root.appendingPathComponent("grading/manifest.json"), limits: limits)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    private static func rewriteManifest(at url: URL, limits: Limits) throws {
        guard limits.timeLimitSeconds != nil || limits.memoryMiB != nil || limits.compileSeconds != nil else { return }
        var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var defaults = manifest["defaults"] as? [String: Any] ?? [:]
        if let time = limits.timeLimitSeconds { defaults["timeLimitSeconds"] = time }
        if let memory = limits.memoryMiB { defaults["memoryMiB"] = memory }
        if let compile = limits.compileSeconds { defaults["compileSeconds"] = compile }
        manifest["defaults"] = defaults
        var exercises = manifest["exercises"] as? [[String: Any]] ?? []
        for e in exercises.indices {
            var tests = exercises[e]["tests"] as? [[String: Any]] ?? []
            for t in tests.indices {
                if let time = limits.timeLimitSeconds, let own = tests[t]["timeLimitSeconds"] as? Double {
                    tests[t]["timeLimitSeconds"] = Swift.min(own, time)
                }
                if let memory = limits.memoryMiB, let own = tests[t]["memoryMiB"] as? Int {
                    tests[t]["memoryMiB"] = Swift.min(own, memory)
                }
            }
            exercises[e]["tests"] = tests
        }
        manifest["exercises"] = exercises
        try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// Replaces `Exercises/` with the solutions, then applies `overrides` (file name → source text).
    func fillExercises(fromSolutions: Bool, overrides: [String: String] = [:]) throws {
        let fm = FileManager.default
        try? fm.removeItem(at: exercises)
        try fm.copyItem(at: fromSolutions ? solutions : stubs, to: exercises)
        for (file, text) in overrides {
            try text.write(to: exercises.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
    }

    /// Makes a submission folder `parent/name` from the solutions, with `overrides` (file name → source text);
    /// a nil text removes the file.
    @discardableResult
    func makeSubmission(in parent: URL, name: String, overrides: [String: String?] = [:], fromStubs: Bool = false) throws -> URL {
        let folder = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fromStubs ? stubs : solutions, to: folder)
        for (file, text) in overrides {
            let url = folder.appendingPathComponent(file)
            try? FileManager.default.removeItem(at: url)
            if let text { try text.write(to: url, atomically: true, encoding: .utf8) }
        }
        return folder
    }

    /// A fresh empty folder inside the copy (removed with it).
    func scratchFolder(_ name: String) throws -> URL {
        let url = root.appendingPathComponent("scratch-\(name)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        chmod(url.path, 0o755)
        return url
    }

    // MARK: Grading through the real pipeline

    /// The setup and grader of this copy, each made on first use and then shared by its tests.
    private struct Prepared {
        var setup: GraderSetup?
        var grader: SubmissionGrader?
    }
    private let prepared = Mutex(Prepared())

    /// The sandbox uids of this test process: a range of 64 of its own, away from 61000 (a grader's default) and,
    /// by its process id, from other test runs on the same machine, so "no process of our uids survives" is about
    /// this run's sandboxes only.
    static let sandboxBaseUID: UInt32 = 61000 + 64 * UInt32(1 + getpid() % 60)
    static let isolateSandboxUIDs: Void = { setenv("GRADER_SANDBOX_BASE_UID", String(sandboxBaseUID), 1) }()

    /// The setup for this copy (bubblewrap required: these tests check the sandbox itself), prepared once.
    func setup() throws -> GraderSetup {
        _ = TestPackage.isolateSandboxUIDs
        return try prepared.withLock { prepared in
            if let setup = prepared.setup { return setup }
            let setup = try GraderSetup.prepare(policy: .require, from: root)
            XCTAssertEqual(setup.environment.packageRoot.standardizedFileURL.path, root.standardizedFileURL.path)
            prepared.setup = setup
            return setup
        }
    }

    /// One grader for this copy, shared by its tests.
    func grader() throws -> SubmissionGrader {
        let setup = try setup()
        return try prepared.withLock { prepared in
            if let grader = prepared.grader { return grader }
            let grader = try setup.makeGrader()
            prepared.grader = grader
            return grader
        }
    }

    var manifest: Manifest { get throws { try setup().manifest } }

    /// Grades a folder and checks the report against the schema.
    func grade(_ submission: URL, name: String? = nil, seed: UInt64 = 2026, includeHidden: Bool = true,
               exercises: [String]? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> SubmissionReport {
        let report = try grader().grade(submission: submission, name: name ?? submission.lastPathComponent,
                                        options: .init(seed: seed, includeHidden: includeHidden, exercises: exercises))
        assertSchemaValid(report, file: file, line: line)
        return report
    }

    // MARK: Shared copies

    private static let sharedCopies = Mutex<[String: TestPackage]>([:])

    /// A copy shared by every test in this process that asks for the same key (the manifest's own limits).
    /// Shared copies are removed when the test bundle finishes.
    static func shared(_ key: String = "standard", limits: Limits = Limits()) throws -> TestPackage {
        try sharedCopies.withLock { copies in
            if let copy = copies[key] { return copy }
            if copies.isEmpty {
                removeCopiesOfFinishedRuns()
                XCTestObservationCenter.shared.addTestObserver(SharedCopiesCleanup())
            }
            let copy = try TestPackage(name: key, limits: limits)
            copies[key] = copy
            return copy
        }
    }

    static func removeAllShared() {
        sharedCopies.withLock { copies in
            // Removed here rather than in deinit: the test case instances that used a copy live until the process ends.
            for copy in copies.values { copy.removeFiles() }
            copies.removeAll()
        }
    }

    /// Removes the copy's folder and its grader's work folder.
    func removeFiles() {
        prepared.withLock { prepared in
            if let grader = prepared.grader { try? FileManager.default.removeItem(at: grader.workRoot) }
        }
        try? FileManager.default.removeItem(at: root)
    }

    /// Removes copies left behind by test processes that are gone (killed before their cleanup ran).
    private static func removeCopiesOfFinishedRuns() {
        let temporary = URL(fileURLWithPath: NSTemporaryDirectory())
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
            where name.hasPrefix("grading-tests-") && name != kitCache.lastPathComponent {
            let parts = name.split(separator: "-")
            guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
    }

    /// A copy whose manifest allows 4 s per test and 1 GiB, so every hang costs seconds. Not less than 4 s: on a
    /// loaded two-core machine a correct worker's first test, or an unbounded allocation reaching the limit, can
    /// take over 2 s.
    static func sharedShortLimits() throws -> TestPackage {
        try shared("short-limits", limits: .init(timeLimitSeconds: 4, memoryMiB: 1024, compileSeconds: 40))
    }

    /// Reads a fixture file of the real package (grading/fixtures/...).
    static func fixture(_ relativePath: String) throws -> String {
        try String(contentsOf: sourceRoot.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func subfolders(of relativePath: String) -> [URL] {
        let url = sourceRoot.appendingPathComponent(relativePath)
        return ((try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey])) ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The single `.swift` file in a fixture folder.
    static func onlySwiftFile(in folder: URL) throws -> URL {
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        XCTAssertEqual(files.count, 1, "\(folder.path) should hold exactly one .swift file")
        return try XCTUnwrap(files.first)
    }
}

/// Removes the shared package copies once every test has run.
private final class SharedCopiesCleanup: NSObject, XCTestObservation {
    func testBundleDidFinish(_ testBundle: Bundle) { TestPackage.removeAllShared() }
}
