import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// What the simulator found (issue 12 item 7), each kept as a test of its own.
@Suite("Simulation findings")
struct SimulationFindingsTests {
    /// A store reopened knows no symbol yet: its first read catches the symbol table up.
    /// A torn read of the symbols table there must not rename a type in the events read
    /// after it: before the fix the torn name ("NoticeSen") was shared with every later
    /// read, and a read without hash checks returned events of the wrong type.
    @Test func aTornSymbolReadDoesNotRenameLaterEvents() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock(.at("2024-06-01T00:00:00Z"))
        var recorded: [RecordedEvent] = []
        do {
            let store = try EventStore.open(at: folder, options: .init(clock: clock))
            var notice = paymentEvent("+98911", amount: 1)
            notice.type = "NoticeSent"
            try store.append([notice, paymentEvent("+98912", amount: 2)])
            recorded = try store.events(from: 1)
        }
        let faults = StorageFaults()
        let store = try EventStore.openFaultInjecting(at: folder, options: .init(clock: clock), faults: faults)
        // The symbols' first value is the first type interned: "NoticeSent", torn to "NoticeSen".
        faults.armCorruption(.truncate(keeping: 9), ofValue: 1, inTables: ["symbols"])
        #expect(throws: EventStoreError.self) { _ = try store.events(from: 1) }
        #expect(!faults.isCorruptionArmed, "the torn read was not reached")
        faults.disarm()
        #expect(try store.events(from: 1) == recorded)
        #expect(try store.events(in: .line("+98911")) == [recorded[0]])
    }

    /// Symbols are caught up past the one the event read needs: a torn read of a later
    /// symbol (one the first event does not use, so its hash check passes) must not be kept
    /// either. Before the symbols were read twice, the torn name of the second event's type
    /// was shared, and the good second event then read as corrupted.
    @Test func aTornReadOfASymbolTheEventDoesNotUseIsNotKept() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock(.at("2024-06-01T00:00:00Z"))
        var recorded: [RecordedEvent] = []
        do {
            let store = try EventStore.open(at: folder, options: .init(clock: clock))
            var cut = paymentEvent("+98912", amount: 2)
            cut.type = "LineSuspended"
            cut.data["direction"] = .string("oneWay")
            try store.append([paymentEvent("+98911", amount: 1)])
            try store.append([cut])
            recorded = try store.events(from: 1)
        }
        var reached = 0
        for occurrence in 1...24 {
            let faults = StorageFaults()
            let store = try EventStore.openFaultInjecting(at: folder, options: .init(clock: clock), faults: faults)
            faults.armCorruption(.truncate(keeping: 3), ofValue: occurrence, inTables: ["symbols"])
            _ = try? store.events(from: 1, limit: 1)
            reached += faults.isCorruptionArmed ? 0 : 1
            faults.disarm()
            #expect(try store.events(from: 1) == recorded, "symbol \(occurrence) read torn")
        }
        #expect(reached >= 8, "the symbols read to catch up: \(reached)")
    }
}
