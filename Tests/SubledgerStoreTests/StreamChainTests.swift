import Foundation
import Testing
@testable @_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// The chain per stream (issue 10, item 2): every event records, as `streamPrevHash`, the
/// hash of the event before it in its own stream (64 zeros at version 1); the hash covers
/// it, the record (tag 3) keeps it, and the store's `verify` checks every stream's chain.
@Suite("The chain per stream (issue 10, item 2)")
struct StreamChainTests {
    /// Checks every event's `streamPrevHash` against the hash of its stream's event before.
    static func expectStreamsLink(_ store: EventStore, _ context: String) throws {
        var last: [StreamID: ChainHash] = [:]
        var count = 0
        try store.forEachEvent(verifyingHashes: true) { event in
            #expect(event.streamPreviousHash == (last[event.stream] ?? .zero), "\(context): position \(event.position)")
            last[event.stream] = event.hash
            count += 1
        }
        #expect(count > 0)
    }

    @Test(arguments: Backend.allCases)
    func eachEventLinksToTheHashOfItsStreamsEventBefore(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        // One batch over three streams, then single appends, then a session of batches.
        try fixture.store.append((1...9).map { paymentEvent("+9891\($0 % 3)", amount: Int64($0)) })
        try fixture.store.append([paymentEvent("+98911", amount: 10)])
        try fixture.store.append([paymentEvent("+98914", amount: 11)])
        try fixture.store.withAppendSession { session in
            try session.append([paymentEvent("+98910", amount: 12), paymentEvent("+98914", amount: 13)])
            try session.append([paymentEvent("+98910", amount: 14)])
        }
        // After a reopen the heads come from the stream index and the stored records.
        try fixture.reopen()
        try fixture.store.append([paymentEvent("+98912", amount: 15), paymentEvent("+98910", amount: 16)])
        try Self.expectStreamsLink(fixture.store, "\(backend)")
        let stream = try fixture.store.events(in: .line("+98910"))
        #expect(stream.map(\.streamVersion) == Array(1...6))
        #expect(stream.first?.streamPreviousHash == .zero)
        #expect(try fixture.store.verify().isValid)
    }

    /// An idempotent retry links nothing new: the next event links to the stream's head.
    @Test(arguments: Backend.allCases)
    func aRetryLeavesTheStreamsChainAsItWas(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let first = paymentEvent("+98911", amount: 1)
        try fixture.store.append([first])
        try fixture.store.append([first, paymentEvent("+98911", amount: 2)])
        let events = try fixture.store.events(in: .line("+98911"))
        #expect(events.count == 2)
        #expect(events[1].streamPreviousHash == events[0].hash)
    }

    /// The forger rewrites one event's link within its stream, recomputes its hash and
    /// relinks the whole global chain after it: only the stream's chain shows it, at that
    /// position, naming the stream.
    @Test(arguments: Backend.allCases)
    func aStreamLinkRewrittenBehindARelinkedGlobalChainIsFoundAtItsPosition(_ backend: Backend) throws {
        let fixture = try StoredCorruptionTests.filledStore(backend)
        let store = fixture.store
        let position: UInt64 = 57
        var events = try store.events(from: 1, limit: 1_000, verifyingHashes: true)
        let target = events[Int(position) - 1]
        #expect(target.streamVersion > 1)
        // It links to the event just before it in the log instead (another stream's).
        events[Int(position) - 1].streamPreviousHash = events[Int(position) - 2].hash
        try Self.relinkGlobalChain(&events, from: position, in: store)
        let report = try store.verify()
        #expect(report.firstBadPosition == position, "\(report.problem ?? "found nothing")")
        #expect(report.verifiedCount == position - 1)
        #expect(report.problem?.contains("chain of \(target.stream)") == true, "\(report.problem ?? "")")
        #expect(report.problem?.contains("streamPrevHash") == true, "\(report.problem ?? "")")
    }

    /// A record of format 1 (no `streamPrevHash`, hashed without it) put into a store of
    /// format 2 would step out of its stream's chain: it is corruption, at its position.
    @Test(arguments: Backend.allCases)
    func aRecordOfFormat1InAStoreOfFormat2IsFoundAtItsPosition(_ backend: Backend) throws {
        let fixture = try StoredCorruptionTests.filledStore(backend)
        let store = fixture.store
        let position: UInt64 = 40
        var events = try store.events(from: 1, limit: 1_000, verifyingHashes: true)
        events[Int(position) - 1].streamPreviousHash = nil
        try Self.relinkGlobalChain(&events, from: position, in: store)
        let log = try #require(store.log as? any TamperableLog)
        #expect(try log.record(at: position).first == RecordCodec.format1RecordTag)
        let report = try store.verify()
        #expect(report.firstBadPosition == position, "\(report.problem ?? "found nothing")")
        #expect(
            report.problem?.contains("a record of format 1 in a store of format 2") == true, "\(report.problem ?? "")")
    }

    /// Recomputes the hash of every event from `position` on, each linked to the new hash
    /// before it (the streams' links as they are), and stores them.
    static func relinkGlobalChain(_ events: inout [RecordedEvent], from position: UInt64, in store: EventStore) throws {
        for index in (Int(position) - 1)..<events.count {
            if index > 0 { events[index].previousHash = events[index - 1].hash }
            events[index].hash = EventJSON.computeHash(of: events[index])
            try StoredCorruptionTests.rewrite(store, events[index])
        }
    }

    /// Tag 3 holds the 32 bytes of `streamPrevHash`; tags 2 and 1 (format 1) still decode,
    /// without one.
    @Test func aRecordOfTag3KeepsTheStreamsPreviousHashAndFormat1RecordsStillDecode() throws {
        let backend = InMemoryBackend()
        var event = RecordedEvent(
            position: 7, streamVersion: 3, recordedAt: .at("2025-01-01T00:00:00Z"), eventID: EventID(high: 1, low: 2),
            type: "PaymentReceived", stream: .line("+98911"), occurredAt: .at("2024-12-31T00:00:00Z"),
            data: ["amount": .integer(5)], metadata: ["actor": "test"], previousHash: ChainHash(words: (1, 2, 3, 4)),
            hash: .zero,
            streamPreviousHash: ChainHash(words: (5, 6, 7, 8)))
        event.hash = EventJSON.computeHash(of: event)
        var format1 = event
        format1.streamPreviousHash = nil
        format1.hash = EventJSON.computeHash(of: format1)
        #expect(format1.hash != event.hash)
        var symbols = SymbolTable()
        let (record, format1Record) = try backend.write { transaction in
            (
                try RecordCodec.encode(event, symbols: &symbols, in: transaction),
                try RecordCodec.encode(format1, symbols: &symbols, in: transaction)
            )
        }
        #expect(record.first == 3)
        #expect(format1Record.first == 2)
        #expect(record.count == format1Record.count + 32)
        let decoded = try record.withUnsafeBytes { try RecordCodec.decode($0, position: 7, symbols: symbols) }
        #expect(decoded == event)
        #expect(record.withUnsafeBytes { RecordCodec.storedHash($0) } == event.hash)
        #expect(
            try format1Record.withUnsafeBytes { try RecordCodec.decode($0, position: 7, symbols: symbols) } == format1)
        let tag1 = [1] + Array(format1Record[1..<(format1Record.count - 4)])
        #expect(try tag1.withUnsafeBytes { try RecordCodec.decode($0, position: 7, symbols: symbols) } == format1)
        #expect(tag1.withUnsafeBytes { RecordCodec.storedHash($0) } == format1.hash)
    }
}
