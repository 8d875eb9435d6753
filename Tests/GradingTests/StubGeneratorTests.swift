import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The students' stubs are generated from the solution masters: the checked-in `Exercises/` must be exactly what
/// `grader stubs` writes, and a malformed master is refused with its line number.
final class StubGeneratorTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testCheckedInStubsAreExactlyWhatTheMastersGenerate() throws {
        let results = try StubGenerator.generateAll(packageRoot: Self.root)
        XCTAssertEqual(results.map(\.file), ExerciseCatalog.all.map(\.fileName))
        for result in results {
            XCTAssertTrue(result.isCurrent, "Exercises/\(result.file) differs from the stub its master generates; run `grader stubs`.")
            XCTAssertFalse(result.generated.contains(StubGenerator.beginMarker), result.file)
            XCTAssertFalse(result.generated.contains("Not shipped to students"), result.file)
            // Every declared function keeps its signature text in the stub.
            let exercise = try XCTUnwrap(ExerciseCatalog.all.first { $0.fileName == result.file })
            for function in exercise.functions {
                let name = function.wireName
                XCTAssertTrue(result.generated.contains("public func \(name)("), "\(result.file) lacks \(name)")
            }
        }
    }

    func testBodyRegionsBecomeNotImplementedAndTopLevelRegionsVanish() throws {
        let master = """
        import TensorKit

        // BEGIN SOLUTION
        // A note for instructors.
        func helper() -> Int { 42 }
        // END SOLUTION

        /// Doubles x.
        public func double(_ x: Double) -> Double {
            // BEGIN SOLUTION
            2 * x
            // END SOLUTION
        }
        """
        XCTAssertEqual(try StubGenerator.stub(fromMaster: master, file: "Double.swift"), """
        import TensorKit

        /// Doubles x.
        public func double(_ x: Double) -> Double {
            // ===== YOUR CODE STARTS HERE =====
            notImplemented()
            // ===== YOUR CODE ENDS HERE =====
        }
        """)
    }

    func testMalformedMastersAreRefusedWithTheLine() {
        func problem(_ master: String) -> String {
            do { _ = try StubGenerator.stub(fromMaster: master, file: "M.swift"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(problem("func f() {\n    // BEGIN SOLUTION\n    1\n}"), "M.swift, line 2: // BEGIN SOLUTION is never closed with // END SOLUTION.")
        XCTAssertEqual(problem("x\n// END SOLUTION"), "M.swift, line 2: // END SOLUTION without a // BEGIN SOLUTION before it.")
        XCTAssertTrue(problem("// BEGIN SOLUTION\n    // BEGIN SOLUTION\n").hasPrefix("M.swift, line 2: // BEGIN SOLUTION inside the region opened on line 1"))
        XCTAssertTrue(problem("    // BEGIN SOLUTION\n// END SOLUTION").contains("indented differently"))
        XCTAssertTrue(problem("public func f() {}").contains("no // BEGIN SOLUTION region"))
    }
}
