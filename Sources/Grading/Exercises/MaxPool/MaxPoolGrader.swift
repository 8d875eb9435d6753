import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Tests for `maxPool2dForward` and `maxPool2dBackward`: each runs the forward pass and the backward pass for a
/// random upstream gradient on the same input.
///
/// The max has a kink wherever two elements of a window tie, so the tests are of two kinds. Inputs *without* ties
/// (a shuffled grid of values at least 0.08 apart) also check the student's backward against their own forward by a
/// central difference with h = 1e-6, far from every kink. Inputs *with* ties (small integers, with ties planted in
/// windows) are judged against the documented rule only — the first maximum in row-major order gets the whole
/// gradient — and never by a finite difference, which is meaningless there. Overlapping windows (s < k), gaps
/// (s > k) and sizes that round down expose the stride mistakes.
public struct MaxPoolGrader: ExerciseGrader, TypedTests {
    public let id = "maxpool"
    public let fileName = "MaxPool.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case basic, overlapping, ties, strideLarger = "stride-larger", tiesOverlapping = "ties-overlapping",
             roundingDown = "rounding-down", wholePlane = "whole-plane"
    }

    struct Setup {
        var shape: [Int]
        var kernelSize: Int
        var stride: Int
        var ties = false
        var note: String
    }

    static func setup(_ test: Test) -> Setup {
        switch test {
        case .basic: return Setup(shape: [2, 3, 6, 8], kernelSize: 2, stride: 2, note: "2×2 windows, stride 2, no ties")
        case .overlapping: return Setup(shape: [2, 2, 7, 9], kernelSize: 3, stride: 2, note: "overlapping 3×3 windows at stride 2, one element winning four of them, no ties")
        case .ties: return Setup(shape: [2, 2, 6, 6], kernelSize: 2, stride: 2, ties: true, note: "small integers with tied maxima in many windows")
        case .strideLarger: return Setup(shape: [1, 3, 8, 11], kernelSize: 2, stride: 3, note: "2×2 windows at stride 3 (some elements in no window), no ties")
        case .tiesOverlapping: return Setup(shape: [2, 2, 7, 7], kernelSize: 3, stride: 2, ties: true, note: "overlapping 3×3 windows at stride 2 on small integers with many ties")
        case .roundingDown: return Setup(shape: [3, 2, 5, 9], kernelSize: 2, stride: 2, note: "odd sizes: the last row and column are in no window, no ties")
        case .wholePlane: return Setup(shape: [2, 4, 4, 4], kernelSize: 4, stride: 1, note: "one 4×4 window covering each whole plane, no ties")
        }
    }

    /// Distinct values: a shuffled grid 0.1 apart, each moved by less than 0.02, so any two differ by more than 0.06.
    static func distinctValues(_ shape: [Int], using g: inout SeededGenerator) -> Tensor {
        let count = shape.reduce(1, *)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(g.next() % UInt64(i + 1))) }
        return Tensor(shape: shape) { index in 0.1 * Double(order[index]) - 0.05 * Double(count) + 0.02 * g.nextUniform() }
    }

    /// Integers 0 to 3, with the maximum of every other window copied onto a second element of it.
    static func tiedValues(_ s: Setup, using g: inout SeededGenerator) -> Tensor {
        var x = Tensor(shape: s.shape) { _ in Double(g.next() % 4) }
        let (h, w) = (s.shape[2], s.shape[3])
        let (ho, wo) = ((h - s.kernelSize) / s.stride + 1, (w - s.kernelSize) / s.stride + 1)
        for plane in 0..<(s.shape[0] * s.shape[1]) {
            for i in 0..<ho { for j in 0..<wo where (i + j) % 2 == 0 {
                let window = (0..<s.kernelSize).flatMap { a in (0..<s.kernelSize).map { b in (plane * h + i * s.stride + a) * w + j * s.stride + b } }
                let best = window.max { x.scalars[$0] < x.scalars[$1] }!
                var other = window[Int(g.next() % UInt64(window.count))]
                if other == best { other = window[(window.firstIndex(of: best)! + 1) % window.count] }
                x.scalars[other] = x.scalars[best]
            } }
        }
        return x
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let s = Self.setup(test(spec))
        var input = s.ties ? Self.tiedValues(s, using: &g) : Self.distinctValues(s.shape, using: &g)
        if test(spec) == .overlapping {
            // Element (2, 2) of the first plane lies in windows (0, 0), (0, 1), (1, 0) and (1, 1): make it win all four.
            input.scalars[2 * s.shape[3] + 2] = input.max() + 1
        }
        let (h, w) = (s.shape[2], s.shape[3])
        let outputShape = [s.shape[0], s.shape[1], (h - s.kernelSize) / s.stride + 1, (w - s.kernelSize) / s.stride + 1]
        let upstream = Tensor.randomNormal(shape: outputShape, using: &g)
        var calls = [WorkerCalls.maxPool2dForward(input, kernelSize: s.kernelSize, stride: s.stride),
                     WorkerCalls.maxPool2dBackward(gradOutput: upstream, input: input, kernelSize: s.kernelSize, stride: s.stride)]
        var gradientCheck: DirectionalGradientCheck?
        if !s.ties {
            // Max pooling is linear between kinks and every kink is ≥ 0.06 away, far beyond h = 1e-6, so the central
            // difference is exact up to rounding (ε·Σ|upstream·y|/h < 1e-8): 1e-6 + 1e-6·|numerical| is ample.
            let check = DirectionalGradientCheck(
                step: 1e-6, upstream: upstream, directions: DirectionalGradientCheck.directions(like: [input], using: &g),
                gradients: [(1, 0)], plusCall: 2, minusCall: 3, absolute: 1e-6, relative: 1e-6, arguments: "the input")
            for sign in [1.0, -1.0] {
                calls.append(WorkerCalls.maxPool2dForward(check.perturbed([input], sign: sign)[0], kernelSize: s.kernelSize, stride: s.stride))
            }
            gradientCheck = check
        }
        let outputs: @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput] = { _, replies in
            [NamedOutput(group: "output", label: "max-pool output", tensor: replies[0].tensor(0)),
             NamedOutput(group: "input gradient", label: "∂L/∂input", tensor: replies[1].tensor(0))]
        }
        var judge = DeterministicJudge(calls: calls, tolerance: spec.tolerance, variants: variants, outputs: outputs)
        if let gradientCheck { judge.gradientChecks = [gradientCheck] }
        let frozen = judge
        let summary = "Max pooling of an input \(Tensor.describe(shape: s.shape)) with \(s.kernelSize)×\(s.kernelSize) windows at stride \(s.stride) (\(s.note)), forward and backward for a random upstream gradient; the output should be \(Tensor.describe(shape: outputShape))."
        return frozen.testCase(spec: spec, summary: summary)
    }
}
