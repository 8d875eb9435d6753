import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The sources the grader derives from each exercise's declared functions — the worker drivers, the stand-in stubs
/// and the signature messages — type-check against `Solutions/` and against the stubs, without compiling a
/// submission in the sandbox. A driver that no longer matches its declaration fails here, in seconds.
final class ExerciseInterfaceTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the package's built TensorKit and WorkerKit modules (built with the tests).
    static func modulesFolder() throws -> URL {
        let candidates = [".build/debug/Modules", ".build/debug"].map { root.appendingPathComponent($0) }
        return try XCTUnwrap(candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("WorkerKit.swiftmodule").path)
        }, "WorkerKit.swiftmodule not found under .build/debug; build the tests first")
    }

    /// Type-checks `files` (name → text) as one module, the way a submission is compiled; returns the compiler's output
    /// on failure.
    static func typecheck(_ files: [String: String]) throws -> String? {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("interface-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        for (name, text) in files { try text.write(to: work.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let modules = try modulesFolder()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-typecheck", "-parse-as-library", "-I", modules.path,
                             "-Xcc", "-fmodule-map-file=" + root.appendingPathComponent("Sources/CBLAS/module.modulemap").path]
            + files.keys.sorted().map { work.appendingPathComponent($0).path }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text
    }

    /// Main + every driver, with the exercise files from `exerciseSource`.
    static func workerSources(_ exerciseSource: (any ExerciseGrader) throws -> String) rethrows -> [String: String] {
        var files = [DriverSource.mainFileName: DriverSource.main(exerciseIDs: ExerciseCatalog.all.map(\.id))]
        for exercise in ExerciseCatalog.all {
            files[DriverSource.driverFileName(exercise.id)] = DriverSource.driver(for: exercise.id, exercise.functions)
            files[exercise.fileName] = try exerciseSource(exercise)
        }
        return files
    }

    func testDriversTypeCheckAgainstTheSolutionsAndTheStandInStubs() throws {
        let solutions = try Self.workerSources { exercise in
            try String(contentsOf: Self.root.appendingPathComponent("Solutions").appendingPathComponent(exercise.fileName), encoding: .utf8)
        }
        XCTAssertNil(try Self.typecheck(solutions), "the drivers do not type-check against Solutions/")
        let stubs = Self.workerSources { DriverSource.stub($0.functions) }
        XCTAssertNil(try Self.typecheck(stubs), "the drivers do not type-check against the stand-in stubs")
    }

    func testADriverFailsToTypeCheckWhenTheSignatureDiffers() throws {
        // The check above would pass vacuously if the compiler were never run: a wrong signature must fail it.
        var files = Self.workerSources { DriverSource.stub($0.functions) }
        files["Softmax.swift"] = "import TensorKit\npublic func softmax(_ logits: [Double]) -> [Double] { logits }\n"
            + "public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) { notImplemented() }\n"
        let output = try XCTUnwrap(try Self.typecheck(files))
        XCTAssertTrue(output.contains(DriverSource.driverFileName("softmax")), output)
    }

    func testEveryExerciseDeclaresFunctionsWithDistinctWireNames() {
        let wireNames = ExerciseCatalog.all.flatMap { $0.functions.map(\.wireName) }
        XCTAssertEqual(wireNames.count, Set(wireNames).count, "two exercises route the same call name")
        for exercise in ExerciseCatalog.all {
            XCTAssertFalse(exercise.functions.isEmpty, exercise.id)
            for function in exercise.functions {
                XCTAssertTrue(function.declaration.hasPrefix("public func \(function.wireName)("), function.declaration)
                XCTAssertTrue(DriverSource.expectedSignatures(exercise.functions).contains(function.signature))
            }
        }
        XCTAssertEqual(DriverSource.expectedSignatures(ExerciseCatalog.grader("adam")!.functions),
                       "adamStep(parameters: inout Tensor, gradient: Tensor, state: inout AdamState, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double)")
    }
}

/// The line between what a student's kit may hold and what only the instructor has: GradingCore (compile, sandbox,
/// run, compare, explain, report) never imports the reference engine or the instructor's module.
final class ModuleBoundaryTests: XCTestCase {
    func testGradingCoreImportsNoReferenceAndNoInstructorCode() throws {
        let core = ExerciseInterfaceTests.root.appendingPathComponent("Sources/GradingCore")
        let files = try XCTUnwrap(FileManager.default.enumerator(at: core, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        XCTAssertGreaterThan(files.count, 20)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                let module = line.split(separator: " ").last.map(String.init) ?? ""
                XCTAssertFalse(["Reference", "Grading", "Solutions"].contains(module),
                               "\(file.lastPathComponent) imports \(module), which a student's kit must not contain")
            }
        }
        let package = try String(contentsOf: ExerciseInterfaceTests.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let coreTarget = try XCTUnwrap(package.split(separator: "\n").first { $0.contains("name: \"GradingCore\"") })
        XCTAssertFalse(coreTarget.contains("\"Reference\""), String(coreTarget))
    }
}
