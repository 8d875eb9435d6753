/// A dense, row-major tensor of `Double`s: the one value type exercises, the reference engine and the grader share.
///
/// The contract surface (what a submission may rely on) is `shape`, `scalars`, `init(shape:scalars:)` and
/// `init(zeros:)`. Everything else in TensorKit is convenience built on those four.
///
/// Row-major means the last axis varies fastest: for shape `[N, C, H, W]` the element `(n, c, h, w)` lives at
/// `((n·C + c)·H + h)·W + w`.
public struct Tensor: Equatable, Hashable, Sendable {
    /// The extent of each axis, outermost first, e.g. `[N, C, H, W]`. A scalar has shape `[]` and one element.
    public var shape: [Int]
    /// The elements in row-major order; `scalars.count` equals the product of `shape`.
    public var scalars: [Double]

    /// Wraps `scalars` with the given `shape`. The counts must agree (a programmer error otherwise).
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent.")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor shape \(shape) needs \(shape.reduce(1, *)) scalars but \(scalars.count) were given.")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor of the given shape with every element equal to `value`.
    public init(repeating value: Double, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of the given shape with every element equal to one.
    public init(ones shape: [Int]) { self.init(repeating: 1, shape: shape) }

    /// A rank-0 tensor holding one value.
    public init(scalar value: Double) { self.init(shape: [], scalars: [value]) }

    /// A rank-1 tensor holding `values`.
    public init(_ values: [Double]) { self.init(shape: [values.count], scalars: values) }

    /// A rank-2 tensor from its rows; every row must have the same length.
    public init(rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows:) needs rows of equal length.")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A tensor of the given shape whose elements are `f(flatIndex)`.
    public init(shape: [Int], generator f: (Int) -> Double) {
        let count = shape.reduce(1, *)
        var values = [Double](); values.reserveCapacity(count)
        for i in 0..<count { values.append(f(i)) }
        self.init(shape: shape, scalars: values)
    }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { scalars.count }

    /// Row-major strides: how far apart, in elements, neighbours along each axis are.
    public var strides: [Int] { Tensor.strides(for: shape) }

    public static func strides(for shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The flat (row-major) offset of a multi-index.
    public func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Index \(index) has \(index.count) axes; the tensor has \(shape.count).")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Index \(index) is out of bounds for shape \(shape).")
            offset = offset * shape[axis] + i
        }
        return offset
    }

    /// The multi-index of a flat (row-major) offset.
    public func multiIndex(_ flat: Int) -> [Int] { Tensor.multiIndex(flat, shape: shape) }

    public static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
        var index = Array(repeating: 0, count: shape.count)
        var rest = flat
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    /// Element access by multi-index: `t[n, c, h, w]`.
    public subscript(_ index: Int...) -> Double {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    /// Element access by an index array.
    public subscript(index index: [Int]) -> Double {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    /// The same scalars viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Whether every element is finite (no NaN, no ±infinity).
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}

extension Tensor {
    /// Formats a shape the way messages print it: `[2, 3, 4]`.
    public static func describe(shape: [Int]) -> String { DisplayFormat.shape(shape) }
}
