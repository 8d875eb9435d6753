import GradingCore
import TensorKit
import WorkerKit

/// The student's softmax at huge logits, class by class, against the reference: an unshifted exp overflows to
/// inf and inf/inf is NaN, which the chart shows as such instead of hiding it.
extension SoftmaxGrader {
    static let figureLogits: [Double] = [1000, 999, 998, 995, 990, -1000]

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let logits = Tensor(shape: [1, Self.figureLogits.count], scalars: Self.figureLogits)
        let call = WorkerCalls.softmax(logits)
        let reference = self.reference
        return [FigureProbe(name: "huge-logits", calls: [call]) { outcome in
            guard let yours = outcome.replies.first?.tensors.first, yours.scalars.count == logits.scalars.count else { return [] }
            let expected = simulate(call, using: reference).tensors[0].scalars
            let categories = Self.figureLogits.map { "z = \(DisplayFormat.significant($0, digits: 4))" }
            let indices = Self.figureLogits.indices.map(Double.init)
            let bad = yours.scalars.filter { !$0.isFinite }.count
            let largest = zip(yours.scalars, expected).map { abs($0 - $1) }.max() ?? 0
            let caption = bad > 0
                ? "At logits up to 1000 your softmax returns \(DisplayFormat.count(bad, "non-finite value")) of \(yours.scalars.count) (drawn as red dashed bars): exp(1000) overflows to infinity and ∞/∞ is NaN. Subtract each row's maximum before exponentiating; the result is the same, and the largest exponent is exp(0) = 1."
                : "At logits up to 1000 your softmax and the reference's differ by at most \(DisplayFormat.significant(largest, digits: 3)); the probabilities are \(yours.scalars.map { DisplayFormat.significant($0, digits: 3) }.joined(separator: ", "))."
            return [Figure(id: "huge-logits", kind: .bars, title: "softmax at huge logits", caption: caption,
                           xAxis: .init("class (its logit)"), yAxis: .init("probability"),
                           series: [.init("your softmax", role: .student, x: indices, y: yours.scalars),
                                    .init("reference", role: .reference, x: indices, y: expected)],
                           categories: categories)]
        }]
    }
}
