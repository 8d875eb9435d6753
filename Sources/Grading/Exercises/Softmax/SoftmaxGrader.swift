import Foundation
import GradingCore
import TensorKit
import WorkerKit

/// Tests for `softmax` and `softmaxCrossEntropy`.
///
/// The inputs are built to separate right from known-wrong: non-square and rank-4 shapes (wrong axis), logits around
/// ±1000 (no max shift), rows of very different scale in one batch (a batch-wide max), a correct class 1500 below
/// the best (−log of an underflowed probability), and batches of several sizes (sum instead of mean).
/// Cross-entropy gradients are compared with the reference and, on moderate logits, also checked against the
/// student's own loss by a central difference along a random direction.
public struct SoftmaxGrader: ExerciseGrader, TypedTests {
    public let id = "softmax"
    public let fileName = "Softmax.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these (a test name it lacks is a manifest error, never a
    /// silent stand-in for another test).
    public enum Test: String, CaseIterable, Sendable {
        case basic, rank4 = "rank-4", hugeLogits = "huge-logits", crossEntropy = "cross-entropy",
             mixedScaleRows = "mixed-scale-rows", ceHugeGap = "ce-huge-gap", edgeShapes = "edge-shapes",
             ceWideBatch = "ce-wide-batch"
    }


    /// The inputs of one test.
    struct Inputs {
        var summary: String
        var softmaxInputs: [Tensor] = []
        var crossEntropyInputs: [(logits: Tensor, labels: [Int])] = []
        /// Whether to check each cross-entropy gradient against the student's own loss (moderate logits only).
        var checkGradientAgainstLoss = false
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var generator = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let inputs = Self.inputs(for: test(spec), using: &generator)
        var calls = inputs.softmaxInputs.map(WorkerCalls.softmax)
        let firstCrossEntropy = calls.count
        var directions: [Tensor] = []
        for (logits, labels) in inputs.crossEntropyInputs {
            calls.append(WorkerCalls.softmaxCrossEntropy(logits: logits, labels: labels))
        }
        let step = 1e-5
        if inputs.checkGradientAgainstLoss {
            for (logits, labels) in inputs.crossEntropyInputs {
                let direction = Tensor(shape: logits.shape) { _ in generator.nextUniform() < 0.5 ? -1.0 : 1.0 }
                directions.append(direction)
                calls.append(WorkerCalls.softmaxCrossEntropy(logits: logits + direction * step, labels: labels))
                calls.append(WorkerCalls.softmaxCrossEntropy(logits: logits - direction * step, labels: labels))
            }
        }
        let softmaxCount = inputs.softmaxInputs.count, crossEntropyCount = inputs.crossEntropyInputs.count
        let outputs: @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput] = { calls, replies in
            var result: [NamedOutput] = []
            for k in 0..<softmaxCount {
                let label = softmaxCount == 1 ? "probabilities"
                    : "probabilities for input \(k + 1) (shape \(Tensor.describe(shape: calls[k].tensors[0].shape)))"
                result.append(NamedOutput(group: "probabilities", label: label, tensor: replies[k].tensor(0)))
            }
            for k in 0..<crossEntropyCount {
                let reply = replies[firstCrossEntropy + k]
                let suffix = crossEntropyCount == 1 ? "" : " for batch \(k + 1)"
                result.append(NamedOutput(group: "loss", label: "cross-entropy loss" + suffix,
                                          tensor: reply.number(0).map { Tensor(scalar: $0) }))
                result.append(NamedOutput(group: "gradient", label: "cross-entropy gradient" + suffix, tensor: reply.tensor(0)))
            }
            return result
        }
        var judge = DeterministicJudge(calls: calls, tolerance: spec.tolerance, variants: SoftmaxMisconceptions.variants,
                                       outputs: outputs)
        if inputs.checkGradientAgainstLoss {
            // With step 1e-5 on logits of size ≤ 10 the truncation error (step²·L‴) and the rounding error
            // (ε·L/step) are both below 1e-9, so the bound 1e-6 + 1e-4·|⟨g, u⟩| leaves a wide margin for any correct
            // implementation while a gradient off by a factor N, or with the wrong sign, fails by orders of magnitude.
            let perturbedStart = firstCrossEntropy + crossEntropyCount
            judge.directionalChecks = (0..<crossEntropyCount).map { k in
                DirectionalDerivativeCheck(name: "gradient against your own loss", gradientReply: firstCrossEntropy + k,
                                           gradientTensor: 0, plusReply: perturbedStart + 2 * k,
                                           minusReply: perturbedStart + 2 * k + 1, valueNumber: 0,
                                           direction: directions[k], step: step, tolerance: Tolerance(atol: 1e-6, rtol: 1e-4),
                                           against: "your own loss")
            }
        }
        let frozen = judge
        return frozen.testCase(spec: spec, summary: inputs.summary)
    }

    static func normal(_ shape: [Int], scale: Double, offset: Double = 0, using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { _ in offset + scale * generator.nextNormal() }
    }

    static func labels(rows: Int, classes: Int, using generator: inout SeededGenerator) -> [Int] {
        (0..<rows).map { _ in Int(generator.next() % UInt64(classes)) }
    }

    static func inputs(for test: Test, using g: inout SeededGenerator) -> Inputs {
        switch test {
        case .basic:
            let logits = normal([3, 5], scale: 2, using: &g)
            return Inputs(summary: "Softmax and cross-entropy of logits [3, 5] drawn from N(0, 2²).", softmaxInputs: [logits],
                          crossEntropyInputs: [(logits, labels(rows: 3, classes: 5, using: &g))], checkGradientAgainstLoss: true)
        case .rank4:
            return Inputs(summary: "Softmax along the last axis of a rank-4 tensor [2, 3, 4, 5] drawn from N(0, 3²).",
                          softmaxInputs: [normal([2, 3, 4, 5], scale: 3, using: &g)])
        case .hugeLogits:
            // Rows 1–4 hold logits near +1000 and near −1000; the label sits at the smallest logit in rows 2 and 4.
            // Row 5 holds seven equal logits of 1000: subtracting the row's mean (instead of its maximum) gets it
            // right while not shifting at all overflows, which tells those two mistakes apart.
            let spread = Tensor(shape: [4, 7]) { _ in (g.nextUniform() < 0.5 ? -1000.0 : 1000.0) + 5 * g.nextNormal() }
            var labels = (0..<4).map { i -> Int in
                let row = Array(spread.scalars[(i * 7)..<(i * 7 + 7)])
                return i % 2 == 1 ? row.indices.min { row[$0] < row[$1] }! : Int(g.next() % 7)
            }
            labels.append(Int(g.next() % 7))
            let logits = Tensor(shape: [5, 7], scalars: spread.scalars + Array(repeating: 1000, count: 7))
            return Inputs(summary: "Softmax and cross-entropy of logits [5, 7]: rows 1–4 around ±1000 (the correct class is the smallest logit in rows 2 and 4), row 5 seven equal logits of 1000.",
                          softmaxInputs: [logits], crossEntropyInputs: [(logits, labels)])
        case .crossEntropy:
            let logits = normal([8, 10], scale: 3, using: &g)
            return Inputs(summary: "Cross-entropy of logits [8, 10] drawn from N(0, 3²) with random labels: mean loss over the 8 rows and its gradient.",
                          crossEntropyInputs: [(logits, labels(rows: 8, classes: 10, using: &g))], checkGradientAgainstLoss: true)
        case .mixedScaleRows:
            let rows: [(offset: Double, scale: Double)] = [(1000, 5), (0, 1), (-1000, 5), (0, 1e-3), (500, 30)]
            var scalars: [Double] = []
            for row in rows { for _ in 0..<6 { scalars.append(row.offset + row.scale * g.nextNormal()) } }
            let logits = Tensor(shape: [5, 6], scalars: scalars)
            return Inputs(summary: "Softmax and cross-entropy of one batch [5, 6] whose rows lie around 1000, 0, −1000, 0 (±0.001) and 500.",
                          softmaxInputs: [logits], crossEntropyInputs: [(logits, labels(rows: 5, classes: 6, using: &g))])
        case .ceHugeGap:
            let (n, c) = (6, 9)
            var logits = normal([n, c], scale: 1, using: &g)
            var labels: [Int] = []
            for i in 0..<n {
                let best = Int(g.next() % UInt64(c))
                var label = Int(g.next() % UInt64(c - 1)); if label >= best { label += 1 }
                logits.scalars[i * c + best] += 800 + 400 * g.nextUniform()
                logits.scalars[i * c + label] -= 300 + 400 * g.nextUniform()
                labels.append(label)
            }
            return Inputs(summary: "Cross-entropy of logits [6, 9] where the correct class lies 1100 to 1900 below the best one, so the loss is about 1500.",
                          crossEntropyInputs: [(logits, labels)])
        case .edgeShapes:
            return Inputs(summary: "Softmax of a rank-1 tensor [7], a column [5, 1] and a row [1, 8]; cross-entropy with a single class [4, 1].",
                          softmaxInputs: [normal([7], scale: 2, using: &g), normal([5, 1], scale: 2, using: &g), normal([1, 8], scale: 2, using: &g)],
                          crossEntropyInputs: [(normal([4, 1], scale: 2, using: &g), [0, 0, 0, 0])])
        case .ceWideBatch:
            var labels = labels(rows: 33, classes: 13, using: &g)
            labels[0] = 0; labels[32] = 12
            return Inputs(summary: "Cross-entropy of logits [33, 13] drawn from N(0, 10²), labels including the first and last class.",
                          crossEntropyInputs: [(normal([33, 13], scale: 10, using: &g), labels)], checkGradientAgainstLoss: true)
        }
    }
}
