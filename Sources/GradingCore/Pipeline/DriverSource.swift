/// Source code the grader compiles together with a submission.
///
/// Each exercise gets a driver file (`__Driver_<id>.swift`) that decodes `WorkerCall`s for that exercise and calls
/// the student's functions by their declared signatures (`ExerciseFunction`, with the exercise's call layout). A
/// compile error inside an exercise's driver file therefore means that exercise's functions are missing or have
/// another signature, and is charged to that exercise alone. Types are written module-qualified (`TensorKit.Tensor`) so a
/// submission that declares its own `Tensor` cannot capture the driver's.
enum DriverSource {
    static let mainFileName = "__GraderMain.swift"

    static func driverFileName(_ exerciseID: String) -> String {
        "__Driver_" + exerciseID.replacingOccurrences(of: "-", with: "_") + ".swift"
    }

    static func dispatchName(_ exerciseID: String) -> String {
        "__graderDispatch_" + exerciseID.replacingOccurrences(of: "-", with: "_")
    }

    /// The entry point: routes each call to the exercise drivers in turn.
    static func main(exerciseIDs: [String]) -> String {
        let chain = exerciseIDs.map { "if let reply = \(dispatchName($0))(call) { return reply }" }
            .joined(separator: "\n            ")
        return """
        import TensorKit
        import WorkerKit

        @main enum __GraderWorkerEntry {
            static func main() {
                WorkerLoop.run { call in
                    \(chain)
                    return WorkerKit.WorkerReply()
                }
            }
        }

        """
    }

    /// The driver of one exercise: a `case` per function the exercise declares (`ExerciseFunction.driver`).
    static func driver(for exerciseID: String, _ functions: [ExerciseFunction]) -> String {
        let cases = functions.map { function in
            "    case \"\(function.wireName)\":\n" + function.driver.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "        " + $0 }.joined(separator: "\n") + "\n"
        }.joined()
        return """
        import TensorKit
        import WorkerKit

        func \(dispatchName(exerciseID))(_ call: WorkerKit.WorkerCall) -> WorkerKit.WorkerReply? {
            switch call.function {

        """ + cases + """
            default:
                return nil
            }
        }

        """
    }

    /// A stand-in for an exercise file that is missing or failed to compile: the declared signatures, each calling
    /// the not-implemented marker. It lets the rest of the submission compile and run.
    static func stub(_ functions: [ExerciseFunction]) -> String {
        "import TensorKit\n" + functions.map { $0.declaration + " { notImplemented() }\n" }.joined()
    }

    /// The signatures a message quotes when the grader cannot call an exercise's functions.
    static func expectedSignatures(_ functions: [ExerciseFunction]) -> String {
        functions.map(\.signature).joined(separator: " and ")
    }
}
