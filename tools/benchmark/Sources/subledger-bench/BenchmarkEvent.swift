import SubledgerStore

/// One event of the benchmark, compact: every engine builds its own form from it.
///
/// Type "UsageRecorded", data {"amount": 10,000...100,000, "description": "calls and data"},
/// metadata {"source": "bench"}, on the stream of one line.
struct BenchmarkEvent {
    /// Index into ``EventSet/lines``.
    var lineIndex: Int32
    var amount: Int32
    /// The event id, a version-4 UUID, as its high and low 64 bits.
    var idHigh: UInt64
    var idLow: UInt64
    /// Milliseconds since the epoch; increases along the set.
    var occurredAt: Int64

    static let type = "UsageRecorded"
    static let category = "line"
    static let description = "calls and data"
    static let source = "bench"

    /// The 16 bytes of the event id, big-endian.
    var idBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        BigEndian.append(idHigh, to: &bytes)
        BigEndian.append(idLow, to: &bytes)
        return bytes
    }
}

/// The events of a run: the same for every engine and batch size.
struct EventSet {
    /// The lines' numbers, "+98912" and seven digits.
    let lines: [String]
    let events: [BenchmarkEvent]

    /// `count` events on `count / 10` lines (at least one), drawn from a fixed seed.
    init(count: Int, seed: UInt64 = 0x5EB1_ED6E) {
        var generator = SplitMix64(seed: seed)
        let lineCount = max(1, count / 10)
        lines = (0..<lineCount).map(Self.lineNumber)
        // 2026-01-01T00:00:00Z, then one event per second.
        let start: Int64 = 1_767_225_600_000
        events = (0..<count).map { index in
            let high: UInt64 = generator.next()
            let low: UInt64 = generator.next()
            return BenchmarkEvent(
                lineIndex: Int32(Int.random(in: 0..<lineCount, using: &generator)),
                amount: Int32.random(in: 10_000...100_000, using: &generator),
                idHigh: (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000,
                idLow: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000,
                occurredAt: start + Int64(index) * 1000
            )
        }
    }

    /// The number of the line at `index`: "+98912" and the index in seven digits.
    static func lineNumber(_ index: Int) -> String {
        let digits = String(index)
        return "+98912" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// The first `count` events in batches of `batchSize` (the last may be shorter).
    func batches(of batchSize: Int, count: Int) -> [ArraySlice<BenchmarkEvent>] {
        stride(from: 0, to: count, by: batchSize).map { start in
            events[start..<min(start + batchSize, count)]
        }
    }
}

/// Big-endian fixed-width integers, the byte order of every key of the store.
enum BigEndian {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    static func read(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
