import GradingCore
import TensorKit
import WorkerKit

/// For the first failing conv2d test: a heat map of |got − expected| over the output positions (the largest over
/// batch and filters at each row and column). Drawn from that test's own replies, so no extra call is made; a
/// border of errors points at padding, errors everywhere at a flipped kernel or a weight layout, a pattern of
/// columns at the stride. Nothing is drawn when every test passes.
extension Conv2DGrader {
    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let reference = self.reference
        return [FigureProbe(name: "error-map", calls: []) { outcome in
            guard let index = outcome.testReports.indices.first(where: { outcome.testReports[$0].status == .failed }),
                  index < outcome.tests.count, index < outcome.testReplies.count,
                  let call = outcome.tests[index].calls.first, let got = outcome.testReplies[index]?.first?.tensors.first
            else { return [] }
            let expected = simulate(call, using: reference).tensors[0]
            guard let map = Self.errorMap(got: got, expected: expected) else { return [] }
            let test = outcome.testReports[index]
            let tolerance = test.tolerance ?? Tolerance(atol: 1e-10, rtol: 1e-8)
            let finite = map.values.enumerated().filter { $0.element.isFinite }
            let (worstIndex, worst) = finite.max { $0.element < $1.element } ?? (0, 0)
            let off = finite.filter { $0.element > tolerance.atol }.count
            let missing = map.values.count - finite.count
            let rows = map.rows, columns = map.columns
            var caption = "Test \(test.name): the largest |got − expected| is \(DisplayFormat.significant(worst, digits: 4)) at output row \(worstIndex / columns), column \(worstIndex % columns); \(off) of \(map.values.count) positions are off by more than the tolerance's atol \(DisplayFormat.value(tolerance.atol))."
            if got.shape != expected.shape {
                caption += " Your output has shape \(Tensor.describe(shape: got.shape)) where \(Tensor.describe(shape: expected.shape)) was expected\(missing > 0 ? "; the \(missing) grey cells are positions your output lacks" : "")."
            }
            caption += " Errors along the border point at the padding, errors everywhere at a flipped kernel or a mixed-up weight layout, every other row or column at the stride."
            return [Figure(id: "error-map", kind: .heatMap, title: "conv2d: |got − expected| per output position", caption: caption,
                           xAxis: .init("output column"), yAxis: .init("output row"),
                           heatMap: Figure.HeatMap(rows: rows, columns: columns, values: map.values,
                                                   valueLabel: "max |got − expected|"))]
        }]
    }

    /// Over the expected output's rows and columns: the largest |got − expected| over batch and filters, NaN where
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
