import GradingCore
import Reference
import TensorKit
import WorkerKit

/// Tests for `conv2dForward`: cross-correlation in NCHW with weight [F, C, KH, KW], bias [F], zero padding p on all
/// four sides and stride s. The geometries are chosen so that each known mistake shows: F ≠ C (layout),
/// asymmetric kernels (flipping), sizes where ⌊·⌋ and ⌈·⌉ differ (rounding), H + p vs H + 2p giving different
/// sizes (padding once), stride > 1, and a bias far from zero.
public struct Conv2DGrader: ExerciseGrader, TypedTests {
    public let id = "conv2d"
    public let fileName = "Conv2D.swift"
    public init() {}

    /// The tests, typed: the manifest may only name these (a test name it lacks is a manifest error, never a
    /// silent stand-in for another test).
    public enum Test: String, CaseIterable, Sendable {
        case basic, strideAndPadding = "stride-and-padding", rectangularKernel = "rectangular-kernel",
             roundingDown = "rounding-down", strideThree = "stride-three", manyChannels = "many-channels",
             oneByOne = "one-by-one", batchOfOneWide = "batch-of-one-wide"
    }


    /// (N, C, H, W, F, KH, KW, stride, padding) and a sentence about what the case exposes.
    struct Geometry {
        var n, c, h, w, f, kh, kw, stride, padding: Int
        var note: String
    }

    static func geometry(_ test: Test) -> Geometry {
        switch test {
        case .basic: return Geometry(n: 2, c: 3, h: 6, w: 7, f: 4, kh: 3, kw: 3, stride: 1, padding: 0, note: "no padding, stride 1")
        case .strideAndPadding: return Geometry(n: 2, c: 3, h: 7, w: 9, f: 5, kh: 3, kw: 3, stride: 2, padding: 1, note: "stride 2 with padding 1")
        case .rectangularKernel: return Geometry(n: 1, c: 2, h: 8, w: 6, f: 3, kh: 2, kw: 4, stride: 1, padding: 2, note: "a 2×4 kernel with padding 2")
        case .roundingDown: return Geometry(n: 2, c: 2, h: 6, w: 8, f: 3, kh: 3, kw: 4, stride: 2, padding: 1, note: "sizes where (H + 2p − KH)/s is not a whole number, so the output size must round down")
        case .strideThree: return Geometry(n: 1, c: 4, h: 11, w: 10, f: 2, kh: 3, kw: 2, stride: 3, padding: 2, note: "stride 3 with padding 2")
        case .manyChannels: return Geometry(n: 3, c: 8, h: 5, w: 5, f: 5, kh: 3, kw: 3, stride: 1, padding: 1, note: "8 input and 5 output channels")
        case .oneByOne: return Geometry(n: 2, c: 6, h: 4, w: 3, f: 4, kh: 1, kw: 1, stride: 1, padding: 0, note: "1×1 kernels (a per-pixel linear map across channels)")
        case .batchOfOneWide: return Geometry(n: 1, c: 3, h: 5, w: 13, f: 7, kh: 3, kw: 5, stride: 2, padding: 1, note: "a wide image, F = 7 ≠ C = 3, stride 2")
        }
    }

    public func makeTest(spec: TestSpec, seed: UInt64) -> TestCase {
        var g = SeededGenerator(seed: TestSeeds.seed(exercise: id, test: spec.name, seed: seed))
        let geo = Self.geometry(test(spec))
        let input = Tensor.randomNormal(shape: [geo.n, geo.c, geo.h, geo.w], using: &g)
        let weight = Tensor.randomNormal(shape: [geo.f, geo.c, geo.kh, geo.kw], using: &g)
        // A bias far from zero, so forgetting it cannot hide inside the tolerance.
        let bias = Tensor(shape: [geo.f]) { _ in (g.nextUniform() < 0.5 ? -1 : 1) * (1 + 2 * g.nextUniform()) }
        let call = WorkerCalls.conv2dForward(input: input, weight: weight, bias: bias, stride: geo.stride, padding: geo.padding)
        let outputs: @Sendable ([WorkerCall], [WorkerReply]) -> [NamedOutput] = { _, replies in
            [NamedOutput(group: "output", label: "conv2d output", tensor: replies[0].tensor(0))]
        }
        var judge = DeterministicJudge(calls: [call], tolerance: spec.tolerance, variants: Conv2DMisconceptions.variants, outputs: outputs)
        // Rounding error scales with Σ|x·w| + |b|, not with the (possibly cancelling) output.
        judge.magnitudes = ["conv2d output": Reference.conv2dForward(input: input.abs(), weight: weight.abs(), bias: bias.abs(),
                                                                     stride: geo.stride, padding: geo.padding)]
        let frozen = judge
        let expected = Conv2DGeometry(inputShape: input.shape, weightShape: weight.shape, stride: geo.stride, padding: geo.padding).outputShape
        let summary = "conv2d of input \(Tensor.describe(shape: input.shape)) with weight \(Tensor.describe(shape: weight.shape)), bias [\(geo.f)], stride \(geo.stride), padding \(geo.padding) (\(geo.note)); the output should be \(Tensor.describe(shape: expected))."
        return frozen.testCase(spec: spec, summary: summary)
    }
}
