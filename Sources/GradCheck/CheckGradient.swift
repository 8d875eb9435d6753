import TensorKit

/// Gradient-checks one tensor: compares `analytic` (∂L/∂x from backward, L = ⟨upstream, f(x)⟩) with centered
/// differences of `f` around `x`, in the given mode.
///
/// Before comparing anything it evaluates f twice at x; if the outputs differ by more than a few units in the
/// last place, the check stops with `.nondeterministicForward` (a random forward makes finite differences
/// meaningless). An element that fails is examined for a kink — see `kinkStepRatio` — and, when it sits at one
/// (ReLU or leaky ReLU at 0, tied maxima), counted as skipped rather than failed.
///
/// `analytic` must have x's shape and `upstream` the output's shape; otherwise the result carries a problem
/// instead of a comparison.
public func checkGradient(name: String = "input", at x: Tensor, upstream: Tensor, analytic: Tensor,
                          options: GradCheckOptions = .init(), function f: (Tensor) -> Tensor) -> TensorCheck {
    guard analytic.shape == x.shape else {
        return .stopped(name: name, shape: x.shape, mode: options.mode,
                        problem: .gradientShape(tensor: name, expected: x.shape, actual: analytic.shape))
    }
    let center = f(x)
    guard center.shape == upstream.shape else {
        return .stopped(name: name, shape: x.shape, mode: options.mode,
                        problem: .upstreamShape(expected: center.shape, actual: upstream.shape))
    }
    if let difference = nondeterminism(center, f(x)) {
        return .stopped(name: name, shape: x.shape, mode: options.mode,
                        problem: .nondeterministicForward(maxDifference: difference))
    }
    let nonFinite = center.scalars.filter { !$0.isFinite }.count
    guard nonFinite == 0 else {
        return .stopped(name: name, shape: x.shape, mode: options.mode, problem: .nonFiniteOutput(count: nonFinite))
    }

    var checker = ElementChecker(probe: Probe(point: x, upstream: upstream, name: name), center: center,
                                 analytic: analytic, options: options)
    var generator = SeededGenerator(seed: options.seed ^ stableHash(name))
    var result = TensorCheck(name: name, shape: x.shape, mode: options.mode)
    do {
        switch options.mode {
        case .full:
            try checker.check(elements: Array(0..<x.count), f, into: &result)
        case let .sparse(count):
            try checker.check(elements: sample(Swift.max(count, 1), of: x.count, using: &generator), f, into: &result)
        case let .fast(directions):
            try checker.checkDirections(directions, using: &generator, f, into: &result)
            if let worst = result.worstDirection, !worst.passed {
                result.fellBackToFull = true
                try checker.check(elements: Array(0..<x.count), f, into: &result)
            }
        }
    } catch {
        return .stopped(name: name, shape: x.shape, mode: options.mode, problem: error.problem)
    }
    result.finish()
    return result
}

/// The largest elementwise difference between two evaluations at the same point, or nil when they agree to
/// within 16 units in the last place of the output's scale. Noise that small moves a centered difference by
/// about 10⁻¹⁴/h — far below any tolerance — whereas randomness a forward pass adds on purpose is far larger.
func nondeterminism(_ first: Tensor, _ second: Tensor) -> Double? {
    guard first.shape == second.shape else { return .infinity }
    var largest = 0.0, scale = 0.0
    for (a, b) in zip(first.scalars, second.scalars) {
        if a.isNaN != b.isNaN { return .infinity }
        if a.isNaN || a == b { continue }
        largest = Swift.max(largest, Swift.abs(a - b))
        scale = Swift.max(scale, Swift.abs(a))
    }
    return largest > 16 * Double.ulpOfOne * Swift.max(scale, 1) ? largest : nil
}

/// `count` distinct indices of `0..<total`, sorted, chosen by a partial Fisher–Yates shuffle.
func sample(_ count: Int, of total: Int, using generator: inout SeededGenerator) -> [Int] {
    var pool = Array(0..<total)
    let k = Swift.min(Swift.max(count, 0), total)
    for i in 0..<k {
        let j = i + Int(generator.next() % UInt64(total - i))
        pool.swapAt(i, j)
    }
    return pool[..<k].sorted()
}

/// FNV-1a of the name, so each tensor gets its own sample and directions from one seed, on every machine
/// (Swift's `hashValue` is randomized per process).
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
}
