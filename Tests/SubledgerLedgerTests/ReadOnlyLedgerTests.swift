import Foundation
import Testing
import SubledgerDemo
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// `Ledger.open(at:readOnly: true)` (issue 9, item 9): the ledger answers from a store it
/// does not write; a stored projection behind the log is folded in memory, not caught up,
/// and recording is refused.
@Suite("A ledger opened read-only")
struct ReadOnlyLedgerTests {
    static let clock = ManualClock(.at("2035-01-01T00:00:00Z"))

    @Test func aProjectionBehindTheLogIsFoldedInMemoryAndNothingIsWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "subledger-readonly-\(UUID().uuidString)"
        ).path
        defer {
            try? FileManager.default.removeItem(atPath: folder);
            try? FileManager.default.removeItem(atPath: folder + ".keys")
        }
        let facts = Array(StoredProjectionLedgerTests.generation.facts.prefix(600))
        do {
            try Ledger.open(at: folder, clock: Self.clock).record(Array(facts.prefix(300)))
            // A ledger over a store without the projections records the rest: they are behind.
            try Ledger(store: try EventStore.open(at: folder), clock: Self.clock).record(Array(facts.dropFirst(300)))
        }
        let before = try FolderImage(of: folder).files["data.mdb"]
        let reader = try Ledger.open(at: folder, clock: Self.clock, readOnly: true)
        #expect(reader.store.isReadOnly)
        try StoredProjectionLedgerTests.expectStoredEqualsFolded(reader)
        let refusal = #expect(throws: LedgerError.self) { try reader.record([facts[0]]) }
        #expect("\(String(describing: refusal))".contains("read-only"), "\(String(describing: refusal))")
        // Issue 12, item 6: a server tells a read-only store from other store failures by its code.
        #expect(refusal?.code == .readOnly, "\(String(describing: refusal))")
        #expect(refusal?.storeError?.message.contains(folder) == true, "the refusal names the read-only store")
        #expect(try FolderImage(of: folder).files["data.mdb"] == before, "the read-only ledger wrote data.mdb")
        // A writer on a copy catches the projection up: the reader's answers are the same.
        let copy = folder + "-caught-up"
        try FileManager.default.copyItem(atPath: folder, toPath: copy)
        // A writer of a store that sealed personal data needs its key file (RET-1).
        try FileManager.default.copyItem(atPath: folder + ".keys", toPath: copy + ".keys")
        defer {
            try? FileManager.default.removeItem(atPath: copy);
            try? FileManager.default.removeItem(atPath: copy + ".keys")
        }
        let writer = try Ledger.open(at: copy, clock: Self.clock)
        let histories = try writer.allHistories()
        #expect(histories.count > 1)
        for history in histories {
            #expect(
                try reader.status(of: history.line) == writer.status(of: history.line), "line \(history.number)")
        }
    }
}
