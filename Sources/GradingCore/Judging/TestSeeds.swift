/// Per-test seeds: each test draws its inputs from its own generator, seeded by hashing the exercise id and test
/// name together with the run's seed. Adding, removing or reordering tests in the manifest therefore never changes
/// another test's inputs, and the same seed always gives the same inputs.
public enum TestSeeds {
    /// FNV-1a over "exercise/test", mixed with `seed` through one SplitMix64 finalizer.
    public static func seed(exercise: String, test: String, seed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(exercise)/\(test)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        var z = hash ^ (seed &+ 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
