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
        return FNV1a.hex(bytes)
    }
}
