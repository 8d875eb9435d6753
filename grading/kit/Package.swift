// swift-tools-version:6.0
import PackageDescription

// The student kit, written by `grader release` from the course's master repository. It grades your Exercises/ with
// recorded tests (grading/test-pack.json): the inputs, the expected outputs and the outputs of the known mistakes,
// so failures are explained and misconceptions named without any reference implementation in this package.
//   CBLAS → TensorKit → { GradCheck, WorkerKit } → GradingCore → Grading (the recorded tests) → grader
let package = Package(
    name: "TrainingExercises",
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
        .target(name: "GradCheck", dependencies: ["TensorKit"]),
        .target(name: "WorkerKit", dependencies: ["TensorKit"]),
        .target(name: "GradingCore", dependencies: ["TensorKit", "GradCheck", "WorkerKit"]),
        // The exercises as recorded tests: no reference engine, no wrong variants.
        .target(name: "Grading", dependencies: ["GradingCore"]),
        .executableTarget(
            name: "grader",
            dependencies: ["Grading", "GradingCore", "GradCheck", "TensorKit",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "Exercises", dependencies: ["TensorKit", "GradCheck"], path: "Exercises"),
    ]
)
