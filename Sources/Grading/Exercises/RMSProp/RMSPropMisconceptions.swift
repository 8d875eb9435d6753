import GradingCore
import TensorKit

/// The known wrong ways to write `rmspropStep`, each as runnable code.
public enum RMSPropMisconceptions {
    public static let epsilonInsideSqrt = Misconception(
        id: "epsilon-inside-sqrt",
        summary: "Your RMSProp step divides by √(h + ε); the convention here, as in PyTorch, is √h + ε, which matters when gradients are tiny.",
        fix: "Take the square root of the cache first, then add ε: θ ← θ − lr·g/(√h + ε).")
    public static let sumNotAverage = Misconception(
        id: "sum-not-average",
        summary: "Your cache adds every squared gradient, h ← h + g² (AdaGrad's running sum); RMSProp keeps a leaky average, h ← decay·h + (1 − decay)·g², so old gradients fade.",
        fix: "Weight the old cache by decay and the new squared gradient by 1 − decay: h ← decay·h + (1 − decay)·g².")
    public static let cacheNotStored = Misconception(
        id: "cache-not-stored",
        summary: "Your RMSProp step computes the new cache but never stores it back, so every step starts again from the cache of the first call.",
        fix: "Write the new h into the `cache` argument (it is inout for this reason) before returning.")
    public static let decaySwapped = Misconception(
        id: "decay-swapped",
        summary: "Your cache weights the new squared gradient by decay and the old average by 1 − decay; decay is the weight of the OLD average, h ← decay·h + (1 − decay)·g².",
        fix: "Swap the weights: h ← decay·h + (1 − decay)·g².")

    public static let variants: [WrongVariant] = [
        WrongVariant(epsilonInsideSqrt, step(update: { h, g, decay in decay * h + (1 - decay) * g * g },
                                             denominator: { h, eps in (h + eps).squareRoot() })),
        WrongVariant(sumNotAverage, step(update: { h, g, _ in h + g * g })),
        WrongVariant(cacheNotStored, step(update: { h, g, decay in decay * h + (1 - decay) * g * g }, stored: false)),
        WrongVariant(decaySwapped, step(update: { h, g, decay in (1 - decay) * h + decay * g * g })),
    ]

    /// The reference with one RMSProp step rebuilt from `update` (the new h) and `denominator` (of lr·g).
    static func step(update: @escaping @Sendable (_ h: Double, _ g: Double, _ decay: Double) -> Double,
                     denominator: @escaping @Sendable (_ h: Double, _ epsilon: Double) -> Double = { $0.squareRoot() + $1 },
                     stored: Bool = true) -> ExerciseImplementation {
        var implementation = ExerciseImplementation.reference
        implementation.rmspropStep = { parameters, gradient, cache, learningRate, decay, epsilon in
            var h = cache
            for i in 0..<Swift.min(parameters.count, gradient.count, h.count) {
                let g = gradient.scalars[i]
                h.scalars[i] = update(h.scalars[i], g, decay)
                parameters.scalars[i] -= learningRate * g / denominator(h.scalars[i], epsilon)
            }
            if stored { cache = h }
        }
        return implementation
    }
}
