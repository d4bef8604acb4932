import Foundation
import Testing
import SubledgerStore

/// `replay` and `demo`, run as the built executable.
@Suite("replay and demo")
struct ReplayAndDemoCommandTests {
    @Test func replayShowsEveryEventWithTheRulesThatJudgedIt() throws {
        let sandbox = try Sandbox()
        _ = try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text))
        let text = try sandbox.subledger("replay", WorkedExample.line)
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("✔ CUT-1"), "\(text.stdout)")
        #expect(text.stdout.contains("315,000"))
        #expect(text.stdout.contains("1403-11-"))  // Solar Hijri dates (Bahman 1403)
        #expect(text.stdout.contains("2025-02-03"))  // and Gregorian

        let json = try sandbox.subledger("replay", WorkedExample.line, "--json").json()
        #expect(json["entries"]?.elements?.count == 9, "a line's replay has one entry for each of its 9 events")

        let page = sandbox.folder + "/replay.html"
        let html = try sandbox.subledger("replay", WorkedExample.line, "--html", page)
        #expect(html.status == 0, "\(html)")
        let content = try String(contentsOfFile: page, encoding: .utf8)
        #expect(content.contains("<svg"))
        #expect(!content.contains("http://") && !content.contains("https://"))

        let asOf = try sandbox.subledger("replay", WorkedExample.line, "--as-of", "2025-02-03T20:00:00Z")
        #expect(asOf.status == 0)
        #expect(!asOf.stdout.contains("LineRestored"))
        let unknown = try sandbox.subledger("replay", "+989000000000")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("+989000000000"))
    }

    @Test func theDemoBuildsASmallStoreAndShowsItsFindings() throws {
        let sandbox = try Sandbox()
        let demo = try sandbox.subledger("demo", "--db", sandbox.store, "--subscribers", "40", "--seed", "7")
        #expect(demo.status == 0, "\(demo)")
        for heading in ["Lines by status", "Audit findings", "GEN-2", "SUS-2", "subledger replay"] {
            #expect(demo.stdout.contains(heading), "\(heading)")
        }
        #expect(try sandbox.subledger("verify", "--json").json()["ok"] == .bool(true))
        let again = try sandbox.subledger("demo", "--db", sandbox.store, "--subscribers", "40")
        #expect(again.status != 0)
        #expect(again.stderr.contains(sandbox.store))
    }

    /// A folder's demo keeps its key file beside it: SUBLEDGER_KEY_FILE, set for the operator's
    /// own store, is not the demo's; a key file named with --key-file that opens another store
    /// is refused, and the folder the demo made is not left behind.
    @Test func theDemoKeepsItsKeyFileBesideItsFolderAndLeavesNoFolderWhenItsKeyFileIsRefused() throws {
        let sandbox = try Sandbox()
        let operatorKeys = sandbox.folder + "/operator.keys"
        let demo = try sandbox.run(
            "/usr/bin/env",
            ["SUBLEDGER_KEY_FILE=\(operatorKeys)", SubledgerBinary.path, "demo", "--db", sandbox.store, "--subscribers", "40"])
        #expect(demo.status == 0, "\(demo)")
        #expect(FileManager.default.fileExists(atPath: sandbox.store + ".keys"))
        #expect(!FileManager.default.fileExists(atPath: operatorKeys))
        let second = sandbox.folder + "/second"
        let refused = try sandbox.subledger(
            "demo", "--db", second, "--key-file", sandbox.store + ".keys", "--subscribers", "40")
        #expect(refused.status != 0, "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: second), "\(refused)")
    }
}
