import TensorKit

/// When a centered difference disagrees with backward, the element may sit at a kink, where f has no
/// derivative and backward legitimately returns one of its one-sided slopes (ReLU'(0) = 0, the first of tied
/// maxima, ...). The checker then compares the one-sided differences
///
///     right = Σ g (f(x + h·eᵢ) − f(x)) / h,   left = Σ g (f(x) − f(x − h·eᵢ)) / h.
///
/// At a smooth point they differ by about h·|L″| and that difference shrinks tenfold when h does; at a kink they
/// differ by the jump in slope at every small h. So an element is a kink when `|right − left|` exceeds the
/// tolerance both at h and at h/10, and at h/10 is still at least `kinkStepRatio` of its value at h (a smooth
/// point gives 0.1). A kink near x but not at it (inside [x − h, x + h]) spoils the centered difference at h
/// but not at h/10, so an element whose analytic value agrees with the h/10 difference passes.
let kinkStepRatio = 0.3

/// The element-by-element and direction-by-direction comparisons behind `checkGradient`.
struct ElementChecker {
    var probe: Probe
    let center: Tensor
    let analytic: Tensor
    let options: GradCheckOptions

    private enum Outcome {
        case compared(ElementComparison)
        case kink(isSubgradient: Bool)
    }

    mutating func check(elements: [Int], _ f: (Tensor) -> Tensor, into result: inout TensorCheck) throws(ProbeError) {
        result.checkedCount = 0
        result.failedCount = 0
        result.worst = nil
        for i in elements {
            switch try judge(element: i, f) {
            case let .compared(comparison):
                result.checkedCount += 1
                if !comparison.passed { result.failedCount += 1 }
                if result.worst.map({ comparison.severity > $0.severity }) ?? true { result.worst = comparison }
            case let .kink(isSubgradient):
                result.skippedCount += 1
                if isSubgradient { result.subgradientCount += 1 }
                if result.skippedIndices.count < 8 { result.skippedIndices.append(analytic.multiIndex(i)) }
            }
        }
    }

    private func compare(_ i: Int, numerical: Double) -> ElementComparison {
        ElementComparison(tensor: probe.name, index: analytic.multiIndex(i), analytic: analytic.scalars[i],
                          numerical: numerical, absoluteTolerance: options.absoluteTolerance,
                          relativeTolerance: options.relativeTolerance)
    }

    private mutating func judge(element i: Int, _ f: (Tensor) -> Tensor) throws(ProbeError) -> Outcome {
        let h = options.step
        let coarse = try probe.centered(element: i, step: h, f)
        let comparison = compare(i, numerical: coarse.derivative)
        if comparison.passed { return .compared(comparison) }

        let (left, right) = oneSided(coarse.plus, coarse.minus, step: h)
        let spread = Swift.abs(right - left)
        guard spread > options.allowedError(numerical: Swift.max(Swift.abs(left), Swift.abs(right))) else {
            return .compared(comparison)   // smooth here: a genuine disagreement
        }

        let fine = try probe.centered(element: i, step: h / 10, f)
        let fineComparison = compare(i, numerical: fine.derivative)
        if fineComparison.passed { return .compared(fineComparison) }   // a kink or strong curvature nearby, not at x

        let (fineLeft, fineRight) = oneSided(fine.plus, fine.minus, step: h / 10)
        let fineSpread = Swift.abs(fineRight - fineLeft)
        let fineAllowed = options.allowedError(numerical: Swift.max(Swift.abs(fineLeft), Swift.abs(fineRight)))
        guard fineSpread > fineAllowed, fineSpread >= kinkStepRatio * spread else { return .compared(comparison) }

        let a = analytic.scalars[i]
        let isSubgradient = a >= Swift.min(fineLeft, fineRight) - fineAllowed
            && a <= Swift.max(fineLeft, fineRight) + fineAllowed
        return .kink(isSubgradient: isSubgradient)
    }

    private func oneSided(_ plus: Tensor, _ minus: Tensor, step: Double) -> (left: Double, right: Double) {
        (probe.weightedDifference(center, minus) / step, probe.weightedDifference(plus, center) / step)
    }

    /// `.fast` mode: random unit directions u (normal draws, normalized), numerical `vᵀ(f(x+εu) − f(x−εu))/2ε`
    /// against analytic `⟨a, u⟩`. Records the direction with the largest error-to-allowance ratio.
    func checkDirections(_ directions: Int, using generator: inout SeededGenerator, _ f: (Tensor) -> Tensor,
                         into result: inout TensorCheck) throws(ProbeError) {
        guard analytic.count > 0 else { return }
        var worstRatio = -1.0
        for d in 0..<Swift.max(directions, 1) {
            var u = Tensor.randomNormal(shape: analytic.shape, using: &generator)
            let norm = u.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            u = u / norm
            let numerical = try probe.directional(u, step: options.step, f)
            var analyticValue = 0.0, touched = 0.0, weighted = 0.0
            for i in 0..<u.count {
                analyticValue += analytic.scalars[i] * u.scalars[i]
                touched += Swift.abs(u.scalars[i])
                weighted += Swift.abs(analytic.scalars[i] * u.scalars[i])
            }
            let allowed = options.absoluteTolerance * touched
                + options.relativeTolerance * Swift.max(weighted, Swift.abs(numerical))
            let error = Swift.abs(analyticValue - numerical)
            let comparison = DirectionalComparison(direction: d, analytic: analyticValue, numerical: numerical,
                                                   absoluteError: error, allowedError: allowed,
                                                   passed: error <= allowed)
            let ratio = error.isNaN ? .infinity : error / Swift.max(allowed, .leastNormalMagnitude)
            result.directionsChecked += 1
            if !comparison.passed { result.directionsFailed += 1 }
            if ratio > worstRatio { worstRatio = ratio; result.worstDirection = comparison }
        }
    }
}
