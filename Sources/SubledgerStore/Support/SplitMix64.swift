/// SplitMix64 (Steele, Lea and Flood), the one seeded generator of the house: the demo's
/// population and events, the tests' and fuzzers' draws, the benchmark's events. Small,
/// fast, and the same seed always gives the same sequence, so whatever draws from it
/// replays from its seed. Not for secrets: keys and ids that must not be guessed come
/// from the system's generator.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let byte = UInt8.random(in: 0...255, using: &random)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator that draws the sequence of `seed`.
    /// - Parameter seed: Any 64-bit seed.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one part of a whole (a line of the demo, its ids), independent of
    /// the others: the same seed and stream always give the same numbers.
    /// - Parameters:
    ///   - seed: The seed of the whole.
    ///   - stream: The number of the part.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next() ^ stream
    }

    /// The next number of the sequence.
    /// - Returns: 64 bits, uniformly distributed.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
