// swift-tools-version:6.0
import PackageDescription

// The dependency graph is the architecture:
//   CBLAS → TensorKit → { Reference, GradCheck, WorkerKit } → GradingCore → Grading → grader
// GradingCore is the student-side half of the grader (it never sees Reference); Grading adds the instructor's half.
// Exercises and Solutions import TensorKit (and GradCheck) only. The grader does NOT depend on Exercises at
// build time: it compiles a submission's files itself, in a sandbox, against a prebuilt copy of TensorKit,
// GradCheck and WorkerKit, so a broken exercise can never stop the grader from running.
let package = Package(
    name: "TrainingGrader",
    // Swift 6 language mode (the tools version's default) for every target. macOS 15 for Synchronization's Mutex,
    // which guards the state batch jobs share; Linux needs no minimum.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "grader", targets: ["grader"]),
        .library(name: "TensorKit", targets: ["TensorKit"]),
        .library(name: "GradCheck", targets: ["GradCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "TensorKit", dependencies: ["CBLAS"]),
        .target(name: "Reference", dependencies: ["TensorKit", "CBLAS"]),
        .target(name: "GradCheck", dependencies: ["TensorKit"]),
        .target(name: "WorkerKit", dependencies: ["TensorKit"]),
        // What grading a submission needs (compile, sandbox, run, compare, explain, report): no reference engine,
        // no wrong variants, nothing that implements a graded exercise.
        .target(name: "GradingCore", dependencies: ["TensorKit", "GradCheck", "WorkerKit"]),
        // What only the instructor has: the exercises' test generators, the reference they call, the misconception
        // variants, and the authoring tools.
        .target(name: "Grading", dependencies: ["GradingCore", "TensorKit", "Reference", "WorkerKit"]),
        // grader lists every module it imports: Reference (bench), GradCheck (gradcheck) and TensorKit (the
        // number and shape formatter) as well as Grading and GradingCore.
        .executableTarget(
            name: "grader",
            dependencies: ["Grading", "GradingCore", "Reference", "GradCheck", "TensorKit",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "Exercises", dependencies: ["TensorKit", "GradCheck"], path: "Exercises"),
        .target(name: "Solutions", dependencies: ["TensorKit", "GradCheck"], path: "Solutions"),
        .testTarget(name: "TensorKitTests", dependencies: ["TensorKit"]),
        .testTarget(name: "ReferenceTests", dependencies: ["Reference", "GradCheck", "TensorKit"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "GradCheckTests", dependencies: ["GradCheck", "TensorKit"]),
        .testTarget(name: "SolutionsTests", dependencies: ["Solutions", "Reference", "TensorKit"]),
        // Fast unit tests of the grading library: judges, reports, schema, statistics. No compiler, no sandbox.
        .testTarget(name: "GradingTests", dependencies: ["Grading", "GradingCore", "Reference", "TensorKit", "WorkerKit"]),
        // Slow end-to-end tests: they compile submissions, run them in the sandbox and run the grader binary
        // (built beside the test bundle by `swift build --build-tests`).
        .testTarget(name: "GradingIntegrationTests", dependencies: ["Grading", "GradingCore", "TensorKit", "WorkerKit"],
                    exclude: ["Snapshots"]),
    ]
)
