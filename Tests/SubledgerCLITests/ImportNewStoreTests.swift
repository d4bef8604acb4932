import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An import that creates its store reads its input once (issue 13): the store is built in
/// `.store.subledger-import` beside the folder and moved into place whole. Bad input leaves
/// nothing; a killed import leaves no store or the whole one, and the next import takes up
/// what it left.
@Suite("An import into a new store: built aside, moved into place whole")
struct ImportNewStoreTests {
    private static func staging(_ sandbox: Sandbox) -> String { sandbox.folder + "/.store.subledger-import" }
    private static func keyFile(_ sandbox: Sandbox) -> String { sandbox.store + ".keys" }
    private static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func aGoodImportLeavesTheStoreAndItsKeyFileAndNoStagingFolder() throws {
        let sandbox = try Sandbox()
        let imported = try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text))
        #expect(imported.status == 0, "\(imported)")
        #expect(Self.exists(sandbox.store + "/data.mdb"))
        #expect(!Self.exists(Self.staging(sandbox)))
        #expect(Self.exists(Self.keyFile(sandbox)))
        #expect(try sandbox.storeHead()?.hasPrefix("11 ") == true)
        // The key file is the store's: a checkpoint is signed with it.
        let checkpoint = try sandbox.subledger("checkpoint")
        #expect(checkpoint.status == 0, "\(checkpoint)")
    }

    @Test func badInputAtItsLastLineLeavesNoStoreNoStagingFolderNoKeyFile() throws {
        let sandbox = try Sandbox()
        let bad = WorkedExample.text + #"{"type":"Nope","line":"+989120000001","occurredAt":"2025-03-02T10:00:00Z"}"# + "\n"
        let refused = try sandbox.subledger("import", try sandbox.file("bad.jsonl", bad))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad.jsonl:12: field type"), "\(refused)")
        #expect(!Self.exists(sandbox.store))
        #expect(!Self.exists(Self.staging(sandbox)))
        #expect(!Self.exists(Self.keyFile(sandbox)))
    }

    @Test func anInputWithoutFactsMakesNoStore() throws {
        let sandbox = try Sandbox()
        let imported = try sandbox.subledger("import", try sandbox.file("blank.jsonl", "\n\n"))
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.hasPrefix("imported 0 events"), "\(imported)")
        #expect(!Self.exists(sandbox.store) && !Self.exists(Self.staging(sandbox)))
        #expect(!Self.exists(Self.keyFile(sandbox)))
    }

    @Test func aSecondImportIntoTheSameNewStoreIsRefusedWhileTheFirstHoldsIt() throws {
        let sandbox = try Sandbox()
        #expect(mkdir(Self.staging(sandbox), 0o700) == 0)
        let descriptor = open(Self.staging(sandbox), O_RDONLY | O_DIRECTORY)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let example = try sandbox.file("example.jsonl", WorkedExample.text)
        let refused = try sandbox.subledger("import", example)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("another subledger import is creating this store"), "\(refused)")
        // Another command that would create the store is refused too: the import's rename
        // would fail, and two stores would claim the folder.
        let applied = try sandbox.subledger("apply", example)
        #expect(applied.status != 0)
        #expect(applied.stderr.contains("an import is creating this store"), "\(applied)")
        #expect(!Self.exists(sandbox.store) && !Self.exists(Self.keyFile(sandbox)))
    }

    /// A folder that exists, even empty, keeps its owner and mode: the store is made in it,
    /// after the input is checked, never renamed over it.
    @Test func anExistingEmptyFolderIsImportedIntoInPlace() throws {
        let sandbox = try Sandbox()
        #expect(mkdir(sandbox.store, 0o750) == 0)
        let bad = WorkedExample.text + "{\n"
        let refused = try sandbox.subledger("import", try sandbox.file("bad.jsonl", bad))
        #expect(refused.status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.store).isEmpty)
        #expect(!Self.exists(Self.staging(sandbox)))
        let imported = try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text))
        #expect(imported.status == 0, "\(imported)")
        #expect(!Self.exists(Self.staging(sandbox)))
        let mode = try FileManager.default.attributesOfItem(atPath: sandbox.store)[.posixPermissions] as? Int
        #expect(mode == 0o750)
        #expect(try sandbox.storeHead()?.hasPrefix("11 ") == true)
    }

    /// A staging folder holding a committed import (killed before the move) is moved into
    /// place, and the input then imported into it.
    @Test func aCommittedImportLeftInTheStagingFolderIsMovedIntoPlaceFirst() throws {
        let sandbox = try Sandbox()
        let files = try ImportCrashFiles(sandbox, seed: 5)
        let staged = try sandbox.subledger(
            "import", "--db", Self.staging(sandbox), "--key-file", Self.keyFile(sandbox), files.base)
        #expect(staged.status == 0, "\(staged)")
        let imported = try sandbox.subledger("import", files.imported)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.hasPrefix("imported \(files.importedCount) events"), "\(imported)")
        #expect(!Self.exists(Self.staging(sandbox)))
        let state = try ImportCrashState(folder: sandbox.store, readOnly: true)
        #expect(state.head == UInt64(files.baseCount + files.importedCount))
        #expect(state.verification.isValid, "\(state.verification.problem ?? "")")
    }

    /// Killed at seeded moments: after each kill there is no store, or the whole one; the
    /// staging folder a kill leaves is taken up by the next import; a last import without
    /// a kill makes the whole store, whose key file opens it.
    @Test func killedImportsLeaveNoStoreOrTheWholeOneAndARetryMakesIt() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_IMPORT_CRASH_SEED")
        print("new-store import crash test: seed \(seed) (replay with SUBLEDGER_IMPORT_CRASH_SEED=\(seed))")
        var random = SeededRandom(seed: seed)
        let sandbox = try Sandbox()
        let files = try ImportCrashFiles(sandbox, seed: random.next() % 1000)
        let started = Date()
        let whole = try sandbox.subledger("import", files.all)
        #expect(whole.status == 0, "\(whole)")
        let seconds = Date().timeIntervalSince(started)
        var outcomes: [String] = []
        try FileManager.default.removeItem(atPath: sandbox.store)
        try FileManager.default.removeItem(atPath: Self.keyFile(sandbox))
        for cycle in 1...ImportCrashTests.kills {
            let context = "cycle \(cycle), seed \(seed)"
            let delay = seconds * Double(random.next() % 1_000_000) / 1_000_000
            let (wasRunning, errors) = try files.importKilled(files.all, after: delay, sandbox: sandbox)
            if !wasRunning { #expect(errors.isEmpty, "\(context): \(errors)") }
            guard Self.exists(sandbox.store + "/data.mdb") else {
                outcomes.append("none")
                continue
            }
            let state = try ImportCrashState(folder: sandbox.store, readOnly: true)
            #expect(state.head == UInt64(files.allIDs.count), "\(context): a store with a part of the import")
            #expect(state.verification.isValid, "\(context): \(state.verification.problem ?? "")")
            #expect(!Self.exists(Self.staging(sandbox)), "\(context): a staging folder beside a whole store")
            outcomes.append(wasRunning ? "all" : "finished")
            // No store again, for the next kill to land in an import that makes one.
            try FileManager.default.removeItem(atPath: sandbox.store)
            try FileManager.default.removeItem(atPath: Self.keyFile(sandbox))
        }
        let retry = try sandbox.subledger("import", files.all)
        #expect(retry.status == 0, "seed \(seed): \(retry)")
        #expect(!Self.exists(Self.staging(sandbox)))
        let final = try ImportCrashState(folder: sandbox.store, readOnly: true)
        #expect(final.head == UInt64(files.allIDs.count), "seed \(seed)")
        #expect(final.verification.isValid, "seed \(seed)")
        #expect(final.eventIDs == files.allIDs, "seed \(seed): not the file, in order")
        #expect(try sandbox.subledger("checkpoint").status == 0, "seed \(seed): the key file does not open the store")
        print("new-store import crash test: \(outcomes.joined(separator: ", ")) (seed \(seed))")
    }
}
