import Foundation
import GradingCore

/// `grader new-exercise`: the files of a new exercise, ready to fill in (see grading/AUTHORING.md). It writes the
/// exercise's folder in the grading sources (grader, interface, misconceptions), the solution master and the
/// generated stub, and an empty fixture folder; it edits nothing that exists. The two lines to add by hand — the
/// registration and the manifest entry — are returned for the command to print.
public struct ExerciseScaffold {
    public var id: String
    /// The Swift type prefix and file name: `RMSProp` gives `RMSPropGrader` and `RMSProp.swift`.
    public var name: String
    /// The student's function (one `(Tensor) -> Tensor` function to start with; change it in the interface).
    public var function: String

    public enum Problem: Error, CustomStringConvertible {
        case badID(String), badName(String), badFunction(String), taken(String), exists(String)
        public var description: String {
            switch self {
            case let .badID(id): return "The exercise id '\(id)' must be lowercase letters, digits and hyphens, starting with a letter (like he-init)."
            case let .badName(name): return "The name '\(name)' must be a Swift type name (a capital letter, then letters and digits), like RMSProp."
            case let .badFunction(name): return "The function name '\(name)' must be a Swift identifier starting with a lowercase letter, like rmspropStep."
            case let .taken(id): return "An exercise with the id '\(id)' is already registered; ids are never reused."
            case let .exists(path): return "\(path) already exists; new-exercise never overwrites a file."
            }
        }
    }

    public init(id: String, name: String? = nil, function: String? = nil) throws {
        guard id.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil, !id.hasSuffix("-") else { throw Problem.badID(id) }
        let derived = id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let name = name ?? derived
        guard name.range(of: "^[A-Z][A-Za-z0-9]*$", options: .regularExpression) != nil else { throw Problem.badName(name) }
        let function = function ?? (name.prefix(1).lowercased() + name.dropFirst() + "Forward")
        guard function.range(of: "^[a-z][A-Za-z0-9]*$", options: .regularExpression) != nil else { throw Problem.badFunction(function) }
        guard ExerciseCatalog.grader(id) == nil else { throw Problem.taken(id) }
        self.id = id
        self.name = name
        self.function = function
    }

    /// Path (relative to the package root) → contents, for every file the scaffold writes.
    public var files: [(path: String, text: String)] {
        get throws {
            let master = solutionMaster
            return [
                ("Sources/Grading/Exercises/\(name)/\(name)Grader.swift", grader),
                ("Sources/Grading/Exercises/\(name)/\(name)Interface.swift", interface),
                ("Sources/Grading/Exercises/\(name)/\(name)Misconceptions.swift", misconceptions),
                ("Solutions/\(name).swift", master),
                ("Exercises/\(name).swift", try StubGenerator.stub(fromMaster: master, file: "Solutions/\(name).swift")),
                // One folder per misconception, named by its id, holding a `<Name>.swift` with that one mistake.
                ("grading/fixtures/misconceptions/\(id)/.gitkeep", ""),
            ]
        }
    }

    /// Writes every file under `packageRoot`, refusing to overwrite any.
    public func write(packageRoot: URL) throws -> [String] {
        let files = try self.files
        for file in files where FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(file.path).path) {
            throw Problem.exists(file.path)
        }
        for file in files {
            let url = packageRoot.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.text.write(to: url, atomically: true, encoding: .utf8)
        }
        return files.map(\.path)
    }

    /// The line to add to `ExerciseCatalog.all`.
    public var registration: String { "\(name)Grader()," }

    /// The entry to add to the manifest's `exercises`.
    public var manifestEntry: String {
        """
        {
          "id": "\(id)", "file": "\(name).swift", "title": "TODO: a title",
          "tests": [
            {"name": "basic", "points": 10, "visibility": "visible", "atol": 1e-12, "rtol": 1e-9}
          ]
        }
        """
    }

    var grader: String {
        """
        import GradingCore
        import TensorKit
        import WorkerKit

        /// Tests for `\(function)`. TODO: say what the inputs are chosen to expose.
        public struct \(name)Grader: ExerciseGrader, TypedTests {
            public let id = "\(id)"
            public let fileName = "\(name).swift"
            public init() {}

            /// The tests, typed: the manifest may only name these.
            public enum Test: String, CaseIterable, Sendable {
                case basic
            }

            public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
                var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
                let input: Tensor
                let summary: String
                switch test(spec) {
                case .basic:
                    input = Tensor.randomNormal(shape: [4, 5], using: &g)
                    summary = "\(function) of an input [4, 5] drawn from N(0, 1)."
                }
                let judge = DeterministicJudge(calls: [WorkerCalls.\(function)(input)], tolerance: spec.tolerance,
                                               variants: variants) { _, replies in
                    [NamedOutput(group: "output", label: "output", tensor: replies[0].tensor(0))]
                }
                return judge.testCase(spec: spec, summary: summary)
            }
        }

        """
    }

    var interface: String {
        let body = "let output: TensorKit.Tensor = \(function)(call.tensors[0])\nreturn WorkerKit.WorkerReply(tensors: [output])"
            .split(separator: "\n").map { "            " + $0 }.joined(separator: "\n")
        return """
        import GradingCore
        import Reference
        import TensorKit
        import WorkerKit

        /// What the student writes for `\(id)`, and how the worker calls it.
        /// Calls: `\(function)` — tensors [input] → tensors [output].
        extension \(name)Grader {
            public var functions: [ExerciseFunction] {
                [
                    ExerciseFunction("public func \(function)(_ input: Tensor) -> Tensor",
                                     wireName: "\(function)", driver: \"\"\"
        \(body)
                    \"\"\", replySize: { call in (ExerciseFunction.inputElements(call), 1) }),
                ]
            }

            public var reference: ExerciseImplementation {
                var implementation = ExerciseImplementation()
                implementation.\(function) = { input in input }  // TODO: call the reference engine (Sources/Reference).
                return implementation
            }

            public var variants: [WrongVariant] { \(name)Misconceptions.variants }
        }

        extension WorkerCalls {
            public static func \(function)(_ input: Tensor) -> WorkerCall { WorkerCall(function: "\(function)", tensors: [input]) }
        }

        extension ExerciseImplementation {
            public var \(function): @Sendable (Tensor) -> Tensor {
                get { function("\(function)") }
                set { install("\(function)", newValue) { call in WorkerReply(tensors: [newValue(call.tensors[0])]) } }
            }
        }

        """
    }

    var misconceptions: String {
        """
        import GradingCore
        import Reference
        import TensorKit

        /// The known wrong ways to write `\(function)`, each as runnable code. Every one needs a fixture under
        /// grading/fixtures/misconceptions/\(id)/<misconception id>/\(name).swift; the conformance tests fail until
        /// there is at least one.
        public enum \(name)Misconceptions {
            // public static let someMistake = Misconception(
            //     id: "some-mistake",
            //     summary: "Your \(function) ... (what the code does, in one sentence to the student).",
            //     fix: "... (what to do instead).")

            public static let variants: [WrongVariant] = [
                // WrongVariant(someMistake, { var implementation = ExerciseImplementation.reference
                //     implementation.\(function) = { input in ... }; return implementation }()),
            ]
        }

        """
    }

    var solutionMaster: String {
        """
        import Foundation
        import TensorKit

        // MARK: - Exercise `\(id)`: TODO a title
        //
        // Run `swift run grader check \(id)` to grade this file.

        // BEGIN SOLUTION
        // Solution to the `\(id)` exercise. Not shipped to students: `grader stubs` writes
        // Exercises/ from this file, replacing every BEGIN/END SOLUTION region (see grading/AUTHORING.md).
        // END SOLUTION

        /// TODO: the handout — what to compute, the formula, the conventions and the edge cases.
        public func \(function)(_ input: Tensor) -> Tensor {
            // BEGIN SOLUTION
            input
            // END SOLUTION
        }

        """
    }
}
