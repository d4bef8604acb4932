import Foundation
import Testing
@_spi(Testing) import SubledgerStore

/// The visible head hides only a pending import's entries (issue 13 item 1): without a
/// marker nothing is clamped, so an index entry read flipped to point past the head is the
/// corruption it always was, never a silently shorter read (the simulator's seed 1 found
/// the clamp of every read hiding such entries); with a marker, an entry past what the log
/// stores is still corruption.
@Suite("A pending import hides its own entries, never a corrupt one")
struct PendingImportCorruptEntryTests {
    /// Two events of +98911 at positions 1 and 2: an entry read with byte 7 flipped by 0x04
    /// points at position 5 or 6, past the head. Returns the error `read` throws then.
    private func readThroughAFlip(
        _ backend: Backend, table: String, pendingFrom firstPending: UInt64? = nil,
        _ read: (EventStore) throws -> Void
    ) throws -> EventStoreError? {
        let faults = StorageFaults()
        let opened = try FaultInjectionTests.open(backend, faults: faults)
        if let folder = opened.folder { defer { try? FileManager.default.removeItem(atPath: folder) } }
        try opened.store.append([paymentEvent("+98911", amount: 1, at: "2024-03-01T10:00:00Z")])
        try opened.store.append([paymentEvent("+98911", amount: 2, at: "2024-03-01T11:00:00Z")])
        if let firstPending {
            try opened.store.markPendingImport(from: firstPending, id: .random(), startedAt: .at("2024-03-02T00:00:00Z"))
        }
        faults.armCorruption(.flip(byte: 7, mask: 0x04), ofValue: 1, inTables: [table])
        let error = #expect(throws: EventStoreError.self) { try read(opened.store) }
        #expect(!faults.isCorruptionArmed, "the flipped read was not reached")
        faults.disarm()
        return error
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func aStreamEntryPastTheHeadIsCorruptionWithoutAMarker(_ backend: Backend) throws {
        let error = try readThroughAFlip(backend, table: "streams") { store in
            _ = try store.events(in: .line("+98911"))
        }
        #expect(error?.code == .corrupted, "\(String(describing: error))")
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func aTimeEntryPastTheHeadIsCorruptionWithoutAMarker(_ backend: Backend) throws {
        let error = try readThroughAFlip(backend, table: "streamTimes") { store in
            _ = try store.events(
                in: .line("+98911"), occurredFrom: .at("2024-03-01T00:00:00Z"), to: .at("2024-03-02T00:00:00Z"))
        }
        #expect(error?.code == .corrupted, "\(String(describing: error))")
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func anIDEntryPastTheHeadIsCorruptionWithoutAMarker(_ backend: Backend) throws {
        var target: EventID?
        let error = try readThroughAFlip(backend, table: "eventIds") { store in
            let second = try store.events(from: 2, limit: 1)[0].eventID
            target = second
            _ = try store.event(withID: second)
        }
        #expect(target != nil)
        #expect(error?.code == .corrupted, "\(String(describing: error))")
    }

    /// With a marker from position 2, an entry that points past the log's end (5 or 6 of 2)
    /// is no import's: still corruption.
    @Test(arguments: Backend.reachingStoredBytes)
    func anEntryPastTheLogsEndIsCorruptionWithAMarker(_ backend: Backend) throws {
        let error = try readThroughAFlip(backend, table: "streams", pendingFrom: 2) { store in
            _ = try store.events(in: .line("+98911"))
        }
        #expect(error?.code == .corrupted, "\(String(describing: error))")
        #expect(error?.message.contains("past the end of the log") == true, "\(String(describing: error))")
    }
}
