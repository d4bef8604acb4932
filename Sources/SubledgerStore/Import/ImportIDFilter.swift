#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Bloom filter of the event ids an import has assigned in its earlier transactions
/// (issue 13): a fixed 64 MiB whatever the import's size, so that an event whose id the
/// import has not seen (nearly every one) is told so without reading a run. A "maybe" is
/// checked against the runs themselves (``ImportIndexRuns/position(of:)``): the filter is
/// never the answer, only a shortcut to "no". Pages of the filter are mapped as they are
/// first set (`calloc`), so a small import touches a few of them.
final class ImportIDFilter {
    /// 2^29 bits: at 30 M ids about 18 bits each, a "maybe" for about 0.2 % of new ids.
    static let bitCountLog2 = 29
    private static let hashCount = 4
    private let words: UnsafeMutablePointer<UInt64>
    private let mask = (UInt64(1) << UInt64(bitCountLog2)) - 1

    init() {
        let wordCount = 1 << (Self.bitCountLog2 - 6)
        guard let memory = calloc(wordCount, MemoryLayout<UInt64>.stride) else {
            fatalError("cannot allocate the import's 64 MiB event-id filter")
        }
        words = memory.bindMemory(to: UInt64.self, capacity: wordCount)
    }

    deinit { free(words) }

    func insert(_ id: EventID) {
        forEachBit(of: id) { word, bit in words[word] |= bit }
    }

    /// `false` when `id` was never inserted; `true` when it may have been.
    func mayContain(_ id: EventID) -> Bool {
        var all = true
        forEachBit(of: id) { word, bit in if words[word] & bit == 0 { all = false } }
        return all
    }

    private func forEachBit(of id: EventID, _ body: (Int, UInt64) -> Void) {
        let first = Self.mix(id.high ^ Self.mix(id.low))
        let step = Self.mix(first &+ 0x9E37_79B9_7F4A_7C15) | 1
        for index in 0..<UInt64(Self.hashCount) {
            let bit = (first &+ index &* step) & mask
            body(Int(bit >> 6), UInt64(1) << (bit & 63))
        }
    }

    /// SplitMix64's finalizer: every bit of the result depends on every bit of `value`.
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
