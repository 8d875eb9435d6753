/// Elementwise arithmetic. Binary operators need equal shapes, or a scalar on one side; there is no other
/// broadcasting, so a shape mistake fails loudly instead of silently doing something else.
extension Tensor {
    /// A tensor of the same shape with `transform` applied to each element.
    public func map(_ transform: (Double) -> Double) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(transform))
    }

    /// Combines two tensors of the same shape element by element.
    public func zipMap(_ other: Tensor, _ combine: (Double, Double) -> Double) -> Tensor {
        precondition(shape == other.shape,
                     "Elementwise operation on shapes \(Tensor.describe(shape: shape)) and \(Tensor.describe(shape: other.shape)).")
        var result = [Double](repeating: 0, count: scalars.count)
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                for i in 0..<a.count { result[i] = combine(a[i], b[i]) }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, -) }
    /// Elementwise (Hadamard) product; use `matmul` for the matrix product.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, *) }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, /) }

    public static func + (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 + rhs } }
    public static func - (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 - rhs } }
    public static func * (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 * rhs } }
    public static func / (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 / rhs } }
    public static func + (lhs: Double, rhs: Tensor) -> Tensor { rhs.map { lhs + $0 } }
    public static func - (lhs: Double, rhs: Tensor) -> Tensor { rhs.map { lhs - $0 } }
    public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    public static func / (lhs: Double, rhs: Tensor) -> Tensor { rhs.map { lhs / $0 } }
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }
    public static func += (lhs: inout Tensor, rhs: Double) { lhs = lhs + rhs }
    public static func -= (lhs: inout Tensor, rhs: Double) { lhs = lhs - rhs }
    public static func *= (lhs: inout Tensor, rhs: Double) { lhs = lhs * rhs }
    public static func /= (lhs: inout Tensor, rhs: Double) { lhs = lhs / rhs }

    /// Elementwise square root, exponential, logarithm, absolute value and square.
    public func squareRoot() -> Tensor { map { $0.squareRoot() } }
    public func exp() -> Tensor { map { Foundation_exp($0) } }
    public func log() -> Tensor { map { Foundation_log($0) } }
    public func abs() -> Tensor { map { Swift.abs($0) } }
    public func squared() -> Tensor { map { $0 * $0 } }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func Foundation_exp(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) func Foundation_log(_ x: Double) -> Double { Glibc.log(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func Foundation_exp(_ x: Double) -> Double { Darwin.exp(x) }
@inline(__always) func Foundation_log(_ x: Double) -> Double { Darwin.log(x) }
#endif
