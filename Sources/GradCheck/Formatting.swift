import Foundation

/// Six significant digits, the way messages print numbers: 0.5, 1.5, 1e-05, 3.14159e+07, nan.
func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "infinity" : "-infinity" }
    return String(format: "%.6g", value)
}

/// "[2, 3]" for a shape or a multi-index.
func format(_ index: [Int]) -> String { Tensor.describe(shape: index) }

/// "1 element" / "3 elements".
func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

import TensorKit
