import Foundation
import SubledgerLedger
import SubledgerStore
import Testing

/// A ledger opened read-only beside a writer in another process (issue 12 item 6; one LMDB
/// environment per path per process, so the writer is a `subledger import` child): each read
/// sees a consistent committed head, a later read sees the later appends, and every write
/// of the reader is refused with ``LedgerError/Code/readOnly``.
@Suite("A read-only ledger beside a writer")
struct ReadOnlyBesideWriterTests {
    /// `count` usage facts on the worked example's line, after its last fact.
    static func usageText(count: Int) -> String {
        (0..<count).map { index in
            #"{"type":"UsageRecorded","line":"\#(WorkedExample.line)","occurredAt":"2025-02-05T\#(10 + index / 60):"#
                + String(format: "%02d", index % 60)
                + #":00Z","data":{"amount":1000,"description":"later use \#(index)"}}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test func readsConsistentHeadsSeesLaterAppendsAndIsRefusedWrites() async throws {
        let sandbox = try Sandbox()
        let imported = try sandbox.subledger("import", try sandbox.file("first.jsonl", WorkedExample.text))
        #expect(imported.status == 0, "\(imported)")
        let reader = try Ledger.open(at: sandbox.store, readOnly: true)
        let line = try LineNumber(WorkedExample.line)
        let first = try reader.store.head().position
        #expect(first == UInt64(WorkedExample.lines.count))
        let debtBefore = try reader.status(of: line).debt

        // The writer appends in another process while the reader reads.
        let later = 300
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: SubledgerBinary.path)
        let laterFile = try sandbox.file("later.jsonl", Self.usageText(count: later))
        writer.arguments = ["import", laterFile, "--db", sandbox.store]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        var heads: Set<UInt64> = []
        repeat {
            let head = try reader.store.head()
            heads.insert(head.position)
            // A consistent head: every position up to it is readable, chained, the head's
            // event is the one at its position. The events come from a later read
            // transaction, so the import's commit may have come in between: then they go
            // past the head (its wholeness is checked on `heads` below).
            let events = try reader.store.events(from: 1, limit: Int(head.position) + 1)
            #expect(events.map(\.position) == Array(1...UInt64(events.count)))
            #expect(events.count >= Int(head.position), "every position up to the head is readable")
            #expect(
                events.count == Int(head.position) || head.position == first,
                "past the head only when the import committed between the two reads")
            let atHead = events.count >= Int(head.position) ? events[Int(head.position) - 1] : nil
            #expect(atHead?.hash == head.hash, "the head read is the event at its position")
        } while writer.isRunning
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        // An import is one transaction: a reader sees none of it or all of it.
        #expect(heads.isSubset(of: [first, first + UInt64(later)]), "\(heads.sorted())")

        let last = try reader.store.head().position
        #expect(last == first + UInt64(later), "a later read sees the later appends")
        #expect(try reader.status(of: line).debt == debtBefore + Rials(1000 * later))

        let usage = LedgerFact.line(
            line, try Timestamp(rfc3339: "2025-02-06T10:00:00Z"),
            .usageRecorded(UsageRecorded(amount: 1, description: "refused")))
        let refusedRecord = await #expect(throws: LedgerError.self) { try await reader.record([usage]) }
        #expect(refusedRecord?.code == .readOnly, "\(String(describing: refusedRecord))")
        let refusedApply = await #expect(throws: LedgerError.self) { try await reader.apply([usage]) }
        #expect(refusedApply?.code == .readOnly, "\(String(describing: refusedApply))")
        let refusedSyncRecord = #expect(throws: LedgerError.self) { try reader.record([usage]) }
        #expect(refusedSyncRecord?.code == .readOnly, "\(String(describing: refusedSyncRecord))")
        #expect(try reader.store.head().position == last, "the reader wrote nothing")
    }
}
