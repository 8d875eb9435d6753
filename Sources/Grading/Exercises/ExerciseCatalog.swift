import Foundation

/// Every exercise the grader knows, in the design's order.
public enum ExerciseCatalog {
    public static let all: [any ExerciseGrader] = [SoftmaxGrader(), HeInitGrader(), DropoutGrader(), AdamGrader(), Conv2DGrader()]
}

/// Loads `grading/manifest.json` from the package and checks every exercise and test name against the graders.
public func loadManifest(packageRoot: URL) throws -> Manifest {
    let manifest = try Manifest.load(from: packageRoot.appendingPathComponent("grading/manifest.json"))
    try manifest.validate(against: ExerciseCatalog.all)
    return manifest
}
