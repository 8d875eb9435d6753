import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The student kit, end to end: `grader release` writes it, a fresh copy of it builds with `swift build`, and its
/// `check` grades the stubs, the solutions and misconception fixtures with the verdicts, test by test, that the
/// instructor's `batch` gives the same files on the same seed. Every file of the kit is scanned for the reference
/// implementation, the solutions and the wrong variants. (Slow: it builds a whole package, once for the class.)
final class KitReleaseTests: XCTestCase {
    struct Kit: Sendable {
        var released: URL
        var fresh: URL
        var binary: URL
        var grader: URL
        var work: URL
    }

    /// Released and built once for every test of the class.
    static let kit: Result<Kit, ProbeError> = {
        guard let grader = CLITests.graderBinary() else { return .failure(ProbeError("The grader binary is not built.")) }
        let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("grading-tests-kit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            chmod(work.path, 0o755)
            let released = work.appendingPathComponent("released")
            let release = try run(grader.path, ["release", "--out", released.path], in: TestPackage.sourceRoot)
            guard release.status == 0 else { return .failure(ProbeError("grader release failed: \(release.stdout)\(release.stderr)")) }
            // A fresh copy, as a student would get it, built with nothing but the toolchain.
            let fresh = work.appendingPathComponent("student")
            try FileManager.default.copyItem(at: released, to: fresh)
            // The prebuilt modules submissions compile against (built by the kit's own KitBuilder on first use) are
            // shared with the other tests' package copies: the same sources and toolchain give the same kit.
            let compileKits = TestPackage.kitCache.appendingPathComponent("grader-kit")
            try FileManager.default.createDirectory(at: compileKits, withIntermediateDirectories: true)
            chmod(TestPackage.kitCache.path, 0o755)
            chmod(compileKits.path, 0o755)
            try FileManager.default.createDirectory(at: fresh.appendingPathComponent(".build"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: fresh.appendingPathComponent(".build/grader-kit"), withDestinationURL: compileKits)
            let build = try run("/usr/bin/env", ["swift", "build", "--product", "grader"], in: fresh)
            guard build.status == 0 else { return .failure(ProbeError("the kit does not build: \(build.stdout.suffix(3000))\(build.stderr.suffix(3000))")) }
            return .success(Kit(released: released, fresh: fresh, binary: fresh.appendingPathComponent(".build/debug/grader"),
                                grader: grader, work: work))
        } catch {
            return .failure(ProbeError("\(error)"))
        }
    }()

    override class func tearDown() {
        if case let .success(kit) = kit { try? FileManager.default.removeItem(at: kit.work) }
        super.tearDown()
    }

    static func run(_ program: String, _ arguments: [String], in directory: URL) throws -> ProcessRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "GRADER_SANDBOX")
        environment.removeValue(forKey: "GRADER_EXERCISES")
        process.environment = environment
        return try ProcessRun.collect(process)
    }

    private func builtKit() throws -> Kit {
        switch Self.kit {
        case let .success(kit): return kit
        case let .failure(error): throw error
        }
    }

    // MARK: - What the kit holds

    static func files(under folder: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.lastPathComponent == ".build" { enumerator?.skipDescendants(); continue }
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The names `func NAME` declares in the Swift files of a folder of the master.
    static func declaredFunctions(in relativeFolder: String) throws -> Set<String> {
        var names = Set<String>()
        let folder = TestPackage.sourceRoot.appendingPathComponent(relativeFolder)
        let regex = try NSRegularExpression(pattern: #"\bfunc\s+([A-Za-z_][A-Za-z0-9_]*)"#)
        for file in files(under: folder) where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                names.insert((text as NSString).substring(with: match.range(at: 1)))
            }
        }
        return names
    }

    /// Every string in a JSON document except the base64 `data` of tensors.
    static func strings(inJSON data: Data) throws -> [String] {
        var result: [String] = []
        func walk(_ value: Any, key: String?) {
            switch value {
            case let text as String where key != "data": result.append(text)
            case let object as [String: Any]: for (key, value) in object { result.append(key); walk(value, key: key) }
            case let array as [Any]: for item in array { walk(item, key: nil) }
            default: break
            }
        }
        walk(try JSONSerialization.jsonObject(with: data), key: nil)
        return result
    }

    func testTheKitHoldsNoImplementationOfAnyExerciseNoHiddenTestAndNoSecret() throws {
        let kit = try builtKit()
        let files = Self.files(under: kit.released)
        XCTAssertFalse(files.isEmpty)
        let texts = try files.map { ($0.path.replacingOccurrences(of: kit.released.path + "/", with: ""), try Data(contentsOf: $0)) }
        let relative = texts.map(\.0)
        for required in ["Package.swift", "README.md", "grading/manifest.json", "grading/test-pack.json", "Sources/grader/Check.swift",
                         "Sources/grader/GradCheckCommand.swift", "Sources/GradingCore/Pipeline/Sandbox.swift",
                         "Sources/TensorKit/Tensor.swift", "Sources/GradCheck/CheckLayer.swift", "Exercises/Softmax.swift"] {
            XCTAssertTrue(relative.contains(required), "the kit lacks \(required)")
        }
        for path in relative {
            XCTAssertFalse(path.hasPrefix("Solutions/") || path.hasPrefix("Sources/Reference/") || path.hasPrefix("Sources/Grading/Exercises/"),
                           "\(path) must not be in the kit")
            XCTAssertFalse(path.contains("secret"), "\(path): no secret in the kit")
            XCTAssertFalse([".a", ".o", ".so", ".swiftmodule", ".dylib"].contains { path.hasSuffix($0) }, "\(path): nothing compiled")
        }
        for (path, data) in texts {
            XCTAssertFalse(data.starts(with: [0x7f, 0x45, 0x4c, 0x46]), "\(path) is a compiled program")
        }

        // Text that would give an answer away: the solution regions' lines, the reference engine's and the wrong
        // variants' declarations, the instructor's modules.
        var forbidden: [String: String] = [:]
        for marker in [StubGenerator.beginMarker, StubGenerator.endMarker, "import Reference", "WrongVariant",
                       "ExerciseImplementation", "Misconceptions.variants"] {
            forbidden[marker] = "a marker of the instructor's code"
        }
        // A solution line that the students' own modules also hold (`let count = shape.reduce(1, *)`) gives nothing away.
        let studentModules = try ["Sources/TensorKit", "Sources/GradCheck", "Sources/WorkerKit"].flatMap {
            try Self.files(under: TestPackage.sourceRoot.appendingPathComponent($0)).map { try String(contentsOf: $0, encoding: .utf8) }
        }
        for master in Self.files(under: TestPackage.sourceRoot.appendingPathComponent("Solutions")) where master.pathExtension == "swift" {
            var inside = false
            for line in try String(contentsOf: master, encoding: .utf8).split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if line == StubGenerator.beginMarker { inside = true; continue }
                if line == StubGenerator.endMarker { inside = false; continue }
                if inside, line.count >= 24, !line.hasPrefix("//"), !studentModules.contains(where: { $0.contains(line) }) {
                    forbidden[line] = "a line of \(master.lastPathComponent)'s solution"
                }
            }
        }
        XCTAssertGreaterThan(forbidden.count, 30, "the solutions' regions give lines to look for")
        // Names the kit already has for other reasons: TensorKit, GradCheck and WorkerKit are the students' own
        // modules; the functions students write are declared by the stubs and the interface (their bodies are what
        // the solution lines above catch); `fans` is the handout's fan-in formula, which the he-init judge needs for
        // the variance it tests.
        let exerciseFunctions = ExerciseCatalog.all.flatMap(\.functions).compactMap { function in
            function.declaration.split(separator: "(").first?.split(separator: " ").last.map(String.init)
        }
        XCTAssertTrue(exerciseFunctions.contains("softmax"))
        let shared = try ["Sources/TensorKit", "Sources/GradCheck", "Sources/WorkerKit"].reduce(into: Set<String>()) { $0.formUnion(try Self.declaredFunctions(in: $1)) }
            .union(exerciseFunctions).union(["fans"])
        var instructorFunctions = try Self.declaredFunctions(in: "Sources/Reference").subtracting(shared)
        for folder in TestPackage.subfolders(of: "Sources/Grading/Exercises") {
            for file in Self.files(under: folder) where file.lastPathComponent.hasSuffix("Misconceptions.swift") {
                let text = try String(contentsOf: file, encoding: .utf8)
                let regex = try NSRegularExpression(pattern: #"\bfunc\s+([A-Za-z_][A-Za-z0-9_]*)"#)
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let name = (text as NSString).substring(with: match.range(at: 1))
                    if !shared.contains(name) { instructorFunctions.insert(name) }
                }
            }
        }
        XCTAssertTrue(instructorFunctions.contains("im2col") && instructorFunctions.contains("softmaxOverFirstAxis"),
                      "the reference's and the variants' helpers are looked for")
        for (path, data) in texts {
            // The test pack's text is its strings (declarations, drivers, summaries, labels, misconceptions); its
            // numbers are base64 doubles, which hold no code.
            let text = path == TestPack.path ? try Self.strings(inJSON: data).joined(separator: "\n") : String(decoding: data, as: UTF8.self)
            for (needle, what) in forbidden where text.contains(needle) {
                XCTFail("\(path) holds \(what): \(needle)")
            }
            // The stubs declare the exercise functions (with notImplemented() bodies); nothing else may.
            guard !path.hasPrefix("Exercises/") else { continue }
            for name in instructorFunctions where text.contains("func \(name)(") || text.contains("func \(name)<") {
                XCTFail("\(path) declares \(name), a function of the reference engine or of a wrong variant")
            }
        }

        // Only tests some assignment shows students; the hidden-everywhere ones are absent.
        let master = try loadManifest(packageRoot: TestPackage.sourceRoot)
        let kitManifest = try Manifest.load(from: kit.released.appendingPathComponent("grading/manifest.json"))
        let pack = try TestPack.load(packageRoot: kit.released)
        var shown = Set<String>()
        for assignment in master.assignments {
            for exercise in try master.plan(assignment: assignment.name).exercises {
                for test in exercise.tests where test.visibility == .visible { shown.insert("\(exercise.id)/\(test.name)") }
            }
        }
        let recorded = Set(pack.exercises.flatMap { exercise in exercise.tests.map { "\(exercise.id)/\($0.name)" } })
        XCTAssertEqual(recorded, shown)
        XCTAssertTrue(kitManifest.exercises.allSatisfy { $0.tests.allSatisfy { $0.visibility == .visible } })
        let hiddenEverywhere = master.exercises.flatMap { e in e.tests.map { "\(e.id)/\($0.name)" } }.filter { !shown.contains($0) }
        XCTAssertFalse(hiddenEverywhere.isEmpty, "the master has hidden tests")
        XCTAssertEqual(pack.seeds.first, 2026, "check's default seed is recorded first")
    }

    // MARK: - Same verdicts as batch

    /// (exercise, test) → "status score misconception" for every test of a report.
    static func verdicts(_ report: SubmissionReport) -> [String: String] {
        var result: [String: String] = [:]
        for exercise in report.exercises {
            result["\(exercise.id)"] = exercise.status.rawValue
            for test in exercise.tests {
                result["\(exercise.id)/\(test.name)"] = "\(test.status.rawValue) \(test.score) \(test.misconception?.id ?? "-")"
            }
        }
        return result
    }

    /// Runs the kit's `check` on `files` (the stubs where nil) and returns its exit status and report.
    private func kitCheck(_ kit: Kit, files: [String: String]?, seed: UInt64) throws -> (Int32, SubmissionReport) {
        let exercises = kit.fresh.appendingPathComponent("Exercises")
        for (_, file) in TestPackage.exerciseFiles {
            let text = try files?[file] ?? String(contentsOf: kit.released.appendingPathComponent("Exercises/\(file)"), encoding: .utf8)
            try text.write(to: exercises.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let json = kit.work.appendingPathComponent("check-\(UUID().uuidString.prefix(8)).json")
        let run = try Self.run(kit.binary.path, ["check", "--seed", "\(seed)", "--json", json.path], in: kit.fresh)
        return (run.status, try assertSchemaValidFile(json))
    }

    /// Grades `submissions` with the instructor's `batch --visible-only` on `seed`.
    private func batch(_ kit: Kit, _ submissions: [String: [String: String]], seed: UInt64) throws -> [String: SubmissionReport] {
        let folder = kit.work.appendingPathComponent("class-\(seed)-\(UUID().uuidString.prefix(8))")
        for (name, files) in submissions {
            let submission = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: submission, withIntermediateDirectories: true)
            for (file, text) in files { try text.write(to: submission.appendingPathComponent(file), atomically: true, encoding: .utf8) }
        }
        let out = folder.appendingPathComponent("out")
        let run = try Self.run(kit.grader.path, ["batch", folder.path, "--out", out.path, "--jobs", "1", "--seed", "\(seed)", "--visible-only"],
                               in: TestPackage.sourceRoot)
        XCTAssertEqual(run.status, 0, run.stderr)
        return try submissions.keys.reduce(into: [:]) { $0[$1] = try assertSchemaValidFile(out.appendingPathComponent("\($1)/report.json")) }
    }

    private func files(from folder: String) throws -> [String: String] {
        try TestPackage.exerciseFiles.reduce(into: [:]) { files, entry in
            files[entry.file] = try String(contentsOf: TestPackage.sourceRoot.appendingPathComponent("\(folder)/\(entry.file)"), encoding: .utf8)
        }
    }

    func testCheckInTheKitGivesBatchsVerdictsOnStubsSolutionsAndMisconceptions() throws {
        let kit = try builtKit()
        let solutions = try files(from: "Solutions")
        let stubs = try files(from: "Exercises")
        // One misconception per exercise, all in one submission.
        let named = ["softmax": "no-max-shift", "he-init": "lecun", "dropout": "keep-probability", "adam": "no-bias-correction",
                     "conv2d": "flipped-kernel"]
        var mistaken: [String: String] = [:]
        for (id, misconception) in named {
            let folder = TestPackage.sourceRoot.appendingPathComponent("grading/fixtures/misconceptions/\(id)/\(misconception)")
            let file = try TestPackage.onlySwiftFile(in: folder)
            mistaken[file.lastPathComponent] = try String(contentsOf: file, encoding: .utf8)
        }
        XCTAssertEqual(mistaken.count, 5)

        let instructor = try batch(kit, ["solutions": solutions, "stubs": stubs, "mistaken": mistaken], seed: 2026)
        let (stubStatus, stubReport) = try kitCheck(kit, files: nil, seed: 2026)
        XCTAssertEqual(stubStatus, 1)
        XCTAssertTrue(stubReport.exercises.allSatisfy { $0.status == .notImplemented }, stubReport.statusLine)
        XCTAssertEqual(Self.verdicts(stubReport), Self.verdicts(try XCTUnwrap(instructor["stubs"])))

        let (solutionStatus, solutionReport) = try kitCheck(kit, files: solutions, seed: 2026)
        XCTAssertEqual(solutionStatus, 0)
        assertFullMarks(solutionReport)
        XCTAssertEqual(Self.verdicts(solutionReport), Self.verdicts(try XCTUnwrap(instructor["solutions"])))

        // The misconceptions named as batch names them.
        let (mistakenStatus, mistakenReport) = try kitCheck(kit, files: mistaken, seed: 2026)
        XCTAssertEqual(mistakenStatus, 1)
        XCTAssertEqual(Self.verdicts(mistakenReport), Self.verdicts(try XCTUnwrap(instructor["mistaken"])))
        for (id, misconception) in named {
            let names = Set(mistakenReport.exercise(id)?.tests.compactMap { $0.misconception?.id } ?? [])
            XCTAssertEqual(names, [misconception], "\(id) in the kit")
        }

        // Another recorded seed grades too.
        let (otherSeedStatus, otherSeedReport) = try kitCheck(kit, files: solutions, seed: 2)
        XCTAssertEqual(otherSeedStatus, 0)
        XCTAssertEqual(otherSeedReport.seed, 2)
        assertFullMarks(otherSeedReport)

        let unrecorded = try Self.run(kit.binary.path, ["check", "--seed", "99"], in: kit.fresh)
        XCTAssertEqual(unrecorded.status, 2)
        XCTAssertTrue(unrecorded.stderr.contains("recorded for seeds 2026, 1, 2"), unrecorded.stderr)
    }
}
