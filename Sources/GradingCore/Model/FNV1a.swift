/// 64-bit FNV-1a: a small, fixed, portable hash, for where the same bytes must give the same number on every machine
/// and in every run (Swift's `Hasher` is seeded per process): the kit's cache folder, the manifest digest, shard
/// assignment. Not for security.
struct FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    private(set) var value: UInt64 = offsetBasis

    /// Adds a field: its bytes, then a separator byte, so ("ab", "c") and ("a", "bc") differ.
    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* Self.prime }
        value = (value ^ 0xff) &* Self.prime
    }
    mutating func add(_ text: String) { add(text.utf8) }

    /// The plain hash of `bytes` (no separator).
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(offsetBasis) { ($0 ^ UInt64($1)) &* prime }
    }

    /// `hash(bytes)` as 16 lowercase hexadecimal digits.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let hex = String(hash(bytes), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
