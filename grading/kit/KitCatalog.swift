import Foundation
import GradingCore

// The student kit's `Grading` module: the exercises come from the recorded test pack (grading/test-pack.json),
// written by `grader release`; there is no reference engine and no wrong variant here. The commands (Check.swift,
// GradCheckCommand.swift) are the course repository's own, so `check` here is the instructor's `check`.

/// The test pack of the package this grader runs in, read once.
enum KitPack {
    static let loaded: Result<TestPack, Error> = Result {
        try TestPack.load(packageRoot: try GraderEnvironment.discover().packageRoot)
    }
}

/// The exercises this kit can check.
public enum ExerciseCatalog {
    public static var all: [any GradableExercise] { (try? KitPack.loaded.get())?.gradableExercises ?? [] }
}

extension GraderSetup {
    /// The setup for the recorded exercises; it knows which seeds were recorded.
    public static func prepare(policy: SandboxPolicy, from directory: URL? = nil) throws -> GraderSetup {
        let pack = try KitPack.loaded.get()
        var setup = try prepare(policy: policy, from: directory, exercises: pack.gradableExercises)
        setup.recordedSeeds = pack.seeds
        return setup
    }
}
