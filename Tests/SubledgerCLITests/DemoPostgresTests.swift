import Foundation
import SubledgerStore
import Testing

/// `subledger demo --db postgres://…` (issue 15 item 1: the URL selects PostgreSQL for every
/// command): the demo's store built in a schema of its own, the same ledger as in a folder.
@Suite("demo --db postgres://… (issue 15 item 1)")
struct DemoPostgresTests {
    @Test func item1_theDemoBuildsItsStoreInASchemaAsInAFolderAndRefusesASchemaThatHoldsOne() throws {
        let sandbox = try Sandbox()
        let schema = "t_demo_" + UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(12)
        let url = try PostgresDifferentialTests.serverURL() + "?schema=" + schema
        let keys = sandbox.folder + "/demo.keys"
        // A store in PostgreSQL has no folder to keep its key file beside: it must be named.
        let noKeyFile = try sandbox.run(SubledgerBinary.path, ["demo", "--db", url, "--subscribers", "40"])
        #expect(noKeyFile.status != 0 && noKeyFile.stderr.contains("--key-file"), "\(noKeyFile)")
        #expect(try !CopyCommandPostgresTests.holdsStore(sandbox, url), "the refusal wrote nothing")

        let demo = try sandbox.run(
            SubledgerBinary.path, ["demo", "--db", url, "--key-file", keys, "--subscribers", "40", "--seed", "7"])
        #expect(demo.status == 0, "\(demo)")
        for heading in ["Lines by status", "Audit findings", "GEN-2", "SUS-2"] {
            #expect(demo.stdout.contains(heading), "\(heading)")
        }
        // The commands it prints name the URL as one shell word (its `?` quoted).
        #expect(demo.stdout.contains("subledger verify --db '\(url)'"), "\(demo.stdout)")
        let verified = try sandbox.run(SubledgerBinary.path, ["verify", "--db", url, "--json"]).json()
        #expect(verified["ok"] == .bool(true))

        // The same seed in a folder: the same ledger (the same findings, at the same positions).
        let folder = try sandbox.subledger("demo", "--db", sandbox.store, "--subscribers", "40", "--seed", "7")
        #expect(folder.status == 0, "\(folder)")
        let inFolder = try sandbox.subledger("audit", "--db", sandbox.store, "--json")
        let inSchema = try sandbox.run(SubledgerBinary.path, ["audit", "--db", url, "--json"])
        #expect(inFolder.status == 0 && inSchema.status == 0, "\(inSchema)")
        // An unanswered complaint is judged at the time of the audit, which differs by a moment.
        let now = try Regex("unanswered at [^,]+,")
        #expect(!inFolder.stdout.isEmpty)
        #expect(
            inSchema.stdout.replacing(now, with: "unanswered at NOW,")
                == inFolder.stdout.replacing(now, with: "unanswered at NOW,"))
        #expect(verified["verified"] == (try sandbox.subledger("verify", "--json").json()["verified"]))

        // A schema that holds a store is refused, and nothing of it is written: with its stored
        // projection's rows removed and its identity changed, a writable open would rebuild it.
        let projection = "\"\(schema)\".\"projections\""
        try Psql.run(
            "DELETE FROM \(projection); UPDATE \"\(schema)\".\"meta\" SET value = '\\x00'::bytea WHERE key = convert_to('projection.identity', 'UTF8')",
            on: try PostgresDifferentialTests.serverURL())
        let again = try sandbox.run(
            SubledgerBinary.path, ["demo", "--db", url, "--key-file", keys, "--subscribers", "40"])
        #expect(again.status != 0 && again.stderr.contains("already holds a store of"), "\(again)")
        #expect(try Psql.run("SELECT count(*) FROM \(projection)", on: try PostgresDifferentialTests.serverURL()) == "0")
        let after = try sandbox.run(SubledgerBinary.path, ["verify", "--db", url, "--json"]).json()
        #expect(after["headHash"] == verified["headHash"])
    }

    /// A URL's password never reaches the refusal of a schema that holds a store (the test
    /// server trusts loopback, so the password is sent and ignored): the demo shows `:***@`.
    @Test func item1_theRefusalMasksTheURLsPassword() throws {
        let sandbox = try Sandbox()
        let schema = "t_demo_" + UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(12)
        let url = try PostgresDifferentialTests.serverURL() + "?schema=" + schema
        let keys = sandbox.folder + "/demo.keys"
        let imported = try sandbox.run(
            SubledgerBinary.path,
            ["import", try sandbox.file("one.jsonl", WorkedExample.text), "--db", url, "--key-file", keys])
        #expect(imported.status == 0, "\(imported)")
        let withPassword = url.replacing("postgres://postgres@", with: "postgres://postgres:s3cr3t@")
        #expect(withPassword != url, "the test server's URL names the user postgres: \(url)")
        let refused = try sandbox.run(
            SubledgerBinary.path, ["demo", "--db", withPassword, "--key-file", keys, "--subscribers", "40"])
        #expect(refused.status != 0 && refused.stderr.contains("already holds a store of 11 events"), "\(refused)")
        #expect(refused.stderr.contains("postgres://postgres:***@"), "\(refused)")
        #expect(!refused.stderr.contains("s3cr3t") && !refused.stdout.contains("s3cr3t"), "\(refused)")
    }
}
