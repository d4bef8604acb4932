import Testing
import SubledgerStore
import SubledgerStoreTesting

/// `events(in:)` reads a stated number of events (issue 12 items 5 and 6): by default one
/// chunk of ``StoreLimits/streamReadChunkEvents``, never an unbounded stream whole; the
/// rest is read from the next version on, or with `forEachEvent(in:)`.
@Suite("A stream read is bounded by default")
struct StreamReadLimitTests {
    @Test func aStreamOneEventLongerThanAChunkIsReadAChunkAtATime() throws {
        let store = EventStore.inMemory()
        let chunk = StoreLimits.streamReadChunkEvents
        for start in stride(from: 0, to: chunk + 1, by: 1000) {
            try store.append((start..<min(start + 1000, chunk + 1)).map { paymentEvent("+98911", amount: Int64($0)) })
        }
        let first = try store.events(in: .line("+98911"))
        #expect(first.map(\.streamVersion) == Array(1...UInt64(chunk)))
        let rest = try store.events(in: .line("+98911"), from: UInt64(chunk) + 1)
        #expect(rest.map(\.streamVersion) == [UInt64(chunk) + 1])
        #expect(try store.events(in: .line("+98911"), limit: chunk + 1).count == chunk + 1)
        let during = try store.events(
            in: .line("+98911"), occurredFrom: .at("2024-03-01T00:00:00Z"), to: .at("2024-03-02T00:00:00Z"))
        #expect(during.count == chunk)
        var walked = 0
        try store.forEachEvent(in: .line("+98911")) { _ in walked += 1 }
        #expect(walked == chunk + 1)
    }
}
