import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// What the simulator found in the indexes (seeds 58 and 82): an entry read flipped points at
/// another event. The record found must be the one the entry names, else the read is corrupted.
@Suite("Simulation findings: index entries read flipped")
struct IndexFindingsTests {
    /// Runs `body` on a store of the fault-injecting backend holding `events`, armed with
    /// `flip` of the first value read from `table` once the events are in; then disarms it
    /// and returns the error `body` threw (the one expected).
    private func afterOneFlip(
        _ backend: Backend, of events: [ProposedEvent], table: String, flip mask: UInt8,
        _ body: (EventStore) throws -> Void
    ) throws -> (EventStore, EventStoreError?) {
        let faults = StorageFaults()
        let opened = try FaultInjectionTests.open(backend, faults: faults)
        if let folder = opened.folder { defer { try? FileManager.default.removeItem(atPath: folder) } }
        for event in events { try opened.store.append([event]) }
        faults.armCorruption(.flip(byte: 7, mask: mask), ofValue: 1, inTables: [table])
        let error = #expect(throws: EventStoreError.self) { try body(opened.store) }
        #expect(!faults.isCorruptionArmed, "the flipped read was not reached")
        faults.disarm()
        #expect(error?.code == .corrupted, "\(String(describing: error))")
        return (opened.store, error)
    }

    /// The id index entry of the second of two events, read as position 1.
    @Test(arguments: Backend.reachingStoredBytes)
    func anEventReadThroughAFlippedEntryIsCorruptedNotAnother(_ backend: Backend) throws {
        let second = paymentEvent("+98912", amount: 2)
        let (store, _) = try afterOneFlip(
            backend, of: [paymentEvent("+98911", amount: 1), second], table: "eventIds", flip: 0x03
        ) { store in _ = try store.event(withID: second.eventID) }
        #expect(try store.event(withID: second.eventID)?.position == 2)
    }

    /// A retry of the second event looks its id up: a flipped entry is a corrupted store,
    /// not a refusal of the retry as another fact under a reused id.
    @Test(arguments: Backend.reachingStoredBytes)
    func aRetryThroughAFlippedEntryIsCorruptedNotAReusedID(_ backend: Backend) throws {
        let second = paymentEvent("+98912", amount: 2)
        let (store, _) = try afterOneFlip(
            backend, of: [paymentEvent("+98911", amount: 1), second], table: "eventIds", flip: 0x03
        ) { store in try store.append([second]) }
        #expect(try store.append([second]).positions == [2])
        #expect(try store.head().position == 2)
    }

    /// An append reads its stream's head through the stream index: an entry read flipped
    /// (version 2 of +98911 pointing at +98912's event) must fail the append, not lend that
    /// event's hash to the new event's streamPrevHash, a broken chain written for good.
    @Test(arguments: Backend.reachingStoredBytes)
    func anAppendThroughAFlippedStreamEntryIsCorruptedNotABrokenChain(_ backend: Backend) throws {
        let events = [
            paymentEvent("+98911", amount: 1), paymentEvent("+98911", amount: 2), paymentEvent("+98912", amount: 3),
        ]
        let (store, _) = try afterOneFlip(backend, of: events, table: "streams", flip: 0x01) { store in
            try store.append([paymentEvent("+98911", amount: 4)])
        }
        #expect(try store.head().position == 3)
        #expect(try store.append([paymentEvent("+98911", amount: 4)]).positions == [4])
        #expect(try store.verify().isValid)
    }
}
