import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Records the student kit's test pack (`TestPack`) from the registered graders: every test of the kit's manifest
/// (visible ones only, see `Manifest.visibleOnly`) for every seed, as calls and a judge made of data.
///
/// Each recording is checked before it is kept: on the reference's replies and on every known wrong variant's, the
/// recorded judge must give exactly the judgement the instructor's test gives (message, score, worst element and
/// misconception alike). A test that cannot be recorded, or whose recording would judge differently, stops the
/// release with its name.
public enum TestPackRecorder {
    public struct RecordingError: Error, CustomStringConvertible {
        public var exercise: String
        public var test: String
        public var reason: String
        public var description: String {
            "Test \(test) of exercise \(exercise) cannot go into the student kit: \(reason)."
        }
    }

    public static func record(manifest: Manifest, seeds: [UInt64],
                              graders: [any ExerciseGrader] = ExerciseCatalog.all) throws -> TestPack {
        let encoder = ReportIO.encoder()
        var exercises: [TestPack.Exercise] = []
        for exercise in manifest.exercises {
            guard let grader = graders.first(where: { $0.id == exercise.id }) else {
                throw RecordingError(exercise: exercise.id, test: "-", reason: "no registered grader has this id")
            }
            let functions = Dictionary(grader.functions.map { ($0.wireName, $0) }) { first, _ in first }
            var sizes: [String: (elements: Int, tensors: Int)] = [:]
            var tests: [TestPack.Test] = []
            for seed in seeds {
                for spec in exercise.tests {
                    let test = grader.makeTest(spec: spec, seed: seed)
                    func failure(_ reason: String) -> RecordingError { RecordingError(exercise: exercise.id, test: spec.name, reason: reason) }
                    guard let record = test.record else {
                        throw failure("its judge is a closure with no recorded form (build it from a RecordedJudge or a DeterministicJudge)")
                    }
                    let judge: RecordedJudge
                    do { judge = try record() } catch { throw failure("\(error)") }
                    let implementations = [("the reference", ExerciseImplementation.reference)]
                        + grader.variants.map { ("the wrong variant \($0.misconception.id)", $0.implementation) }
                    for (name, implementation) in implementations {
                        let replies = test.calls.map { simulate($0, using: implementation) }
                        if try encoder.encode(test.judge(replies)) != encoder.encode(judge.judge(replies)) {
                            throw failure("on the replies of \(name), the recorded judge decides differently from the grader's")
                        }
                    }
                    for call in test.calls {
                        guard let function = functions[call.function] else { continue }
                        let size = function.replySize(call)
                        let known = sizes[call.function] ?? (0, 0)
                        sizes[call.function] = (max(known.elements, size.elements), max(known.tensors, size.tensors))
                    }
                    tests.append(TestPack.Test(name: spec.name, seed: seed, summary: test.summary, calls: test.calls, judge: judge))
                }
            }
            exercises.append(TestPack.Exercise(
                id: exercise.id, fileName: grader.fileName,
                functions: grader.functions.map {
                    TestPack.Function(declaration: $0.declaration, wireName: $0.wireName, driver: $0.driver,
                                      replyElements: sizes[$0.wireName]?.elements ?? 0, replyTensors: sizes[$0.wireName]?.tensors ?? 0)
                },
                tests: tests))
        }
        return TestPack(graderVersion: GraderEnvironment.graderVersion, seeds: seeds, exercises: exercises)
    }
}
