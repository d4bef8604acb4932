import Testing
import SubledgerStore

/// `subledger rebuild`: the stored projections folded again from the log, byte for byte.
@Suite("The rebuild command")
struct RebuildCommandTests {
    @Test func aRebuildAfterAnImportIsIdenticalAndStatusIsUnchanged() throws {
        let sandbox = try Sandbox()
        let imported = try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text))
        #expect(imported.status == 0, "\(imported)")
        let before = try sandbox.subledger("status", WorkedExample.line, "--json")
        let rebuilt = try sandbox.subledger("rebuild", "--json")
        #expect(rebuilt.status == 0, "\(rebuilt)")
        let report = try rebuilt.json()
        #expect(report["identicalToPrevious"] == .bool(true))
        #expect(report["eventsFolded"] == .integer(11))
        #expect(report["checkpoint"] == .integer(11))
        #expect(report["recordsWritten"] == report["previousRecords"])
        #expect(report["recordsWritten"] == .integer(2), "one line and its subscriber")
        let after = try sandbox.subledger("status", WorkedExample.line, "--json")
        #expect(after.stdout == before.stdout)

        let text = try sandbox.subledger("rebuild")
        #expect(text.status == 0)
        #expect(text.stdout.contains("11 events folded into 2 records"), "\(text.stdout)")
        #expect(text.stdout.contains("identical"))
    }

    @Test func aRebuildOfNoStoreFailsAndCreatesNothing() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.subledger("rebuild")
        #expect(result.status != 0)
        #expect(result.stderr.contains("no store"), "\(result.stderr)")
        #expect(try sandbox.storeHead() == nil)
    }
}
