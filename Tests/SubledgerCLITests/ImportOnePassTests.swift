import Foundation
import SubledgerStore
import Testing

/// An import into a store that exists reads its file once (issue 13 item 6): each line is
/// admitted and appended in bounded transactions beyond the visible head, so bad input found
/// late, after several transactions, rolls them back and changes nothing visible.
@Suite("An import reads its file once and rolls back on a late bad line")
struct ImportOnePassTests {
    @Test func aBadLastLineAfterSeveralTransactionsChangesNothing() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("first.jsonl", WorkedExample.text)).status == 0)
        let before = try sandbox.subledger("verify", "--json").json()
        let good = ReadOnlyBesideWriterTests.usageText(count: 300)
        let bad =
            good + #"{"type":"UsageRecorded","line":"\#(WorkedExample.line)","occurredAt":"2025-02-06T10:00:00Z","#
            + #""data":{"amount":-5,"description":"refused"}}"# + "\n"
        let refused = try sandbox.run(
            SubledgerBinary.path,
            ["import", "--db", sandbox.store, "--transaction-events", "50", try sandbox.file("late.jsonl", bad)])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("late.jsonl:301"), "\(refused)")
        let after = try sandbox.subledger("verify", "--json").json()
        #expect(after["headPosition"] == before["headPosition"] && after["headHash"] == before["headHash"])
        #expect(after["ok"] == .bool(true), "\(after)")
        let imported = try sandbox.subledger("import", try sandbox.file("good.jsonl", good))
        #expect(imported.stdout.hasPrefix("imported 300 events"), "\(imported)")
    }
}
