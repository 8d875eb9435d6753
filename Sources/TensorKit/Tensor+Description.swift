/// Printing: small tensors print in full, nested like the arrays they are; large ones show their shape and the
/// first and last few elements of each axis, as NumPy does, so `print(t)` is always short enough to read.
extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// Above this many elements, each axis is abbreviated to its first and last `edgeItems` entries.
    public static let summaryThreshold = 100
    public static let edgeItems = 3

    public var description: String {
        if shape.isEmpty { return DisplayFormat.significant(scalars.first ?? .nan, digits: 6) }
        guard scalars.count == shape.reduce(1, *) else {
            return "Tensor(shape: \(Tensor.describe(shape: shape)), \(scalars.count) scalars — inconsistent)"
        }
        let abbreviate = scalars.count > Tensor.summaryThreshold
        let body = render(axis: 0, offset: 0, abbreviate: abbreviate, indent: 1)
        return abbreviate ? "Tensor(shape: \(Tensor.describe(shape: shape)))\n" + body : body
    }

    public var debugDescription: String { "Tensor(shape: \(Tensor.describe(shape: shape)), \(description))" }

    private func render(axis: Int, offset: Int, abbreviate: Bool, indent: Int) -> String {
        let extent = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        var indices = Array(0..<extent)
        var gap: Int?
        if abbreviate && extent > 2 * Tensor.edgeItems {
            indices = Array(0..<Tensor.edgeItems) + Array((extent - Tensor.edgeItems)..<extent)
            gap = Tensor.edgeItems
        }
        var parts: [String] = []
        for (position, i) in indices.enumerated() {
            if position == gap { parts.append("…") }
            if axis == shape.count - 1 {
                parts.append(DisplayFormat.significant(scalars[offset + i], digits: 6))
            } else {
                parts.append(render(axis: axis + 1, offset: offset + i * stride, abbreviate: abbreviate, indent: indent + 1))
            }
        }
        if axis == shape.count - 1 { return "[" + parts.joined(separator: ", ") + "]" }
        let separator = ",\n" + String(repeating: " ", count: indent)
        return "[" + parts.joined(separator: separator) + "]"
    }

}
