import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Tests for the four schedules: each evaluated at every step from 0 on, past its last drop, the end of the
/// cosine and the end of the warm-up, so counting from 1, ending the cosine a step early or letting it climb back
/// up after T all show; one test runs all four at the lengths a real run uses, one at the edge lengths (every = 1,
/// T = 1, W = 1) where an off-by-one changes the very first rate.
public struct LearningRateScheduleGrader: ExerciseGrader, TypedTests {
    public let id = "lr-schedule"
    public let fileName = "LearningRateSchedule.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case stepDecay = "step-decay", exponentialDecay = "exponential-decay", cosine, warmup,
             longRun = "long-run", edgeLengths = "edge-lengths"
    }

    /// The schedules of a test, each with the steps it is evaluated at.
    static func schedules(_ test: Test, using g: inout SeededGenerator) -> [(ScheduleSpec, steps: Int)] {
        // An initial rate in [0.05, 0.5) and a gamma in [0.8, 0.95], drawn per test and kept to three decimals so the
        // summary reads like a course's hyperparameters.
        let initial = ((0.05 + 0.45 * g.nextUniform()) * 1000).rounded() / 1000
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(g.next() % UInt64(range.count)) }
        switch test {
        case .stepDecay:
            let every = pick(3...5)
            return [(.stepDecay(initial: initial, gamma: [0.5, 0.2, 0.1][pick(0...2)], every: every), 3 * every + 2)]
        case .exponentialDecay:
            return [(.exponentialDecay(initial: initial, gamma: ((0.8 + 0.15 * g.nextUniform()) * 1000).rounded() / 1000), 15)]
        case .cosine:
            let total = pick(8...12)
            return [(.cosineAnnealing(initial: initial, minimum: initial * 0.01, totalSteps: total), total + 4)]
        case .warmup:
            let warmup = pick(4...8)
            return [(.linearWarmup(initial: initial, warmupSteps: warmup), warmup + 4)]
        case .longRun:
            return [(.stepDecay(initial: initial, gamma: 0.1, every: 30), 100),
                    (.exponentialDecay(initial: initial, gamma: 0.99), 100),
                    (.cosineAnnealing(initial: initial, minimum: 0, totalSteps: 50), 60),
                    (.linearWarmup(initial: initial, warmupSteps: 25), 40)]
        case .edgeLengths:
            return [(.stepDecay(initial: initial, gamma: 0.5, every: 1), 6),
                    (.exponentialDecay(initial: initial, gamma: 0.5), 6),
                    (.cosineAnnealing(initial: initial, minimum: initial / 4, totalSteps: 1), 6),
                    (.linearWarmup(initial: initial, warmupSteps: 1), 6)]
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let schedules = Self.schedules(test(spec), using: &g)
        let calls = schedules.map { WorkerCalls.schedule($0.0, steps: Array(0..<$0.steps)) }
        let names = schedules.map { "\($0.0.description) at steps 0–\($0.steps - 1)" }
        let judge = DeterministicJudge(calls: calls, tolerance: spec.tolerance, variants: variants) { _, replies in
            // One group per schedule; element i of each output is the rate at step i.
            zip(names, replies).map { name, reply in
                NamedOutput(group: String(name.prefix { $0 != "(" }), label: name,
                            tensor: reply.numbers.isEmpty ? nil : Tensor(shape: [reply.numbers.count], scalars: reply.numbers))
            }
        }
        let summary = names.count == 1 ? names[0] + "." : "The four schedules: " + names.joined(separator: "; ") + "."
        return judge.testCase(spec: spec, summary: summary)
    }
}
