import TensorKit

/// The binary framing between grader and worker: exact (raw IEEE-754 bits, no decimal round trip) and cheap.
///
/// A frame is a little-endian `UInt32` payload length followed by the payload. A call's payload is the function
/// name (UInt32 length + UTF-8), then tensors, numbers and integers; a reply's payload is a status byte (0 = ok)
/// followed by the same three lists. A tensor is its rank (UInt32), its extents (Int64 each), its scalar count
/// (Int64) and the scalars (Float64 bits each). Decoding never trusts a length: every count is checked against
/// what remains, so a corrupted frame is an error, not a crash or a huge allocation. A tensor's shape is checked
/// before anything is computed from it: at most `maximumRank` extents, none negative, and their product (computed
/// with overflow checks) at most `maximumElements`, so no judge downstream can trap or allocate on what a reply
/// claims.
public enum WireFormat {
    public static let maximumFrameBytes = 1 << 30
    /// No exercise takes or returns a tensor of more than 4 dimensions; 8 leaves room for a wrong-but-honest answer.
    public static let maximumRank = 8
    /// 2²⁶ elements (512 MiB of Float64): far above any test's tensors, far below an overflow.
    public static let maximumElements = 1 << 26

    public enum DecodingError: Error, CustomStringConvertible, Equatable {
        case truncated(needed: Int, available: Int)
        case invalid(String)
        /// A tensor whose shape no correct answer could have (its rank, a negative extent, an element count that
        /// overflows or is absurd). The reason is one short sentence that quotes the shape abbreviated.
        case implausibleTensor(String)
        public var description: String {
            switch self {
            case let .truncated(needed, available):
                return "The message was cut short: \(needed) more bytes were needed but only \(available) remained."
            case let .invalid(reason): return "The message was malformed: \(reason)."
            case let .implausibleTensor(reason): return reason
            }
        }
    }

    // MARK: Encoding

    public static func encode(_ call: WorkerCall) -> [UInt8] {
        var writer = Writer()
        writer.string(call.function)
        writer.lists(call.tensors, call.numbers, call.integers)
        return writer.framed()
    }

    public static func encode(_ reply: WorkerReply) -> [UInt8] {
        var writer = Writer()
        writer.byte(0)
        writer.lists(reply.tensors, reply.numbers, reply.integers)
        return writer.framed()
    }

    // MARK: Decoding (payload without the 4-byte length)

    public static func decodeCall(_ payload: [UInt8]) throws -> WorkerCall {
        var reader = Reader(bytes: payload)
        let function = try reader.string()
        let (tensors, numbers, integers) = try reader.lists()
        try reader.finish()
        return WorkerCall(function: function, tensors: tensors, numbers: numbers, integers: integers)
    }

    public static func decodeReply(_ payload: [UInt8]) throws -> WorkerReply {
        var reader = Reader(bytes: payload)
        let status = try reader.byte()
        guard status == 0 else { throw DecodingError.invalid("unknown reply status \(status)") }
        let (tensors, numbers, integers) = try reader.lists()
        try reader.finish()
        return WorkerReply(tensors: tensors, numbers: numbers, integers: integers)
    }

    /// Why no correct answer could have `shape` (nil when it is plausible): a rank above `maximumRank`, a negative
    /// extent, or an element count above `maximumElements` (the product is computed with overflow checks).
    public static func shapeProblem(_ shape: [Int]) -> String? {
        guard shape.count <= maximumRank else {
            return "A returned tensor has \(shape.count) dimensions; no result of these exercises has more than \(maximumRank), so it was not compared."
        }
        if let negative = shape.first(where: { $0 < 0 }) {
            return "A returned tensor has shape \(abbreviated(shape)) with the negative extent \(negative); extents are never negative."
        }
        var product = 1, overflowed = false
        for extent in shape where !overflowed {
            let (next, overflow) = product.multipliedReportingOverflow(by: extent)
            (product, overflowed) = (next, overflow)
        }
        if overflowed || product > maximumElements {
            return "A returned tensor has shape \(abbreviated(shape)): the product of its extents \(overflowed ? "overflows a 64-bit integer" : "is \(product), more than \(maximumElements)"), and no result of these exercises is that large."
        }
        return nil
    }

    /// A shape for a message: every extent when there are few, else the first few and the count.
    public static func abbreviated(_ shape: [Int]) -> String {
        shape.count <= maximumRank ? "[" + shape.map(String.init).joined(separator: ", ") + "]"
            : "[" + shape.prefix(4).map(String.init).joined(separator: ", ") + ", … (\(shape.count) extents)]"
    }

    /// The payload length announced by a 4-byte frame header.
    public static func frameLength(_ header: [UInt8]) throws -> Int {
        guard header.count == 4 else { throw DecodingError.truncated(needed: 4, available: header.count) }
        let length = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
        guard length <= maximumFrameBytes else { throw DecodingError.invalid("a frame of \(length) bytes is too large") }
        return length
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func byte(_ value: UInt8) { bytes.append(value) }
        mutating func uint32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func int64(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func double(_ value: Double) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func string(_ value: String) {
            let utf8 = Array(value.utf8)
            uint32(UInt32(utf8.count)); bytes.append(contentsOf: utf8)
        }
        mutating func lists(_ tensors: [Tensor], _ numbers: [Double], _ integers: [Int]) {
            uint32(UInt32(tensors.count))
            for tensor in tensors {
                uint32(UInt32(tensor.shape.count))
                for extent in tensor.shape { int64(Int64(extent)) }
                int64(Int64(tensor.scalars.count))
                scalars(tensor.scalars)
            }
            uint32(UInt32(numbers.count)); for value in numbers { double(value) }
            uint32(UInt32(integers.count)); for value in integers { int64(Int64(value)) }
        }
        /// The scalars' bit patterns, little-endian: on a little-endian machine that is their memory, copied at
        /// once (a 2.9 MB reply is one copy, not 360 000 appends).
        mutating func scalars(_ values: [Double]) {
            #if _endian(little)
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
            #else
            bytes.reserveCapacity(bytes.count + 8 * values.count)
            for value in values { double(value) }
            #endif
        }
        func framed() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 4)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: bytes)
            return out
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var remaining: Int { bytes.count - offset }

        mutating func need(_ count: Int) throws {
            guard count >= 0, count <= remaining else { throw DecodingError.truncated(needed: count, available: remaining) }
        }
        mutating func byte() throws -> UInt8 { try need(1); defer { offset += 1 }; return bytes[offset] }
        mutating func uint64() throws -> UInt64 {
            try need(8)
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return value
        }
        /// `count` scalars (the caller has checked that 8 × count bytes remain), copied at once where the machine is
        /// little-endian like the format.
        mutating func readScalars(_ count: Int) throws -> [Double] {
            #if _endian(little)
            defer { offset += 8 * count }
            return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                bytes.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + 8 * count)]))
                }
                initialized = count
            }
            #else
            var values: [Double] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(Double(bitPattern: try uint64())) }
            return values
            #endif
        }
        mutating func uint32() throws -> Int {
            try need(4)
            var value = 0
            for k in 0..<4 { value |= Int(bytes[offset + k]) << (8 * k) }
            offset += 4
            return value
        }
        mutating func count(elementSize: Int) throws -> Int {
            let n = try uint32()
            guard n * elementSize <= remaining else { throw DecodingError.truncated(needed: n * elementSize, available: remaining) }
            return n
        }
        mutating func string() throws -> String {
            let n = try count(elementSize: 1)
            defer { offset += n }
            guard let s = String(validating: bytes[offset..<(offset + n)], as: UTF8.self) else {
                throw DecodingError.invalid("a name was not UTF-8")
            }
            return s
        }
        mutating func lists() throws -> ([Tensor], [Double], [Int]) {
            let tensorCount = try count(elementSize: 12)
            var tensors: [Tensor] = []
            for _ in 0..<tensorCount {
                let rank = try uint32()
                guard rank <= maximumRank else {
                    throw DecodingError.implausibleTensor("A returned tensor has \(rank) dimensions; no result of these exercises has more than \(maximumRank), so it was not compared.")
                }
                try need(rank * 8)
                var shape: [Int] = []
                for _ in 0..<rank { shape.append(Int(Int64(bitPattern: try uint64()))) }
                if let problem = WireFormat.shapeProblem(shape) { throw DecodingError.implausibleTensor(problem) }
                let scalarCount = Int(Int64(bitPattern: try uint64()))
                guard scalarCount >= 0, scalarCount <= remaining / 8 else {
                    throw DecodingError.truncated(needed: scalarCount * 8, available: remaining)
                }
                let scalars = try readScalars(scalarCount)
                // Keep the student's (possibly inconsistent) shape: the judge reports the disagreement.
                var tensor = Tensor(zeros: [0])
                tensor.shape = shape
                tensor.scalars = scalars
                tensors.append(tensor)
            }
            let numberCount = try count(elementSize: 8)
            var numbers: [Double] = []
            for _ in 0..<numberCount { numbers.append(Double(bitPattern: try uint64())) }
            let integerCount = try count(elementSize: 8)
            var integers: [Int] = []
            for _ in 0..<integerCount { integers.append(Int(Int64(bitPattern: try uint64()))) }
            return (tensors, numbers, integers)
        }
        func finish() throws {
            guard remaining == 0 else { throw DecodingError.invalid("\(remaining) unexpected trailing bytes") }
        }
    }
}
