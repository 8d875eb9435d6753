import Foundation
import GradingCore
import Reference

/// Every exercise the grader knows, in the design's order: the one list an exercise is registered in. Everything
/// else about an exercise lives in its folder (`Exercises/<Name>/`): its grader (tests and judges), its interface
/// (the functions students write and how the worker calls them) and its misconceptions.
public enum ExerciseCatalog {
    public static let all: [any ExerciseGrader] = [
        SoftmaxGrader(),
        HeInitGrader(),
        DropoutGrader(),
        AdamGrader(),
        Conv2DGrader(),
        MomentumGrader(),
        AdaGradGrader(),
        RMSPropGrader(),
        AdamWGrader(),
        LearningRateScheduleGrader(),
        BatchNormGrader(),
        Conv2DBackwardGrader(),
        MaxPoolGrader(),
    ]

    /// The registered exercise with this id.
    public static func grader(_ id: String) -> (any ExerciseGrader)? { all.first { $0.id == id } }
}

/// Loads `grading/manifest.json` from the package and checks every exercise and test name against the graders.
public func loadManifest(packageRoot: URL) throws -> Manifest {
    let manifest = try Manifest.load(from: packageRoot.appendingPathComponent("grading/manifest.json"))
    try manifest.validate(against: ExerciseCatalog.all)
    return manifest
}

extension GraderSetup {
    /// The setup for the registered exercises.
    public static func prepare(policy: SandboxPolicy, from directory: URL? = nil) throws -> GraderSetup {
        useOneBLASThreadForGrading()
        return try prepare(policy: policy, from: directory, exercises: ExerciseCatalog.all)
    }
}
