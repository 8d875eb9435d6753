import ArgumentParser
import Foundation
import Grading
import GradingCore
import Reference

/// `grader bench`: the performance figures, one JSON object per line.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the reference engine (dgemm, conv2d) and the grading pipeline (check, batch).")

    @Flag(help: "Print only the JSON lines (no table).")
    var json = false

    @Option(help: "Repetitions per kernel; the median is reported.")
    var repetitions: Int = 9

    @Option(help: "Generated clean submissions for the batch throughput measurement (0 skips it; the `batch --jobs 1` and `check` ratios are always measured).")
    var batch: Int = 40

    /// Nil means one job per processor core, stated in words so `--help` reads the same on every machine.
    @Option(help: "Jobs for the batch measurement (default: the number of processor cores).")
    var jobs: Int?

    func run() throws {
        var lines: [[String: Any]] = []
        for record in runStandardBenchmarks(repetitions: repetitions) {
            var line: [String: Any] = ["name": record.name, "seconds": record.seconds, "repetitions": record.repetitions, "shape": record.shape]
            if let gflops = record.gflops { line["gflops"] = gflops }
            lines.append(line)
        }
        if let gemm = lines.first(where: { $0["name"] as? String == "dgemm" })?["gflops"] as? Double,
           let conv = lines.first(where: { $0["name"] as? String == "conv2d-forward" })?["gflops"] as? Double {
            lines.append(["name": "conv2d-forward-vs-dgemm", "ratio": conv / gemm, "seconds": 0])
        }
        lines += try PipelineBenchmark.run(submissions: batch, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        for line in lines {
            let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
