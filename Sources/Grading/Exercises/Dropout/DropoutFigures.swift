import GradingCore
import TensorKit
import WorkerKit

/// Dropout's two numbers that matter, for p from 0 to 1: the fraction of units the student's dropoutForward keeps
/// (should be 1 − p) and the mean of its output on an input of ones (should stay 1, which is what the 1/(1 − p)
/// scaling is for; 0 at p = 1).
extension DropoutGrader {
    static let figureProbabilities = (0...10).map { Double($0) / 10 }

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let ones = Tensor(shape: [40, 100], scalars: Array(repeating: 1, count: 4000))
        let ps = Self.figureProbabilities
        let calls = ps.enumerated().map { index, p in
            WorkerCalls.dropoutForward(ones, p: p, training: true,
                                       seed: TestSeeds.seed(exercise: id, test: "figure-kept-\(index)", seed: seed), repeats: 1)
        }
        return [FigureProbe(name: "kept-fraction", calls: calls) { outcome in
            let outputs = outcome.replies.prefix(ps.count).map { reply -> Tensor? in
                guard let output = reply.tensors.first, output.scalars.count == ones.scalars.count else { return nil }
                return output
            }
            guard outputs.count == ps.count, outputs.allSatisfy({ $0 != nil }) else { return [] }
            let kept = outputs.map { output in Double(output!.scalars.filter { $0 != 0 || $0.isNaN }.count) / 4000 }
            let means = outputs.map { $0!.scalars.reduce(0, +) / 4000 }
            let worst = zip(ps, kept).max { abs(1 - $0.0 - $0.1) < abs(1 - $1.0 - $1.1) }!
            let keptCaption = "On 4000 units per point, your dropoutForward keeps a fraction \(DisplayFormat.significant(kept[1], digits: 3)) at p = 0.1 and \(DisplayFormat.significant(kept[9], digits: 3)) at p = 0.9; the farthest from 1 − p is a kept fraction of \(DisplayFormat.significant(worst.1, digits: 3)) at p = \(DisplayFormat.significant(worst.0, digits: 2)), where 1 − p = \(DisplayFormat.significant(1 - worst.0, digits: 2)). p is the probability of DROPPING a unit, so the kept fraction falls along the line 1 − p; a curve rising with p reads p as the keep probability."
            let meanCaption = "The mean output on an input of ones: yours is \(DisplayFormat.significant(means[5], digits: 3)) at p = 0.5 and \(DisplayFormat.value(means[10])) at p = 1. Inverted dropout scales survivors by 1/(1 − p) so the mean stays 1 (and is 0, never NaN, at p = 1); without that scaling it falls along 1 − p."
            let pAxis = Figure.Axis("drop probability p")
            return [
                Figure(id: "kept-fraction", kind: .line, title: "Fraction of units kept", caption: keptCaption,
                       xAxis: pAxis, yAxis: .init("fraction kept"),
                       series: [.init("your dropoutForward", role: .student, x: ps, y: kept),
                                .init("1 − p", role: .reference, x: ps, y: ps.map { 1 - $0 })]),
                Figure(id: "mean-output", kind: .line, title: "Mean output on an input of ones", caption: meanCaption,
                       xAxis: pAxis, yAxis: .init("mean output"),
                       series: [.init("your dropoutForward", role: .student, x: ps, y: means),
                                .init("inverted dropout", role: .reference, x: ps, y: ps.map { $0 < 1 ? 1 : 0 })]),
            ]
        }]
    }
}
