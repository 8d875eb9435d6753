import Foundation
import TensorKit

public func stepDecay(step: Int, initial: Double, gamma: Double, every: Int) -> Double {
    initial * pow(gamma, Double(step / every))
}

public func exponentialDecay(step: Int, initial: Double, gamma: Double) -> Double {
    initial * pow(gamma, Double(step))
}

public func cosineAnnealing(step: Int, initial: Double, minimum: Double, totalSteps: Int) -> Double {
    let progress = Double(min(step, totalSteps)) / Double(totalSteps)
    return minimum + 0.5 * (initial - minimum) * (1 + cos(Double.pi * progress))
}

public func linearWarmup(step: Int, initial: Double, warmupSteps: Int) -> Double {
    initial * min(1, Double(step) / Double(warmupSteps))
}
