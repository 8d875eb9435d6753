import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Tests for `conv2dBackward`: the gradients of the `conv2d` exercise's forward pass for a random upstream gradient.
/// The geometries are those that expose each known mistake: asymmetric and rectangular kernels (a rotated weight
/// gradient, an unrotated kernel in the input gradient), padding ≥ 1 (the padded gradient not cropped), N ≥ 2 (a
/// bias gradient averaged over the batch), stride > 1 (the stride ignored), strides that leave rows unread, and
/// F ≠ C.
public struct Conv2DBackwardGrader: ExerciseGrader, TypedTests {
    public let id = "conv2d-backward"
    public let fileName = "Conv2DBackward.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these.
    public enum Test: String, CaseIterable, Sendable {
        case basic, strideAndPadding = "stride-and-padding", rectangularKernel = "rectangular-kernel",
             roundingDown = "rounding-down", strideThree = "stride-three", manyChannels = "many-channels"
    }

    static func geometry(_ test: Test) -> Conv2DGrader.Geometry {
        switch test {
        case .basic: return .init(n: 2, c: 3, h: 6, w: 7, f: 4, kh: 3, kw: 3, stride: 1, padding: 0, note: "no padding, stride 1")
        case .strideAndPadding: return .init(n: 2, c: 3, h: 7, w: 9, f: 5, kh: 3, kw: 3, stride: 2, padding: 1, note: "stride 2 with padding 1")
        case .rectangularKernel: return .init(n: 2, c: 2, h: 8, w: 6, f: 3, kh: 2, kw: 4, stride: 1, padding: 2, note: "a 2×4 kernel with padding 2")
        case .roundingDown: return .init(n: 2, c: 2, h: 6, w: 8, f: 3, kh: 3, kw: 4, stride: 2, padding: 1, note: "sizes where the last input row and column are read by no window")
        case .strideThree: return .init(n: 3, c: 4, h: 11, w: 10, f: 2, kh: 3, kw: 2, stride: 3, padding: 2, note: "stride 3 with padding 2")
        case .manyChannels: return .init(n: 3, c: 8, h: 5, w: 5, f: 5, kh: 3, kw: 3, stride: 1, padding: 1, note: "8 input and 5 output channels")
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let geo = Self.geometry(test(spec))
        let input = Tensor.randomNormal(shape: [geo.n, geo.c, geo.h, geo.w], using: &g)
        let weight = Tensor.randomNormal(shape: [geo.f, geo.c, geo.kh, geo.kw], using: &g)
        let outputShape = Conv2DGeometry(inputShape: input.shape, weightShape: weight.shape, stride: geo.stride, padding: geo.padding).outputShape
        // An upstream gradient with a per-filter offset, so that the bias gradient is far from zero.
        let offsets = (0..<geo.f).map { _ in (g.nextUniform() < 0.5 ? -1.0 : 1.0) * (0.5 + g.nextUniform()) }
        let area = outputShape[2] * outputShape[3]
        let gradOutput = Tensor(shape: outputShape) { index in offsets[(index / area) % geo.f] + g.nextNormal() }
        let call = WorkerCalls.conv2dBackward(input: input, weight: weight, gradOutput: gradOutput, stride: geo.stride, padding: geo.padding)
        let outputs: @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput] = { _, replies in
            [NamedOutput(group: "input gradient", label: "∂L/∂input", tensor: replies[0].tensor(0)),
             NamedOutput(group: "weight gradient", label: "∂L/∂weight", tensor: replies[0].tensor(1)),
             NamedOutput(group: "bias gradient", label: "∂L/∂bias", tensor: replies[0].tensor(2))]
        }
        var judge = DeterministicJudge(calls: [call], tolerance: spec.tolerance, variants: variants, outputs: outputs)
        // Rounding error scales with the sums of |terms| (Σ|G·w|, Σ|G·x|, Σ|G|), not with the possibly cancelling sums.
        let magnitudes = Reference.conv2dBackwardDirect(input: input.abs(), weight: weight.abs(), gradOutput: gradOutput.abs(),
                                                        stride: geo.stride, padding: geo.padding)
        judge.magnitudes = ["∂L/∂input": magnitudes.input, "∂L/∂weight": magnitudes.weight, "∂L/∂bias": magnitudes.bias]
        let frozen = judge
        let summary = "conv2d backward for input \(Tensor.describe(shape: input.shape)), weight \(Tensor.describe(shape: weight.shape)), stride \(geo.stride), padding \(geo.padding) (\(geo.note)) and a random upstream gradient \(Tensor.describe(shape: outputShape)); the gradients should have the shapes of the input, the weight and [\(geo.f)]."
        return frozen.testCase(spec: spec, summary: summary)
    }
}
