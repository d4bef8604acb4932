import Foundation
import Testing
@testable @_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// Corruption and tampering of stored events: whatever byte of whichever stored event is
/// flipped, `verify` names that event's position; a record rewritten with a changed value
/// and a fresh checksum fails its hash there; a record rewritten with its hash recomputed
/// breaks the chain at the next position.
@Suite("Corruption and tampering of the stored log")
struct StoredCorruptionTests {
    static let eventCount = 120

    static func filledStore(_ backend: Backend) throws -> StoreFixture {
        let fixture = try StoreFixture(backend)
        for batch in 0..<(eventCount / 10) {
            try fixture.store.append(
                (0..<10).map { index in
                    var event = paymentEvent("+9891\(index % 4)", amount: Int64(batch * 10 + index + 1))
                    event.metadata["correlationId"] = "C-\(batch)"
                    return event
                })
        }
        return fixture
    }

    /// Half the trials flip a byte of a record as stored (its checksum catches it); the
    /// other half flip a byte and write the record's checksum afresh, so that the decoder,
    /// the format check and the hash must catch it.
    @Test(arguments: Backend.allCases)
    func everyFlippedByteIsFoundAtItsPosition(_ backend: Backend) throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_CORRUPTION_SEED")
        var random = SeededRandom(seed: seed)
        let fixture = try Self.filledStore(backend)
        let store = fixture.store
        let log = try #require(store.log as? any TamperableLog)
        let trials = backend == .lmdb ? 200 : 400
        var problems: [String: Int] = [:]
        for trial in 1...trials {
            let position = UInt64(1 + random.below(Self.eventCount))
            let original = try log.record(at: position)
            var flipped = original
            // A fresh checksum is written over a flip of the bytes before the checksum.
            let freshChecksum = random.below(2) == 1
            let offset = random.below(flipped.count - (freshChecksum ? 4 : 0))
            let mask = UInt8(1 + random.below(255))
            flipped[offset] ^= mask
            if freshChecksum { flipped = Self.withFreshChecksum(flipped) }
            try log.overwrite(position, with: flipped)
            let report = try store.verify()
            let context = "\(backend), seed \(seed), trial \(trial): byte \(offset) of position \(position) ^ \(mask)"
            #expect(report.firstBadPosition == position, "\(context): \(report.problem ?? "found nothing")")
            #expect(report.verifiedCount == position - 1, "\(context)")
            problems[Self.kind(of: report.problem), default: 0] += 1
            try log.overwrite(position, with: original)
            #expect(try store.verify().isValid, "\(context): the repair did not restore the log")
        }
        print(
            "stored corruption (\(backend)): \(trials) flipped bytes at random positions and offsets (seed \(seed)), "
                + "each named at its position by verify (\(problems.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))))"
        )
    }

    /// `record` with its checksum written again over its other bytes (a record of tag 3;
    /// any other comes back as it is).
    static func withFreshChecksum(_ record: [UInt8]) -> [UInt8] {
        guard record.first == RecordCodec.recordTag, record.count > 4 else { return record }
        var body = Array(record.dropLast(4))
        RecordCodec.appendChecksum(to: &body)
        return body
    }

    /// Tampering by someone who knows the format: the record is decoded, an amount changed
    /// and the record encoded again (with a valid checksum, if the format has one).
    @Test(arguments: Backend.allCases)
    func aRewrittenRecordFailsItsHashAndARehashedOneBreaksTheChainAfterIt(_ backend: Backend) throws {
        let fixture = try Self.filledStore(backend)
        let store = fixture.store
        let position: UInt64 = 57
        var event = try #require(try store.events(from: position, limit: 1).first)
        event.data = JSONObject(
            event.data.members.map { ($0.key, $0.key == "amount" ? .integer(1_000_000) : $0.value) })
        try Self.rewrite(store, event)
        var report = try store.verify()
        #expect(report.firstBadPosition == position)
        #expect(report.problem?.contains("hash") == true, "\(report.problem ?? "")")

        // The forger recomputes the hash as well: the event itself checks, but its successor
        // still names the old hash as its prevHash.
        var scratch: [UInt8] = []
        event.hash = EventJSON.computeHash(of: event, scratch: &scratch)
        try Self.rewrite(store, event)
        report = try store.verify()
        #expect(report.firstBadPosition == position + 1)
        #expect(
            report.problem?.contains("chain") == true || report.problem?.contains("prevHash") == true,
            "\(report.problem ?? "")")
    }

    /// Stores `event` over the record at its position, through the store's own encoder.
    static func rewrite(_ store: EventStore, _ event: RecordedEvent) throws {
        let log = try #require(store.log as? any TamperableLog)
        try log.overwrite(event)
    }

    /// The family of a verify finding, for the tally.
    static func kind(of problem: String?) -> String {
        guard let problem else { return "none" }
        for word in ["checksum", "hash does not match", "does not decode", "prevHash", "symbol"]
        where problem.contains(word) {
            return word
        }
        return String(problem.prefix(40))
    }
}

/// What the tampering tests do to a log of any backend.
protocol TamperableLog {
    func overwrite(_ event: RecordedEvent) throws
    func overwrite(_ position: UInt64, with record: [UInt8]) throws
    func record(at position: UInt64) throws -> [UInt8]
}

extension EventLog: TamperableLog {
    func overwrite(_ event: RecordedEvent) throws {
        try backend.write { transaction in
            var symbols = SymbolTable()
            try symbols.catchUp(in: transaction)
            let record = try RecordCodec.encode(event, symbols: &symbols, in: transaction)
            try transaction.put(.events, key: StoreKeys.position(event.position), value: record, mode: .upsert)
        }
    }

    func overwrite(_ position: UInt64, with record: [UInt8]) throws {
        try backend.write { transaction in
            _ = try transaction.put(.events, key: StoreKeys.position(position), value: record, mode: .upsert)
        }
    }

    func record(at position: UInt64) throws -> [UInt8] {
        try backend.read { transaction in
            try transaction.get(.events, key: StoreKeys.position(position)).map { Array($0) } ?? []
        }
    }
}
