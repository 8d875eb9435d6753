import Foundation

extension Manifest {
    /// A fingerprint of everything the manifest decides (tests, points, visibility, tolerances, limits): 64-bit
    /// FNV-1a over its canonical encoding (sorted keys), as 16 hexadecimal digits. Two manifests that grade alike
    /// have the same digest whatever their file's spacing or key order; any change to a value changes it (up to
    /// the 2⁻⁶⁴ chance of a collision, which is fine for telling a stale batch from a current one, not for security).
    public var digest: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain Codable structs of strings and numbers cannot fail.
        let bytes = (try? encoder.encode(self)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
