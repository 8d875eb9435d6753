import Foundation

/// Distribution quantiles and goodness-of-fit tests for judging random ops (He init, dropout) on large samples.
///
/// Every acceptance region here is built so that a *correct* implementation falls outside it with probability at
/// most `alpha`, whatever order it draws its random numbers in: the grader never replays the random stream. A test
/// that runs k checks at level alpha each fails a correct submission with probability ≤ k·alpha (Bonferroni).
public enum Statistics {
    /// Φ(x), the standard normal CDF.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error < 1.2e-9) refined by one Halley
    /// step on erfc, which brings it to full double precision in the tails we use (p down to 1e-12).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile needs p in (0, 1); got \(p).")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0]*q + c[1])*q + c[2])*q + c[3])*q + c[4])*q + c[5]) / ((((d[0]*q + d[1])*q + d[2])*q + d[3])*q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0]*r + a[1])*r + a[2])*r + a[3])*r + a[4])*r + a[5])*q / (((((b[0]*r + b[1])*r + b[2])*r + b[3])*r + b[4])*r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0]*q + c[1])*q + c[2])*q + c[3])*q + c[4])*q + c[5]) / ((((d[0]*q + d[1])*q + d[2])*q + d[3])*q + 1)
        }
        let e = normalCDF(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// The two-sided critical value z with P(|Z| > z) = alpha.
    public static func twoSidedZ(alpha: Double) -> Double { normalQuantile(1 - alpha / 2) }

    /// The p-quantile of χ² with `degreesOfFreedom` by the Wilson–Hilferty cube approximation
    /// (χ²/k)^(1/3) ≈ N(1 − 2/(9k), 2/(9k)). For k ≥ 1000 its error in the 1e-9 tails is far below the width of
    /// the interval, which is why the variance checks use at least a thousand samples.
    public static func chiSquareQuantile(_ p: Double, degreesOfFreedom k: Double) -> Double {
        let h = 2 / (9 * k)
        let cube = 1 - h + normalQuantile(p) * h.squareRoot()
        return k * cube * cube * cube
    }

    /// The interval [lo, hi] with P(X < lo) ≤ alpha/2 and P(X > hi) ≤ alpha/2 for X ~ Binomial(n, p), computed
    /// exactly by summing the probability mass function in log space (no normal approximation, so it stays right
    /// for p near 0 or 1 where the distribution is skewed).
    public static func binomialInterval(trials n: Int, probability p: Double, alpha: Double) -> ClosedRange<Int> {
        if p <= 0 { return 0...0 }
        if p >= 1 { return n...n }
        let logP = log(p), logQ = log1p(-p), logFactN = logGamma(Double(n) + 1)
        func logPMF(_ k: Int) -> Double {
            logFactN - logGamma(Double(k) + 1) - logGamma(Double(n - k) + 1) + Double(k) * logP + Double(n - k) * logQ
        }
        var lower = 0, tail = 0.0
        while lower < n {
            let mass = exp(logPMF(lower))
            if tail + mass > alpha / 2 { break }
            tail += mass; lower += 1
        }
        var upper = n
        tail = 0
        while upper > 0 {
            let mass = exp(logPMF(upper))
            if tail + mass > alpha / 2 { break }
            tail += mass; upper -= 1
        }
        return lower...Swift.max(lower, upper)
    }

    /// The Kolmogorov–Smirnov distance sup |F_n(x) − F(x)| between the sample's empirical CDF and `cdf`.
    public static func kolmogorovSmirnov(_ sample: [Double], cdf: (Double) -> Double) -> Double {
        let sorted = radixSorted(sample)
        let n = Double(sorted.count)
        var distance = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            distance = Swift.max(distance, f - Double(i) / n, Double(i + 1) / n - f)
        }
        return distance
    }

    /// `values` in ascending order (−0 before +0; NaNs with the sign bit first, the others last), by a least-significant-
    /// digit radix sort on order-preserving 64-bit keys: eight counting passes instead of n log n comparisons, four
    /// times faster than `sorted()` on the 131 072 weights of a large He-initialization test.
    public static func radixSorted(_ values: [Double]) -> [Double] {
        guard values.count > 64 else { return values.sorted { $0.bitPattern.orderKey < $1.bitPattern.orderKey } }
        var keys = values.map(\.bitPattern.orderKey)
        var scratch = [UInt64](repeating: 0, count: keys.count)
        keys.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { target in
                var from = source, to = target
                for pass in 0..<8 {
                    let shift = UInt64(8 * pass)
                    var counts = [Int](repeating: 0, count: 257)
                    for key in from { counts[Int((key >> shift) & 0xFF) + 1] += 1 }
                    for digit in 0..<256 { counts[digit + 1] += counts[digit] }
                    for key in from {
                        let digit = Int((key >> shift) & 0xFF)
                        to[counts[digit]] = key
                        counts[digit] += 1
                    }
                    swap(&from, &to)
                }
            }
        }
        // Eight passes (an even number) leave the sorted keys back in `keys`.
        return keys.map { Double(bitPattern: $0.orderKeyInverse) }
    }

    /// The Dvoretzky–Kiefer–Wolfowitz–Massart bound: P(D_n > ε) ≤ 2·exp(−2nε²) for every n, so
    /// ε = √(ln(2/alpha) / (2n)) is an exact (not asymptotic) critical value for the KS distance.
    public static func kolmogorovSmirnovBound(sampleSize n: Int, alpha: Double) -> Double {
        (log(2 / alpha) / (2 * Double(n))).squareRoot()
    }

    // MARK: Checks with stated significance

    /// Checks that the sample mean is 0 when each draw has standard deviation `standardDeviation`:
    /// the mean of n draws has standard deviation σ/√n (CLT, which is excellent at the sample sizes used).
    public static func meanCheck(_ sample: [Double], expectedMean: Double, standardDeviation: Double,
                                 alpha: Double, name: String = "mean") -> StatisticalCheck {
        let n = Double(sample.count)
        let mean = sample.reduce(0, +) / n
        let halfWidth = twoSidedZ(alpha: alpha) * standardDeviation / n.squareRoot()
        return StatisticalCheck(name: name, statistic: mean, expected: expectedMean,
                                lowerBound: expectedMean - halfWidth, upperBound: expectedMean + halfWidth, alpha: alpha)
    }

    /// The interval for the mean of squares S = Σx²/n of n draws from N(0, σ²): n·S/σ² ~ χ²ₙ.
    public static func varianceInterval(sampleSize n: Int, variance: Double, alpha: Double) -> ClosedRange<Double> {
        let k = Double(n)
        return (variance * chiSquareQuantile(alpha / 2, degreesOfFreedom: k) / k)...(variance * chiSquareQuantile(1 - alpha / 2, degreesOfFreedom: k) / k)
    }

    /// Checks the variance about the known mean 0 (mean of squares) against σ² with a χ² interval.
    public static func varianceCheck(_ sample: [Double], variance: Double, alpha: Double,
                                     name: String = "variance") -> StatisticalCheck {
        let meanSquare = sample.reduce(0) { $0 + $1 * $1 } / Double(sample.count)
        let interval = varianceInterval(sampleSize: sample.count, variance: variance, alpha: alpha)
        return StatisticalCheck(name: name, statistic: meanSquare, expected: variance,
                                lowerBound: interval.lowerBound, upperBound: interval.upperBound, alpha: alpha)
    }

    /// KS check of the sample against N(0, σ²), with the DKW–Massart critical value.
    public static func normalityCheck(_ sample: [Double], standardDeviation: Double, alpha: Double,
                                      name: String = "Kolmogorov–Smirnov distance to the normal distribution") -> StatisticalCheck {
        let distance = kolmogorovSmirnov(sample) { normalCDF($0 / standardDeviation) }
        return StatisticalCheck(name: name, statistic: distance, expected: 0, lowerBound: 0,
                                upperBound: kolmogorovSmirnovBound(sampleSize: sample.count, alpha: alpha), alpha: alpha)
    }

    /// Exact binomial check of a count of successes.
    public static func binomialCheck(successes: Int, trials: Int, probability: Double, alpha: Double,
                                     name: String) -> StatisticalCheck {
        let interval = binomialInterval(trials: trials, probability: probability, alpha: alpha)
        return StatisticalCheck(name: name, statistic: Double(successes), expected: Double(trials) * probability,
                                lowerBound: Double(interval.lowerBound), upperBound: Double(interval.upperBound), alpha: alpha)
    }

    /// The Wald–Wolfowitz runs test on a sequence of booleans, conditional on how many are true: under
    /// independence the number of runs R has mean μ = 2·n₁·n₀/n + 1 and variance (μ − 1)(μ − 2)/(n − 1), and is
    /// close to normal when n₁ and n₀ are both large (the callers only use it with hundreds of each).
    /// The statistic reported is the standardized z = (R − μ)/σ.
    public static func runsCheck(_ bits: [Bool], alpha: Double, name: String = "runs test (independence of neighbours), z") -> StatisticalCheck {
        let n = Double(bits.count)
        let ones = Double(bits.lazy.filter { $0 }.count), zeros = n - ones
        var runs = bits.isEmpty ? 0.0 : 1.0
        for i in bits.indices.dropFirst() where bits[i] != bits[i - 1] { runs += 1 }
        let mu = 2 * ones * zeros / n + 1
        let sigma = ((mu - 1) * (mu - 2) / (n - 1)).squareRoot()
        let z = sigma > 0 ? (runs - mu) / sigma : (runs == mu ? 0 : .infinity)
        let bound = twoSidedZ(alpha: alpha)
        return StatisticalCheck(name: name, statistic: z, expected: 0, lowerBound: -bound, upperBound: bound, alpha: alpha)
    }
}

/// lgamma is overloaded on Linux (the C function and a (value, sign) variant); this picks the value.
private func logGamma(_ x: Double) -> Double { let value: Double = lgamma(x); return value }

private extension UInt64 {
    /// A key whose unsigned order is the order of the Double with these bits: negative numbers have every bit
    /// flipped, positive ones only the sign bit.
    var orderKey: UInt64 { self & (1 << 63) != 0 ? ~self : self | (1 << 63) }
    /// The bits back from `orderKey`.
    var orderKeyInverse: UInt64 { self & (1 << 63) != 0 ? self & ~(1 << 63) : ~self }
}
