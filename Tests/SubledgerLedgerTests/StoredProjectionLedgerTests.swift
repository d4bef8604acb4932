import Foundation
import Testing
import SubledgerDemo
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// The ledger's stored projection (`LedgerProjection`): what `status` and `subscriber`
/// read from it is what a fold of the log gives, however the facts were batched, and a
/// rebuild reproduces it byte for byte.
@Suite("Stored line and subscriber projections")
struct StoredProjectionLedgerTests {
    static let clock = ManualClock(.at("2035-01-01T00:00:00Z"))
    static let generation = DemoGenerator.generate(seed: 11, subscribers: 30)

    /// Every line's stored status against the fold of its history (a view that counts
    /// every fact takes the fold's path), and every subscriber's against its stream.
    static func expectStoredEqualsFolded(_ ledger: Ledger, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let histories = try ledger.allHistories()
        #expect(!histories.isEmpty, sourceLocation: sourceLocation)
        var owners: [String: [String]] = [:]
        for history in histories {
            #expect(
                try ledger.state(of: history.line)
                    == ledger.state(of: history.line, view: .init(knownAt: .maximum)),
                "line \(history.number)", sourceLocation: sourceLocation)
            let stored = try ledger.status(of: history.line)
            let folded = try ledger.status(of: history.line, view: .init(knownAt: .maximum))
            #expect(stored == folded, "line \(history.number)", sourceLocation: sourceLocation)
            #expect(
                try ledger.settlement(of: history.line)
                    == ledger.settlement(of: history.line, view: .init(knownAt: .maximum)),
                sourceLocation: sourceLocation)
            for fact in history.facts {
                if case .lineActivated(let activated) = fact.event,
                    owners[activated.subscriberID]?.contains(history.number) != true
                {
                    owners[activated.subscriberID, default: []].append(history.number)
                }
            }
        }
        for (id, lines) in owners {
            let subscriber = try ledger.subscriber(SubscriberID(stored: id))
            #expect(subscriber.lines == lines, "subscriber \(id)", sourceLocation: sourceLocation)
            var folded: SubscriberState?
            for recorded in try ledger.store.events(in: .subscriber(id)) {
                folded = try SubscriberState.checkedEvolve(folded, RecordedFact(recorded).fact)
            }
            folded?.lines = lines
            #expect(subscriber == folded, "subscriber \(id)", sourceLocation: sourceLocation)
        }
    }

    @Test func theDemoRecordedInLargeTransactionsReadsTheSameAsItsFold() throws {
        let ledger = Ledger.inMemory(clock: Self.clock)
        try DemoGenerator.record(Self.generation, into: ledger.store)
        try Self.expectStoredEqualsFolded(ledger)
        let report = try ledger.rebuildProjections()
        #expect(report.identicalToPrevious)
        #expect(report.eventsFolded == UInt64(Self.generation.facts.count))
        #expect(
            report.recordsWritten == Self.generation.population.lines.count
                + Self.generation.population.subscribers.count)
    }

    @Test func factsRecordedOneByOneOnDiskRebuildToTheSameBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "subledger-projection-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let facts = Array(Self.generation.facts.prefix(3000))
        do {
            let ledger = try Ledger.open(at: folder, clock: Self.clock)
            // Small batches through the ledger: every state is read back from its record.
            var index = 0
            var size = 1
            while index < facts.count {
                let batch = Array(facts[index..<min(index + size, facts.count)])
                try ledger.record(batch)
                index += batch.count
                size = size % 7 + 1
            }
            try Self.expectStoredEqualsFolded(ledger)
        }
        let reopened = try Ledger.open(at: folder, clock: Self.clock)
        try Self.expectStoredEqualsFolded(reopened)
        let report = try reopened.rebuildProjections()
        #expect(report.identicalToPrevious, "incremental records differ from the rebuilt ones")
        #expect(report.eventsFolded == UInt64(facts.count))
    }

    @Test func anUnknownLineIsAbsentFromTheProjection() throws {
        let ledger = Ledger.inMemory(clock: Self.clock)
        try DemoGenerator.record(Self.generation, into: ledger.store)
        #expect(throws: LedgerError.self) { try ledger.status(of: "+989000000000") }
        #expect(throws: LedgerError.self) { try ledger.subscriber("no-such-subscriber") }
    }
}
