import Foundation
import GradCheck
import WorkerKit

/// `grader gradcheck TYPE`: compiles the working copy's `Exercises/` with a small driver that builds `TYPE()`, and
/// runs GradCheck's `checkLayer` on it inside the same sandboxed child process `check` uses.
///
/// The check runs next to the student's code because it needs thousands of forward calls; nothing is graded, so
/// the student process computing its own verdict is harmless here. The trusted side only decodes and explains.
public struct LayerGradcheck {
    public struct Request: Sendable {
        public var typeName: String
        public var inputShape: [Int]
        public var options: GradCheckOptions
        public init(typeName: String, inputShape: [Int], options: GradCheckOptions) {
            self.typeName = typeName
            self.inputShape = inputShape
            self.options = options
        }
    }

    public enum Outcome: Sendable {
        /// The check ran: its report (passed or not).
        case checked(GradCheckReport)
        /// It could not run; the reason in sentences (and compiler diagnostics where there are some).
        case couldNotRun(String, [Diagnostic])
    }

    public enum RequestError: Error, CustomStringConvertible {
        case badTypeName(String)
        case badShape(String)
        public var description: String {
            switch self {
            case let .badTypeName(name): return "'\(name)' is not a Swift type name (letters, digits and underscores, optionally Outer.Inner)."
            case let .badShape(text): return "The input shape '\(text)' is not a comma-separated list of positive integers such as 4,5."
            }
        }
    }

    public static func parseShape(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }), parts.compactMap({ $0 }).reduce(1, *) <= 1_000_000 else {
            throw RequestError.badShape(text)
        }
        return parts.compactMap { $0 }
    }

    public static func validate(typeName: String) throws {
        let pattern = #"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"#
        guard typeName.range(of: pattern, options: .regularExpression) != nil else { throw RequestError.badTypeName(typeName) }
    }

    static let entryFile = "__GradCheckDriver.swift"

    static func driverSource(typeName: String) -> String {
        """
        import Foundation
        import TensorKit
        import WorkerKit
        import GradCheck

        @main enum __GraderGradCheckEntry {
            static func main() {
                WorkerLoop.run { call in
                    let seed = UInt64(bitPattern: Int64(call.integers[0]))
                    var generator = TensorKit.SeededGenerator(seed: seed)
                    let input = TensorKit.Tensor.randomNormal(shape: Array(call.integers[3...]), using: &generator)
                    let mode: GradCheck.GradCheckMode = call.integers[1] == 0 ? .full
                        : call.integers[1] == 1 ? .sparse(count: call.integers[2]) : .fast(directions: call.integers[2])
                    let options = GradCheck.GradCheckOptions(step: call.numbers[0], absoluteTolerance: call.numbers[1],
                                                             relativeTolerance: call.numbers[2], mode: mode, seed: seed)
                    let layer = __gradcheckMake()
                    let report = GradCheck.checkLayer(layer, input: input, options: options)
                    let encoder = JSONEncoder()
                    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                    let data = (try? encoder.encode(report)) ?? Data()
                    return WorkerKit.WorkerReply(integers: data.map { Int($0) })
                }
            }
        }

        func __gradcheckMake() -> some TensorKit.Layer { \(typeName)() }

        """
    }

    public static func run(_ request: Request, setup: GraderSetup, timeLimitSeconds: Double = 60) -> Outcome {
        do { try validate(typeName: request.typeName) } catch { return .couldNotRun("\(error)", []) }
        let environment = setup.environment
        let exercises = environment.exercisesURL
        let files = setup.manifest.exercises.map { ($0.id, $0.file) }
        let intake = Intake.read(folder: exercises, exerciseFiles: files)
        let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("grader-gradcheck-\(getpid())-\(UUID().uuidString.prefix(8))")
        Interruption.createWorkFolder(work)
        defer { try? FileManager.default.removeItem(at: work) }
        var compiler = SubmissionCompiler(environment: environment, kit: setup.kit, sandbox: setup.sandbox,
                                          exerciseFiles: files, limits: setup.manifest.defaults)
        compiler.entryPoint = (entryFile, driverSource(typeName: request.typeName))
        let compiled = compiler.compile(intake: intake, workDirectory: work, slot: 0)
        if !compiled.entryErrors.isEmpty {
            return .couldNotRun(explain(compiled.entryErrors, typeName: request.typeName), compiled.entryErrors)
        }
        guard let binary = compiled.binary else {
            // In the manifest's order of files, so the message and diagnostics read the same on every run.
            let failures = files.compactMap { file in compiled.failures[file.0] }
            return .couldNotRun("Exercises/ could not be compiled: " + failures.map(\.message).joined(separator: " "),
                                failures.flatMap(\.diagnostics))
        }
        var spec = TestSpec(name: "gradcheck", points: 0, visibility: .visible)
        spec.timeLimitSeconds = timeLimitSeconds
        let modeCode: (Int, Int)
        switch request.options.mode {
        case .full: modeCode = (0, 0)
        case let .sparse(count): modeCode = (1, count)
        case let .fast(directions): modeCode = (2, directions)
        }
        let call = WorkerCall(function: "layerGradients",
                              numbers: [request.options.step, request.options.absoluteTolerance, request.options.relativeTolerance],
                              integers: [Int(bitPattern: UInt(request.options.seed)), modeCode.0, modeCode.1] + request.inputShape)
        let test = TestCase(spec: spec, summary: "", calls: [call]) { _ in Judgement.pass("") }
        var limits = setup.manifest.defaults
        limits.timeLimitSeconds = timeLimitSeconds
        let session = WorkerSession(binary: binary, sandbox: setup.sandbox, slot: 0, limits: limits)
        guard let run = session.run(tests: [test]).first else { return .couldNotRun("The check did not run.", []) }
        let printed = run.output.isEmpty ? "" : " Your code printed:\n" + run.output
        switch run.outcome {
        case let .replies(replies):
            let bytes = replies.first?.integers.map { UInt8(truncatingIfNeeded: $0) } ?? []
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            guard let report = try? decoder.decode(GradCheckReport.self, from: Data(bytes)) else {
                return .couldNotRun("The check's result could not be read back from the child process.", [])
            }
            return .checked(report)
        case let .crashed(message), let .notImplemented(message), let .protocolError(message), let .invalidReply(message):
            return .couldNotRun("\(request.typeName)'s forward or backward did not finish: \(message)" + printed, [])
        case let .timedOut(limit):
            return .couldNotRun("The check did not finish within \(Int(limit)) seconds; try a smaller --input-shape or --mode sparse." + printed, [])
        }
    }

    /// Turns the compiler's complaints about the driver line `TYPE()` into what the student needs to hear.
    static func explain(_ errors: [Diagnostic], typeName: String) -> String {
        let text = errors.map(\.message).joined(separator: " ")
        if text.contains("cannot find '\(typeName.split(separator: ".").first ?? "")' in scope") || text.contains("cannot find type") {
            return "No type named \(typeName) was found in Exercises/. Check the spelling (it is case-sensitive) and that the file is in Exercises/."
        }
        if text.contains("conform") && text.contains("Layer") {
            return "\(typeName) does not conform to Layer. Declare it as `struct \(typeName): Layer` with `parameters`, `forward(_:)` and `backward(_:)`."
        }
        if text.contains("missing argument") || text.contains("no accessible initializers") || text.contains("init") {
            return "\(typeName) has no init() that takes no arguments; gradcheck creates the layer as \(typeName)(). Add `init()` that sets up its parameters."
        }
        return "\(typeName) could not be used as a Layer: " + (errors.first?.message ?? "unknown compiler error")
    }

    /// Exit status per the design: 0 all agree, 1 a mismatch, 2 could not run.
    public static func exitStatus(_ outcome: Outcome) -> Int32 {
        switch outcome {
        case .couldNotRun: return 2
        case let .checked(report):
            if report.passed { return 0 }
            let structural = report.problems.contains {
                switch $0 {
                case .gradientShape, .parameterGradientCount, .upstreamShape, .outputShapeChanged: return true
                default: return false
                }
            }
            return structural ? 2 : 1
        }
    }
}
