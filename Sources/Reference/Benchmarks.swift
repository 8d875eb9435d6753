import Dispatch
import TensorKit

// The performance figures `grader bench` prints. The convolution is measured against the GEMM it is built on,
// in the same run, so the ratio conv2d-forward / dgemm says how much im2col and the per-image loop cost.

/// One benchmark result: the median wall time of `repetitions` timed runs (after an untimed warm-up), and the
/// rate that implies when the operation's FLOP count is known.
public struct BenchmarkRecord: Codable, Equatable, Sendable {
    public var name: String
    public var gflops: Double?
    public var seconds: Double
    public var repetitions: Int
    public var shape: String

    public init(name: String, gflops: Double?, seconds: Double, repetitions: Int, shape: String) {
        (self.name, self.gflops, self.seconds, self.repetitions, self.shape) = (name, gflops, seconds, repetitions, shape)
    }
}

/// The median wall time of `repetitions` runs of `body` on the monotonic clock, after a warm-up of at least three
/// runs and 0.2 s: the first ~0.1 s of a fresh process run the convolution at about half speed (first-touch page
/// faults on new buffers, OpenBLAS's lazily allocated work areas), which one warm-up run does not cover.
public func medianSeconds(repetitions: Int, _ body: () -> Void) -> Double {
    precondition(repetitions >= 1, "A benchmark needs at least one repetition; got \(repetitions).")
    let warmUpStart = DispatchTime.now().uptimeNanoseconds
    var warmUpRuns = 0
    while warmUpRuns < 3 || DispatchTime.now().uptimeNanoseconds - warmUpStart < 200_000_000 {
        body()
        warmUpRuns += 1
    }
    var times: [Double] = []
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    times.sort()
    return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
}

/// Runs the standard benchmarks: `dgemm` (M=64, K=576, N=8192 through `Tensor.gemm`), `conv2d-forward` and
/// `conv2d-backward` for N=8, C=64, H=W=32, F=64, 3×3, stride 1, padding 1 (whose forward is that GEMM's size:
/// 2·N·F·C·KH·KW·Hout·Wout FLOPs; the backward does two such products, counted as twice the forward).
public func runStandardBenchmarks(repetitions: Int = 7) -> [BenchmarkRecord] {
    var generator = SeededGenerator(seed: 2024)
    // The convolutions run before the multi-threaded GEMM: after an OpenBLAS call its idle worker threads keep
    // spinning for a while (~0.1 s), and that would steal a core from the convolution's own worker threads.
    let input = Tensor.randomNormal(shape: [8, 64, 32, 32], using: &generator)
    let weight = heNormal(shape: [64, 64, 3, 3], using: &generator)
    let bias = Tensor.randomNormal(shape: [64], standardDeviation: 0.1, using: &generator)
    let geometry = Conv2DGeometry(inputShape: input.shape, weightShape: weight.shape, stride: 1, padding: 1)
    let convShape = "N=8 C=64 H=32 W=32 F=64 KH=3 KW=3 stride=1 padding=1"
    var output = Tensor(zeros: [0])
    let forwardSeconds = medianSeconds(repetitions: repetitions) {
        output = conv2dForward(input: input, weight: weight, bias: bias, stride: 1, padding: 1)
    }
    let gradOutput = Tensor.randomNormal(shape: output.shape, using: &generator)
    let backwardSeconds = medianSeconds(repetitions: repetitions) {
        _ = conv2dBackward(input: input, weight: weight, gradOutput: gradOutput, stride: 1, padding: 1)
    }
    let (m, k, n) = (64, 576, 8192)
    let a = Tensor.randomNormal(shape: [m, k], using: &generator)
    let b = Tensor.randomNormal(shape: [k, n], using: &generator)
    var c = [Double](repeating: 0, count: m * n)
    let gemmSeconds = medianSeconds(repetitions: repetitions) {
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    Tensor.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,
                                beta: 0, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
    let gemmFlops = 2 * Double(m) * Double(k) * Double(n)

    return [
        BenchmarkRecord(name: "dgemm", gflops: gemmFlops / gemmSeconds * 1e-9, seconds: gemmSeconds,
                        repetitions: repetitions, shape: "M=\(m) K=\(k) N=\(n)"),
        BenchmarkRecord(name: "conv2d-forward", gflops: geometry.forwardFlops / forwardSeconds * 1e-9,
                        seconds: forwardSeconds, repetitions: repetitions, shape: convShape),
        BenchmarkRecord(name: "conv2d-backward", gflops: 2 * geometry.forwardFlops / backwardSeconds * 1e-9,
                        seconds: backwardSeconds, repetitions: repetitions, shape: convShape),
    ]
}
