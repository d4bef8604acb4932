import Foundation
import Testing
@_spi(Testing) import SubledgerStore

/// `verify` and `export` only read the log: they open the store without the stored
/// projections, so a damaged record the projections have not folded yet is reported by
/// `verify` at its position, not by a catch-up that trips on it at open.
@Suite("Commands that only read the log")
struct ReadOnlyCommandsTests {
    @Test func verifyNamesADamagedRecordTheProjectionsHaveNotFolded() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        do {
            // A writer without the projections appends one more event, which is then damaged.
            let plain = try EventStore.open(at: sandbox.store)
            let last = try #require(try plain.events(from: 11, limit: 1).first)
            try plain.append([
                ProposedEvent(
                    eventID: .random(), type: last.type, stream: last.stream, occurredAt: last.occurredAt,
                    data: last.data, metadata: last.metadata)
            ])
            try plain.corruptStoredEvent(at: 12, byteOffset: 30)
        }
        let verified = try sandbox.subledger("verify", "--json")
        #expect(verified.status == 1, "\(verified)")
        let report = try verified.json()
        #expect(report["ok"] == .bool(false))
        #expect(report["firstBadPosition"] == .integer(12), "\(verified.stdout)")
        let exported = try sandbox.subledger("export")
        #expect(exported.status != 0)
        #expect(exported.stderr.contains("12"), "\(exported.stderr)")
    }
}
