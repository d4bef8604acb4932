import Testing
import SubledgerDemo
@testable import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Issue 13, rebuild memory: a rebuild of a million lines held every state, with its arrays,
/// while LMDB held the write transaction's dirty pages, both at their largest at the end.
/// Handing a record out lets go of the state it was made from.
@Suite("A rebuild lets go of each state as its record is handed out")
struct RebuildHandOutTests {
    @Test("given a rebuild that folded the demo, when its records are handed out, then they are the stored ones and no state is held")
    func handingOutEmptiesTheTables() throws {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2035-01-01T00:00:00Z")))
        let generation = DemoGenerator.generate(seed: 5, subscribers: 12)
        try DemoGenerator.record(generation, into: ledger.store)
        var events: [RecordedEvent] = []
        try ledger.store.forEachEvent { events.append($0) }
        var rebuild = LedgerProjection().makeRebuild()
        try rebuild.fold(LedgerProjectionRebuild.prepare(events))
        #expect(rebuild.fold.lines.count == generation.population.lines.count)
        #expect(rebuild.fold.lines.values.allSatisfy { $0.state != nil })

        var handedOut: [(key: [UInt8], value: [UInt8])] = []
        try rebuild.records { key, value in handedOut.append((key, value)) }

        #expect(handedOut.count == generation.population.lines.count + generation.population.subscribers.count)
        for (key, value) in handedOut {
            #expect(try ledger.store.projectionValue(for: key).value == value, "the record \(key)")
        }
        #expect(rebuild.fold.lines.values.allSatisfy { $0.state == nil }, "a line's state is still held")
        #expect(rebuild.fold.subscribers.values.allSatisfy { $0.state == nil }, "a subscriber's state is still held")
    }
}
