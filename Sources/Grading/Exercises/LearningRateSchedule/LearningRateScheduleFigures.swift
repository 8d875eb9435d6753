import GradingCore
import TensorKit
import WorkerKit

/// The student's four schedules, the learning rate at each step, against the reference's on one line chart: the
/// staircase, the smooth decay, the cosine that reaches its minimum at step T and the ramp of the warm-up each have
/// their own shape, so a schedule that counts from 1 (shifted one step left) or a cosine that ends a step early shows.
extension LearningRateScheduleGrader {
    static let figureSteps = 24
    static let figureSchedules: [ScheduleSpec] = [
        .stepDecay(initial: 0.1, gamma: 0.5, every: 6),
        .exponentialDecay(initial: 0.1, gamma: 0.85),
        .cosineAnnealing(initial: 0.1, minimum: 0.01, totalSteps: 16),
        .linearWarmup(initial: 0.1, warmupSteps: 8),
    ]

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let reference = self.reference
        let calls = Self.figureSchedules.map { WorkerCalls.schedule($0, steps: Array(0..<Self.figureSteps)) }
        return [FigureProbe(name: "schedules", calls: calls) { outcome in
            guard !outcome.replies.isEmpty else { return [] }
            let steps = (0..<Self.figureSteps).map(Double.init)
            var series: [Figure.Series] = [], sentences: [String] = []
            for (index, schedule) in Self.figureSchedules.enumerated() {
                let name = String(schedule.description.prefix { $0 != "(" })
                let expected = simulate(calls[index], using: reference).numbers
                series.append(.init("reference", role: .reference, x: steps, y: expected))
                guard index < outcome.replies.count else {
                    sentences.append("Your \(name) gave no rates\(outcome.failure.map { ": \($0)" } ?? ".")")
                    continue
                }
                let yours = outcome.replies[index].numbers
                series.append(.init("yours", role: .student, x: Array(steps.prefix(yours.count)), y: Array(yours.prefix(steps.count))))
                if let k = QuadraticOptimizerProbe.firstDifference(yours, expected) {
                    sentences.append("Your \(name) first differs at step \(k): \(DisplayFormat.significant(yours[k], digits: 4)) where the reference gives \(DisplayFormat.significant(expected[k], digits: 4)).")
                    if case let .cosineAnnealing(_, minimum, _) = schedule {
                        // Where each curve first reaches the minimum: an early or a late end of the cosine.
                        let reaches = { (rates: [Double]) in rates.firstIndex { abs($0 - minimum) <= 1e-12 }.map { "step \($0)" } ?? "no step up to \(Self.figureSteps - 1)" }
                        sentences.append("Yours first reaches the minimum, \(DisplayFormat.value(minimum)), at \(reaches(yours)); the reference's at \(reaches(expected)).")
                    }
                } else if yours.count < expected.count {
                    sentences.append("Your \(name) gave \(DisplayFormat.count(yours.count, "rate")) for \(Self.figureSteps) steps.")
                } else {
                    sentences.append("Your \(name) matches the reference at every step.")
                }
            }
            let caption = "Each schedule at steps 0–\(Self.figureSteps - 1): "
                + Self.figureSchedules.map(\.description).joined(separator: ", ") + ". "
                + sentences.joined(separator: " ")
            return [Figure(id: "learning-rates", kind: .line, title: "Learning rate per step, four schedules", caption: caption,
                           xAxis: .init("step"), yAxis: .init("learning rate"), series: series)]
        }]
    }
}
