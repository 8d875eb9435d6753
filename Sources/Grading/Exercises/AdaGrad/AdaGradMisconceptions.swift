import GradingCore
import TensorKit

/// The known wrong ways to write `adagradStep`, each as runnable code.
public enum AdaGradMisconceptions {
    public static let epsilonInsideSqrt = Misconception(
        id: "epsilon-inside-sqrt",
        summary: "Your AdaGrad step divides by √(h + ε); the convention here, as in PyTorch, is √h + ε, which matters when gradients are as small as ε.",
        fix: "Take the square root of the cache first, then add ε: θ ← θ − lr·g/(√h + ε).")
    public static let cacheNotStored = Misconception(
        id: "cache-not-stored",
        summary: "Your AdaGrad step computes the new sum of squares but never stores it back, so every step starts again from the cache of the first call and the steps never shrink.",
        fix: "Write the new h into the `cache` argument (it is inout for this reason) before returning.")
    public static let cacheUpdatedAfterStep = Misconception(
        id: "cache-updated-after-step",
        summary: "Your AdaGrad step divides by the OLD sum of squares and adds g² afterwards, so from a zero cache the first step is lr·g/ε, enormous.",
        fix: "Add g² to the cache first, then step with the new value: h ← h + g², θ ← θ − lr·g/(√h + ε).")
    public static let noSquareRoot = Misconception(
        id: "no-square-root",
        summary: "Your AdaGrad step divides by h + ε instead of √h + ε, so the step scales like 1/|g| instead of being about lr in size.",
        fix: "Divide by the square root of the cache: θ ← θ − lr·g/(√h + ε).")

    public static let variants: [WrongVariant] = [
        WrongVariant(epsilonInsideSqrt, step(denominator: { h, eps in (h + eps).squareRoot() })),
        WrongVariant(cacheNotStored, step(stored: false)),
        WrongVariant(cacheUpdatedAfterStep, step(updateFirst: false)),
        WrongVariant(noSquareRoot, step(denominator: { h, eps in h + eps })),
    ]

    /// The reference with one AdaGrad step rebuilt with one of the mistakes.
    static func step(denominator: @escaping @Sendable (_ h: Double, _ epsilon: Double) -> Double = { $0.squareRoot() + $1 },
                     updateFirst: Bool = true, stored: Bool = true) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.adagradStep = { parameters, gradient, cache, learningRate, epsilon in
            var h = cache
            for i in 0..<Swift.min(parameters.count, gradient.count, h.count) {
                let g = gradient.scalars[i]
                if updateFirst { h.scalars[i] += g * g }
                parameters.scalars[i] -= learningRate * g / denominator(h.scalars[i], epsilon)
                if !updateFirst { h.scalars[i] += g * g }
            }
            if stored { cache = h }
        }
        return implementation
    }
}
