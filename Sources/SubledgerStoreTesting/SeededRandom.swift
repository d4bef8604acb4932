import SubledgerStore

/// The store's ``SplitMix64``, for tests that draw at random but must replay: print the
/// seed, and the same seed gives the same draws.
///
/// ```swift
/// let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_FUZZ_SEED")
/// var random = SeededRandom(seed: seed)
/// let byte = UInt8.random(in: 0...255, using: &random)
/// ```
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    /// A generator that draws the sequence of `seed`.
    /// - Parameter seed: The seed.
    public init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// The next draw of the seed's sequence.
    /// - Returns: 64 random bits.
    public mutating func next() -> UInt64 {
        generator.next()
    }

    /// A whole number in `0..<bound` (`bound` > 0).
    /// - Parameter bound: The number above the largest drawn.
    /// - Returns: The number.
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// The seed in the environment variable `name` when it holds one, else a new one.
    /// - Parameter name: The environment variable (e.g. `SUBLEDGER_FUZZ_SEED`).
    /// - Returns: The seed to print and to draw with.
    public static func seed(fromEnvironment name: String) -> UInt64 {
        if let text = getenvString(name), let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64(Int64.max))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

private func getenvString(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
