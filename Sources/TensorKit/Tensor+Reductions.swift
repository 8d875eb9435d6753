/// Reductions over all elements, or along one axis (the axis is removed from the shape unless `keepingAxis`).
extension Tensor {
    public func sum() -> Double { scalars.reduce(0, +) }
    public func mean() -> Double { scalars.isEmpty ? .nan : sum() / Double(scalars.count) }
    public func max() -> Double { scalars.max() ?? -.infinity }
    public func min() -> Double { scalars.min() ?? .infinity }

    /// The index (flat, row-major) of the largest element.
    public func argmax() -> Int { scalars.indices.max { scalars[$0] < scalars[$1] } ?? 0 }

    /// Sum along `axis` (negative counts from the end: -1 is the last axis).
    public func sum(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        reduce(alongAxis: axis, keepingAxis: keepingAxis, initial: 0, +)
    }

    /// Mean along `axis`.
    public func mean(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        let a = normalizedAxis(axis)
        return sum(alongAxis: a, keepingAxis: keepingAxis) / Double(Swift.max(shape[a], 1))
    }

    /// Maximum along `axis`.
    public func max(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        reduce(alongAxis: axis, keepingAxis: keepingAxis, initial: -.infinity) { Swift.max($0, $1) }
    }

    /// Minimum along `axis`.
    public func min(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        reduce(alongAxis: axis, keepingAxis: keepingAxis, initial: .infinity) { Swift.min($0, $1) }
    }

    /// Folds the elements along `axis` with `combine`, starting from `initial`.
    public func reduce(alongAxis axis: Int, keepingAxis: Bool = false, initial: Double,
                       _ combine: (Double, Double) -> Double) -> Tensor {
        let a = normalizedAxis(axis)
        let outer = shape[..<a].reduce(1, *)
        let length = shape[a]
        let inner = shape[(a + 1)...].reduce(1, *)
        var result = [Double](repeating: initial, count: outer * inner)
        for o in 0..<outer {
            for k in 0..<length {
                let base = (o * length + k) * inner
                for i in 0..<inner { result[o * inner + i] = combine(result[o * inner + i], scalars[base + i]) }
            }
        }
        var newShape = shape
        if keepingAxis { newShape[a] = 1 } else { newShape.remove(at: a) }
        return Tensor(shape: newShape, scalars: result)
    }

    /// Applies `transform` to each slice along the last axis (each row of a matrix), returning slices of the same
    /// length. Handy for row-wise operations such as softmax.
    public func mapRows(_ transform: ([Double]) -> [Double]) -> Tensor {
        let width = shape.last ?? 1
        guard width > 0 else { return self }
        var result = [Double](); result.reserveCapacity(scalars.count)
        var start = 0
        while start < scalars.count {
            let row = transform(Array(scalars[start..<(start + width)]))
            precondition(row.count == width, "mapRows: a row of length \(width) came back with length \(row.count).")
            result.append(contentsOf: row)
            start += width
        }
        return Tensor(shape: shape, scalars: result)
    }

    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + shape.count : axis
        precondition(a >= 0 && a < shape.count, "Axis \(axis) is out of range for a tensor of rank \(shape.count).")
        return a
    }
}
