import Foundation
import Testing

/// `subledger copy --from A --to B` with PostgreSQL at one end or both (issue 15 item 4):
/// LMDB to PostgreSQL, PostgreSQL to LMDB, PostgreSQL to PostgreSQL, each the same ledger.
@Suite("copy --from A --to B, PostgreSQL (issue 15 item 4)")
struct CopyCommandPostgresTests {
    /// A schema of its own on the test server (`SUBLEDGER_TEST_POSTGRES_URL`).
    static func newSchema(_ prefix: String) throws -> (url: String, schema: String) {
        let schema = "t_copy_\(prefix)_" + UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(12)
        return (try PostgresDifferentialTests.serverURL() + "?schema=" + schema, schema)
    }

    /// Whether the URL's schema holds a store (a reading command finds one).
    static func holdsStore(_ sandbox: Sandbox, _ url: String) throws -> Bool {
        let result = try sandbox.run(SubledgerBinary.path, ["verify", "--db", url, "--json"])
        if result.status != 0 { #expect(result.stderr.contains("holds no subledger store"), "\(result)") }
        return result.status == 0
    }

    @Test func item4_aFolderCopiedIntoPostgreSQLAnswersAsIt() throws {
        let sandbox = try Sandbox()
        let b = try Self.newSchema("lp")
        try CopyFixture.copyAndCompare(
            sandbox, from: sandbox.store, fromKeys: sandbox.store + ".keys", to: b.url, toKeys: sandbox.folder + "/b.keys")
        #expect(try !Self.holdsStore(sandbox, b.url.replacing(b.schema, with: b.schema + "_copying")), "no staging left")
    }

    @Test func item4_aPostgreSQLStoreCopiedIntoAFolderAnswersAsIt() throws {
        let sandbox = try Sandbox()
        let a = try Self.newSchema("pl")
        try CopyFixture.copyAndCompare(
            sandbox, from: a.url, fromKeys: sandbox.folder + "/a.keys", to: sandbox.store, toKeys: sandbox.store + ".keys")
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/.store.subledger-copy"))
    }

    @Test func item4_aPostgreSQLStoreCopiedIntoAnotherSchemaAnswersAsIt() throws {
        let sandbox = try Sandbox()
        let a = try Self.newSchema("pa"), b = try Self.newSchema("pb")
        try CopyFixture.copyAndCompare(
            sandbox, from: a.url, fromKeys: sandbox.folder + "/a.keys", to: b.url, toKeys: sandbox.folder + "/b.keys")
    }

    @Test func item4_aSchemaThatHoldsAStoreIsRefusedAndAPostgreSQLBNeedsAKeyFile() throws {
        let sandbox = try Sandbox()
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: sandbox.store + ".keys", usage: 0)
        let b = try Self.newSchema("held")
        let keys = sandbox.folder + "/b.keys"
        try CopyFixture.run(sandbox, ["import", try sandbox.file("one.jsonl", WorkedExample.text)], db: b.url, keys: keys)
        let before = try CopyFixture.run(sandbox, ["export"], db: b.url, keys: keys).stdout
        let keysBefore = try Data(contentsOf: URL(fileURLWithPath: keys))
        let refused = try sandbox.run(
            SubledgerBinary.path, ["copy", "--from", sandbox.store, "--to", b.url, "--to-key-file", keys])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("schema \(b.schema) exists and holds"), "\(refused)")
        #expect(try CopyFixture.run(sandbox, ["export"], db: b.url, keys: keys).stdout == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keys)) == keysBefore)
        let c = try Self.newSchema("nokey")
        let noKeyFile = try sandbox.run(SubledgerBinary.path, ["copy", "--from", sandbox.store, "--to", c.url])
        #expect(noKeyFile.status != 0 && noKeyFile.stderr.contains("--to-key-file"), "\(noKeyFile)")
        #expect(try !Self.holdsStore(sandbox, c.url))
    }

    @Test func item4_aFailedCopyIntoPostgreSQLLeavesNoSchemaAndAStaleStagingSchemaIsDropped() throws {
        let sandbox = try Sandbox()
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: sandbox.store + ".keys", usage: 20)
        let b = try Self.newSchema("stale")
        let staging = b.url.replacing(b.schema, with: b.schema + "_copying")
        // A key file of other keys where B's goes: refused once the copy is staged and proved.
        let stranger = sandbox.folder + "/stranger.keys"
        try CopyFixture.run(
            sandbox, ["import", try sandbox.file("one.jsonl", WorkedExample.text)], db: sandbox.folder + "/x",
            keys: stranger)
        let failed = try sandbox.run(
            SubledgerBinary.path, ["copy", "--from", sandbox.store, "--to", b.url, "--to-key-file", stranger])
        #expect(failed.status != 0 && failed.stderr.contains("holds other keys"), "\(failed)")
        #expect(try !Self.holdsStore(sandbox, b.url))
        #expect(try !Self.holdsStore(sandbox, staging))
        // What a copy killed mid-way leaves: a store in the staging schema.
        try CopyFixture.run(
            sandbox, ["import", try sandbox.file("part.jsonl", WorkedExample.text)], db: staging,
            keys: sandbox.folder + "/part.keys")
        let keys = sandbox.folder + "/b.keys"
        let copied = try sandbox.run(
            SubledgerBinary.path, ["copy", "--from", sandbox.store, "--to", b.url, "--to-key-file", keys])
        #expect(copied.status == 0, "\(copied)")
        #expect(copied.stderr.contains("removed") && copied.stderr.contains(b.schema + "_copying"), "\(copied)")
        #expect(try !Self.holdsStore(sandbox, staging))
        #expect(
            try CopyFixture.run(sandbox, ["export"], db: b.url, keys: keys).stdout
                == sandbox.subledger("export").stdout)
    }
}
