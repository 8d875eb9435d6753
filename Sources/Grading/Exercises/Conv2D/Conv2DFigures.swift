import GradingCore
import TensorKit
import WorkerKit

/// For the first failing conv2d test: a heat map of |got − expected| over the output positions (the largest over
/// batch and filters at each row and column; `errorMapProbe`, which conv2d-backward shares). Drawn from that test's own replies, so no extra call is made; a
/// border of errors points at padding, errors everywhere at a flipped kernel or a weight layout, a pattern of
/// columns at the stride. Nothing is drawn when every test passes.
extension Conv2DGrader {
    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        [Self.errorMapProbe(reference: reference, id: "error-map", title: "conv2d: |got − expected| per output position",
                            positions: "output",
                            hint: "Errors along the border point at the padding, errors everywhere at a flipped kernel or a mixed-up weight layout, every other row or column at the stride.")]
    }

    /// A heat map of |got − expected| for reply tensor `tensor` (a 4-D [N, C, H, W] result) of the first failing test
    /// where that tensor is off, over its rows and columns (`positions`: "output", "input"), drawn from the test's own
    /// replies with no extra call; `hint` ends the caption with what the patterns mean. Nothing is drawn when no
    /// failing test has that tensor off. Shared by conv2d (the output) and conv2d-backward (the input gradient).
    static func errorMapProbe(reference: ExerciseImplementation, id: String, title: String, tensor: Int = 0,
                              positions: String, hint: String) -> FigureProbe {
        FigureProbe(name: id, calls: []) { outcome in
            for index in outcome.testReports.indices where outcome.testReports[index].status == .failed {
                guard index < outcome.tests.count, index < outcome.testReplies.count,
                      let call = outcome.tests[index].calls.first,
                      let replies = outcome.testReplies[index], let reply = replies.first, tensor < reply.tensors.count
                else { continue }
                let got = reply.tensors[tensor], expected = simulate(call, using: reference).tensors[tensor]
                let test = outcome.testReports[index]
                let tolerance = test.tolerance ?? Tolerance(atol: 1e-10, rtol: 1e-8)
                // Off by more than the tolerance allows anywhere in the tensor (rtol against its largest value).
                let allowed = tolerance.atol + tolerance.rtol * (expected.scalars.map(abs).max() ?? 0)
                guard let map = errorMap(got: got, expected: expected),
                      got.shape != expected.shape || map.values.contains(where: { !($0 <= allowed) }) else { continue }
                let finite = map.values.enumerated().filter { $0.element.isFinite }
                let (worstIndex, worst) = finite.max { $0.element < $1.element } ?? (0, 0)
                let off = finite.filter { $0.element > tolerance.atol }.count
                let missing = map.values.count - finite.count
                let rows = map.rows, columns = map.columns
                var caption = "Test \(test.name): the largest |got − expected| is \(DisplayFormat.significant(worst, digits: 4)) at \(positions) row \(worstIndex / columns), column \(worstIndex % columns); \(off) of \(map.values.count) positions are off by more than the tolerance's atol \(DisplayFormat.value(tolerance.atol))."
                if got.shape != expected.shape {
                    caption += " Your result has shape \(Tensor.describe(shape: got.shape)) where \(Tensor.describe(shape: expected.shape)) was expected\(missing > 0 ? "; the \(missing) grey cells are positions your result lacks or cannot be compared at" : "")."
                }
                caption += " " + hint
                return [Figure(id: id, kind: .heatMap, title: title, caption: caption,
                               xAxis: .init("\(positions) column"), yAxis: .init("\(positions) row"),
                               heatMap: Figure.HeatMap(rows: rows, columns: columns, values: map.values,
                                                       valueLabel: "max |got − expected|"))]
            }
            return []
        }
    }

    /// Over the expected result's rows and columns: the largest |got − expected| over batch and channels, NaN where
    /// the student's output has no such position (or its batch or filter count differs). Nil for a non-4-D output.
    static func errorMap(got: Tensor, expected: Tensor) -> (rows: Int, columns: Int, values: [Double])? {
        guard expected.shape.count == 4, got.shape.count == 4, got.scalars.count == got.shape.reduce(1, *),
              expected.shape.reduce(1, *) <= 1 << 20 else { return nil }
        let (n, f, h, w) = (expected.shape[0], expected.shape[1], expected.shape[2], expected.shape[3])
        let (gn, gf, gh, gw) = (got.shape[0], got.shape[1], got.shape[2], got.shape[3])
        var values = Array(repeating: Double.nan, count: h * w)
        guard gn == n, gf == f else { return (h, w, values) }
        for row in 0..<min(h, gh) {
            for column in 0..<min(w, gw) {
                var largest = 0.0
                for b in 0..<n {
                    for filter in 0..<f {
                        let e = expected.scalars[((b * f + filter) * h + row) * w + column]
                        let g = got.scalars[((b * gf + filter) * gh + row) * gw + column]
                        let difference = abs(g - e)
                        largest = difference.isNaN ? .infinity : Swift.max(largest, difference)
                    }
                }
                values[row * w + column] = largest
            }
        }
        return (h, w, values)
    }
}
