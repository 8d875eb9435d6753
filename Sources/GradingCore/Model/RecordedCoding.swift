import Foundation
import TensorKit
import WorkerKit

// How tensors and worker calls are written into a recorded test pack (`TestPack`): exactly, NaN and infinities
// included (a wrong variant's output often holds them), and compactly. A tensor is its shape and its scalars as
// base64 of little-endian IEEE-754 doubles, so reading it back gives the same bits.

extension Tensor: Codable {
    enum CodingKeys: String, CodingKey { case shape, data }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try container.decode([Int].self, forKey: .shape)
        let text = try container.decode(String.self, forKey: .data)
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .data, in: container, debugDescription: "not base64 of 8-byte doubles")
        }
        let scalars = stride(from: 0, to: data.count, by: 8).map { offset in
            Double(bitPattern: data[data.startIndex + offset ..< data.startIndex + offset + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
        self.init(shape: shape, scalars: scalars)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shape, forKey: .shape)
        var data = Data(capacity: scalars.count * 8)
        for scalar in scalars {
            var bits = scalar.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
        }
        try container.encode(data.base64EncodedString(), forKey: .data)
    }
}

extension WorkerCall: Codable {
    enum CodingKeys: String, CodingKey { case function, tensors, numbers, integers }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(function: try container.decode(String.self, forKey: .function),
                  tensors: try container.decode([Tensor].self, forKey: .tensors),
                  numbers: try container.decode([Double].self, forKey: .numbers),
                  integers: try container.decode([Int].self, forKey: .integers))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(function, forKey: .function)
        try container.encode(tensors, forKey: .tensors)
        try container.encode(numbers, forKey: .numbers)
        try container.encode(integers, forKey: .integers)
    }
}
