import Foundation
import XCTest

/// Package.swift against the sources: SwiftPM lets a target import any module built before it, declared or not,
/// so an undeclared import builds today and breaks the day the graph changes. This test holds the line for grader.
final class PackageManifestTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The modules the files of `folder` import, leaving out the system's own.
    static func importedModules(in folder: String) throws -> Set<String> {
        let system: Set<String> = ["Foundation", "Glibc", "Darwin", "Musl", "Dispatch", "Synchronization", "XCTest"]
        let url = packageRoot.appendingPathComponent(folder)
        var modules = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: url.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: url.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                      words[..<index].allSatisfy({ $0.hasPrefix("@") }) else { continue }
                modules.insert(String(words[index + 1]))
            }
        }
        return modules.subtracting(system)
    }

    /// The target and product names in the `dependencies:` of the target called `name` in Package.swift.
    static func declaredDependencies(ofTarget name: String) throws -> Set<String> {
        let manifest = try String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        // The target's declaration, not the product of the same name: its name followed by its dependency list.
        let start = try XCTUnwrap(manifest.range(of: "name: \"\(name)\",\\s*dependencies: \\[", options: .regularExpression),
                                  "Package.swift has no target \(name) with dependencies")
        let rest = manifest[start.lowerBound...]
        let open = try XCTUnwrap(rest.range(of: "dependencies: ["))
        var depth = 1
        var index = open.upperBound
        while depth > 0 && index < rest.endIndex {
            if rest[index] == "[" { depth += 1 } else if rest[index] == "]" { depth -= 1 }
            index = rest.index(after: index)
        }
        let list = rest[open.upperBound..<index]
        // Every quoted name: targets ("Grading") and products (.product(name: "ArgumentParser", package: ...)).
        let quoted = list.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        return Set(quoted)
    }

    func testGraderDeclaresEveryModuleItImports() throws {
        let imported = try Self.importedModules(in: "Sources/grader")
        XCTAssertTrue(imported.contains("Grading"), "the import scan found \(imported)")
        let declared = try Self.declaredDependencies(ofTarget: "grader")
        XCTAssertEqual(imported.subtracting(declared), [], "grader imports these without declaring them in Package.swift")
    }
}
