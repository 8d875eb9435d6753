import Foundation

/// The course secret the hidden tests' inputs are derived from.
///
/// Hidden-test inputs come from the test's name and a seed (`TestSeeds`); with a public seed anyone could generate
/// them. The secret makes that seed unguessable: it never goes into the student kit, never into a report a student
/// sees, and never into the manifest. It is read from a file (`--secret-file`) or from the environment variable
/// `GRADER_HIDDEN_SECRET`; the file's bytes (trailing whitespace trimmed) or the variable's text are the key.
public struct CourseSecret: Sendable, Equatable {
    let key: [UInt8]

    public static let environmentVariable = "GRADER_HIDDEN_SECRET"
    /// Shorter keys are refused: a secret a student could guess or brute-force protects nothing.
    public static let minimumLength = 16

    public enum LoadError: Error, CustomStringConvertible, Equatable {
        case unreadable(path: String, reason: String)
        case tooShort(source: String, length: Int)
        public var description: String {
            switch self {
            case let .unreadable(path, reason):
                return "The course secret file \(path) could not be read (\(reason))."
            case let .tooShort(source, length):
                return "The course secret from \(source) has \(length) bytes; it needs at least \(CourseSecret.minimumLength) (for example: head -c 32 /dev/urandom | base64 > course.secret)."
            }
        }
    }

    public init(bytes: [UInt8], source: String = "the caller") throws {
        guard bytes.count >= Self.minimumLength else { throw LoadError.tooShort(source: source, length: bytes.count) }
        key = bytes
    }

    /// The secret from `file` if given, else from `GRADER_HIDDEN_SECRET`, else nil (no secret configured).
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CourseSecret? {
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw LoadError.unreadable(path: file, reason: (error as NSError).localizedDescription)
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, [9, 10, 13, 32].contains(last) { bytes.removeLast() }
            return try CourseSecret(bytes: bytes, source: file)
        }
        if let text = environment[environmentVariable], !text.isEmpty {
            return try CourseSecret(bytes: Array(text.utf8), source: environmentVariable)
        }
        return nil
    }

    /// A fresh random secret (32 bytes from the system generator, as 64 hexadecimal characters).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// The seed a run's hidden tests use, derived from the course secret: HMAC-SHA-256(secret, "hidden-seed" ‖
/// assignment ‖ student), so each assignment — and, with per-student inputs, each student (as PrairieLearn's
/// variants) — gets its own inputs, and the same secret, assignment and student always give the same inputs.
///
/// Reports record `id` (a second, independent HMAC of the same fields) and the student key, never the seed: the id
/// tells a regrade which derivation to reproduce and whether the secret it was given is the same one, without
/// revealing anything about the seed to whoever reads the report.
public struct HiddenSeed: Sendable, Equatable {
    public var seed: UInt64
    /// 16 hexadecimal digits identifying the derivation (secret, assignment, student).
    public var id: String
    /// The student the inputs were derived for (nil: one set of hidden inputs for the whole class).
    public var student: String?

    public static func derive(secret: CourseSecret, assignment: String, student: String?) -> HiddenSeed {
        let message = "\(assignment)\u{0}\(student.map { "student\u{0}" + $0 } ?? "class")"
        let seedBytes = SHA256.hmac(key: secret.key, message: Array(("hidden-seed\u{0}" + message).utf8))
        let idBytes = SHA256.hmac(key: secret.key, message: Array(("hidden-seed-id\u{0}" + message).utf8))
        let seed = seedBytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return HiddenSeed(seed: seed, id: SHA256.hex(Array(idBytes.prefix(8))), student: student)
    }
}

/// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104): Foundation on Linux has no CryptoKit, and the secret needs a
/// keyed hash that cannot be inverted.
public enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let bits = UInt64(message.count) &* 8
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for block in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                w[i] = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[block + 4 * i + $1]) }
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, value) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ value }
        }
        return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } }
    }

    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }

    public static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
