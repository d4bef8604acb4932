import SubledgerStore
import SubledgerLedger

/// The demo's draws, from the house's one seeded generator (``SplitMix64``): the same seed
/// makes the same population, the same events and the same event ids.
package struct DemoRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    /// A generator of `seed`.
    ///
    /// - Parameters:
    ///   - seed: the seed.
    package init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// A generator for one part of the population (a line, the ids), independent of the
    /// others: the same seed and stream always give the same numbers.
    ///
    /// - Parameters:
    ///   - seed: the seed.
    ///   - stream: the part's number.
    package init(seed: UInt64, stream: UInt64) {
        generator = SplitMix64(seed: seed, stream: stream)
    }

    /// The next 64 random bits.
    ///
    /// - Returns: the bits, as SplitMix64 draws them.
    package mutating func next() -> UInt64 {
        generator.next()
    }

    /// A whole number in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// An amount in `range`, rounded down to a multiple of `step`.
    mutating func rials(_ range: ClosedRange<Rials>, step: Rials = 1_000) -> Rials {
        let value = range.lowerBound + Rials(next() % UInt64(range.upperBound - range.lowerBound + 1))
        return max(step, value / step * step)
    }

    /// True with probability `percent` / 100.
    mutating func chance(_ percent: Double) -> Bool {
        Double(next() % 1_000_000) < percent * 10_000
    }

    /// A duration in milliseconds between `lower` and `upper` seconds.
    mutating func milliseconds(seconds lower: Int64, _ upper: Int64) -> Int64 {
        lower * 1000 + Int64(next() % UInt64((upper - lower) * 1000 + 1))
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[Int(next() % UInt64(items.count))]
    }
}
