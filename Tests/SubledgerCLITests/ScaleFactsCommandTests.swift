import Foundation
import Testing
import SubledgerStore

/// `subledger demo --facts-out`: the benchmark's population at scale as JSON Lines, the
/// same bytes for the same seed, imported whole, with the long-lived line it promises.
@Suite("The demo's fact stream at scale")
struct ScaleFactsCommandTests {
    @Test func theSameSeedWritesTheSameFileAndItImportsWhole() throws {
        let sandbox = try Sandbox()
        let first = sandbox.folder + "/facts-1.jsonl"
        let second = sandbox.folder + "/facts-2.jsonl"
        let written = try sandbox.subledger(
            "demo", "--facts-out", first, "--lines", "60", "--events", "900",
            "--long-line-events", "120", "--seed", "5", "--json")
        #expect(written.status == 0, "\(written)")
        let summary = try written.json()
        #expect(
            try sandbox.subledger(
                "demo", "--facts-out", second, "--lines", "60", "--events", "900",
                "--long-line-events", "120", "--seed", "5"
            ).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: second))))
        let lineCount = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        #expect(summary["events"] == .integer(Int64(lineCount)))
        #expect(summary["lines"] == .integer(60))
        #expect(summary["anomalies"] == .integer(0))

        let imported = try sandbox.subledger("import", first)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.hasPrefix("imported \(lineCount) events"), "\(imported.stdout)")
        guard case .string(let longLine)? = summary["longLine"] else {
            Issue.record("no long line in \(summary)")
            return
        }
        let replay = try sandbox.subledger("replay", longLine, "--json").json()
        #expect(replay["entries"]?.elements?.count == 120, "the long-lived line keeps exactly the events asked for")
        #expect(try sandbox.subledger("rebuild", "--json").json()["identicalToPrevious"] == .bool(true))
    }
}
