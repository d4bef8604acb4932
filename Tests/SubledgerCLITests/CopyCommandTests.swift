import Foundation
@_spi(Testing) import SubledgerStore
@testable import subledger
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `subledger copy --from A --to B` between LMDB folders (issue 15 item 4): the same ledger
/// in B, A unchanged, all or nothing.
@Suite("copy --from A --to B, LMDB (issue 15 item 4)")
struct CopyCommandTests {
    static func copy(_ sandbox: Sandbox, from: String, to: String, _ more: String...) throws -> CommandResult {
        try sandbox.run(SubledgerBinary.path, ["copy", "--from", from, "--to", to] + more)
    }

    /// The names in `folder`, sorted.
    static func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    static func files(in folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return files
    }

    @Test func item4_aFolderCopiedIntoAFolderAnswersAsItAndItsFilesAreUnchanged() throws {
        let sandbox = try Sandbox()
        let a = sandbox.folder + "/a", b = sandbox.folder + "/b"
        try CopyFixture.copyAndCompare(sandbox, from: a, fromKeys: a + ".keys", to: b, toKeys: b + ".keys")
        #expect(try Self.entries(sandbox.folder).filter { $0.contains("subledger-copy") }.isEmpty)
        // Read-only: not a byte of A's data changes (lock.mdb, LMDB's table of readers, is
        // written by every reader, as by export).
        let files = try Self.files(in: a).filter { $0.key != "lock.mdb" }
        let copied = try Self.copy(sandbox, from: a, to: sandbox.folder + "/c")
        #expect(copied.status == 0, "\(copied)")
        #expect(try Self.files(in: a).filter { $0.key != "lock.mdb" } == files)
    }

    @Test func item4_theTextReportNamesTheEventsTheHeadAndTheMerkleRoot() throws {
        let sandbox = try Sandbox()
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: sandbox.store + ".keys", usage: 5)
        let b = sandbox.folder + "/b/"
        let copied = try Self.copy(sandbox, from: sandbox.store, to: b)
        #expect(copied.status == 0, "\(copied)")
        let head = try JSONParser.parse(try sandbox.subledger("verify", "--json").stdout)
        guard case .string(let hash)? = head["headHash"] else { throw SandboxError("no head: \(head)") }
        let lines = copied.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "copied 18 events from \(sandbox.store) into \(sandbox.folder)/b", "\(copied)")
        #expect(lines.contains("head position 18") && lines.contains("head hash \(hash)"), "\(copied)")
        #expect(lines.contains { $0.hasPrefix("merkle root ") && $0.count == 12 + 64 }, "\(copied)")
        #expect(FileManager.default.fileExists(atPath: sandbox.folder + "/b.keys"), "the default: <B>.keys beside B")
    }

    @Test func item4_aBThatHoldsAStoreOrAnythingIsRefusedNamingItAndNothingChanges() throws {
        let sandbox = try Sandbox()
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: sandbox.store + ".keys", usage: 0)
        let other = sandbox.folder + "/other"
        try CopyFixture.run(
            sandbox, ["import", try sandbox.file("one.jsonl", WorkedExample.text)], db: other, keys: other + ".keys")
        let otherFiles = try Self.files(in: other)
        let refused = try Self.copy(sandbox, from: sandbox.store, to: other)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(other) already holds a store"), "\(refused)")
        #expect(try Self.files(in: other) == otherFiles)
        let full = sandbox.folder + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: false)
        try sandbox.file("full/note.txt", "mine")
        let notEmpty = try Self.copy(sandbox, from: sandbox.store, to: full)
        #expect(notEmpty.status != 0 && notEmpty.stderr.contains("\(full) is a folder that is not empty"), "\(notEmpty)")
        #expect(try Self.entries(full) == ["note.txt"])
        #expect(try Self.entries(sandbox.folder).filter { $0.contains("subledger-copy") }.isEmpty)
        // An empty folder is a new store's place.
        let empty = sandbox.folder + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let intoEmpty = try Self.copy(sandbox, from: sandbox.store, to: empty)
        #expect(intoEmpty.status == 0, "\(intoEmpty)")
        #expect(try Self.entries(empty).contains("data.mdb"))
    }

    @Test func item4_aKeyFileOfOtherKeysAtBIsRefusedAfterTheCopyIsMadeAndNoBNorStagingIsLeft() throws {
        let sandbox = try Sandbox()
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: sandbox.store + ".keys", usage: 20)
        let b = sandbox.folder + "/b"
        let stranger = sandbox.folder + "/b.keys"
        try CopyFixture.run(
            sandbox, ["import", try sandbox.file("one.jsonl", WorkedExample.text)], db: sandbox.folder + "/elsewhere",
            keys: stranger)
        let strangerBytes = try Data(contentsOf: URL(fileURLWithPath: stranger))
        let refused = try Self.copy(sandbox, from: sandbox.store, to: b, "--json")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("exists and holds other keys"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: b), "no B")
        #expect(try Self.entries(sandbox.folder).filter { $0.contains("subledger-copy") }.isEmpty, "no staging")
        #expect(try Data(contentsOf: URL(fileURLWithPath: stranger)) == strangerBytes)
    }

    @Test func item4_aDamagedEventOfAMidCopyLeavesNoBNoStagingAndNoKeyFile() throws {
        let sandbox = try Sandbox()
        // More events than a chunk: the first chunk is appended to the staged copy before the
        // damaged event is read.
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: sandbox.store + ".keys", usage: 1100)
        do {
            let store = try EventStore.open(at: sandbox.store)
            try store.corruptStoredEvent(at: 1050, byteOffset: 30)
        }
        let b = sandbox.folder + "/b"
        let failed = try Self.copy(sandbox, from: sandbox.store, to: b)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("1050"), "\(failed)")
        #expect(!FileManager.default.fileExists(atPath: b))
        #expect(!FileManager.default.fileExists(atPath: b + ".keys"))
        #expect(try Self.entries(sandbox.folder).filter { $0.contains("subledger-copy") }.isEmpty)
    }

    /// A is read from the head it had when the copy began: an event appended to A meanwhile
    /// (by another process, once the copy is made in staging) refuses the copy, which would
    /// be of no one state of A, and leaves no B, no staging and no key file.
    @Test func item4_anEventAppendedToADuringTheCopyRefusesItAndLeavesNoB() throws {
        let sandbox = try Sandbox()
        let keys = sandbox.store + ".keys"
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: keys, usage: 5)
        let b = sandbox.folder + "/b"
        let later = try sandbox.file(
            "later.jsonl",
            #"{"type":"UsageRecorded","line":"\#(WorkedExample.line)","occurredAt":"2025-02-06T10:00:00Z","#
                + #""data":{"amount":7,"description":"data"}}"# + "\n")
        var copy = StoreCopy(
            source: try CopyEndpoint(sandbox.store, option: "from"), target: try CopyEndpoint(b, option: "to"),
            sourceKeyFilePath: keys, targetKeyFilePath: b + ".keys")
        var wroteToA = false
        copy.beforeRecheckingSource = {
            try CopyFixture.run(sandbox, ["import", later], db: sandbox.store, keys: keys)
            wroteToA = true
        }
        do {
            _ = try copy.run()
            Issue.record("the copy succeeded although A's head moved from 18 to 19")
        } catch let failure as CommandFailure {
            #expect(failure.description.contains("changed during the copy (its head went from 18 to 19)"), "\(failure)")
            #expect(failure.description.hasSuffix("nothing was made at \(b)"), "\(failure)")
        }
        #expect(wroteToA)
        #expect(!FileManager.default.fileExists(atPath: b))
        #expect(!FileManager.default.fileExists(atPath: b + ".keys"))
        #expect(try Self.entries(sandbox.folder).filter { $0.contains("subledger-copy") }.isEmpty)
        // Once nothing writes to A, the same copy succeeds, of all 19 events.
        let copied = try Self.copy(sandbox, from: sandbox.store, to: b)
        #expect(copied.status == 0 && copied.stdout.hasPrefix("copied 19 events"), "\(copied)")
    }

    @Test func item4_aStagingFolderAKilledCopyLeftIsRemovedAndOneInUseIsRefused() throws {
        let sandbox = try Sandbox()
        try CopyFixture.makeSource(sandbox, db: sandbox.store, keys: sandbox.store + ".keys", usage: 0)
        let b = sandbox.folder + "/b", staging = sandbox.folder + "/.b.subledger-copy"
        // What a copy killed mid-way leaves: a store in the staging folder, and no B.
        try CopyFixture.run(
            sandbox, ["import", try sandbox.file("part.jsonl", WorkedExample.text)], db: staging,
            keys: sandbox.folder + "/part.keys")
        // While a copy holds the lock (of the folder that holds B), another is refused.
        let parent = open(sandbox.folder, O_RDONLY | O_DIRECTORY)
        #expect(flock(parent, LOCK_EX) == 0)
        let running = try Self.copy(sandbox, from: sandbox.store, to: b)
        close(parent)
        #expect(running.status != 0 && running.stderr.contains("another subledger copy"), "\(running)")
        #expect(FileManager.default.fileExists(atPath: staging + "/data.mdb"), "a running copy's staging is kept")
        let copied = try Self.copy(sandbox, from: sandbox.store, to: b, "--json")
        #expect(copied.status == 0, "\(copied)")
        #expect(copied.stderr.contains("removed \(staging)"), "\(copied)")
        #expect(try copied.json()["removedStaleStaging"] == .string(staging))
        #expect(!FileManager.default.fileExists(atPath: staging))
        #expect(try sandbox.subledger("export", "--db", b).stdout == sandbox.subledger("export").stdout)
        // Something else of that name is not removed.
        let c = sandbox.folder + "/c"
        try FileManager.default.createDirectory(atPath: sandbox.folder + "/.c.subledger-copy", withIntermediateDirectories: false)
        try sandbox.file(".c.subledger-copy/mine.txt", "mine")
        let inTheWay = try Self.copy(sandbox, from: sandbox.store, to: c)
        #expect(inTheWay.status != 0 && inTheWay.stderr.contains("is in the way"), "\(inTheWay)")
        #expect(try Self.entries(sandbox.folder + "/.c.subledger-copy") == ["mine.txt"])
    }
}
