import Foundation
import Testing

/// Issue 15 item 5: an import into PostgreSQL interrupted half way, by a cut connection (its
/// sessions ended from another connection, `pg_terminate_backend`) or by the death of its
/// process. Its bounded transactions beyond the visible head are never seen: the head and the
/// export stay as they were, the rows it wrote are rolled back (by the import itself when it
/// still can, else when the store is next opened for writing), and the file imported again
/// goes in whole.
@Suite("PostgreSQL faults: an import cut half way leaves none of its file")
struct PostgresImportCutTests {
    /// The events of the store before the file: the worked example and 5 usage records.
    static let baseUsage = 5
    /// The file: the same first lines (retries), then many more usage records.
    static let fileUsage = 3_000

    @Test func anImportWhoseConnectionIsCutLeavesNoneOfItsFileAndARetryImportsItWhole() throws {
        let setup = try Setup()
        let importer = try setup.startImport()
        try setup.waitForRowsBeyondTheHead(while: importer)
        let ended = try setup.cut(importer)
        importer.waitUntilExit()
        let result = try importer.result()
        #expect(ended >= 1, "no session of the import was found to end")
        #expect(result.status != 0, "the import whose connection was cut succeeded: \(result)")
        #expect(result.stderr.contains("PostgreSQL") && result.stderr.contains("nothing"), "\(result)")
        try setup.expectUnchanged("after the cut")
        // The import rolled back what it wrote, on a connection of its own made again.
        #expect(try setup.store.eventRows() == setup.rowsBefore, "rows of the cut import were left behind")
        try setup.expectRetryImportsWhole()
    }

    @Test func anImportKilledHalfWayIsRolledBackWhenTheStoreIsNextOpenedForWriting() throws {
        let setup = try Setup()
        let importer = try setup.startImport()
        try setup.waitForRowsBeyondTheHead(while: importer)
        kill(importer.process.processIdentifier, SIGKILL)
        importer.waitUntilExit()
        try setup.expectUnchanged("after the kill")
        #expect(try setup.store.eventRows() > setup.rowsBefore, "the killed import left no row beyond the head")
        // Opened for writing (a writer that appends nothing): the interrupted import is rolled back.
        let open = try setup.sandbox.run(
            SubledgerBinary.path, ["stress-append", "--db", setup.store.url, "--seed", "1", "--batches", "0"])
        #expect(open.status == 0, "\(open)")
        #expect(try setup.store.eventRows() == setup.rowsBefore, "the interrupted import was not rolled back")
        try setup.expectUnchanged("after the rollback")
        try setup.expectRetryImportsWhole()
    }

    /// A store on the suite's server holding the base facts, and the file to import into it.
    struct Setup {
        let sandbox: Sandbox
        let store: PostgresFaultStore
        let file: String
        let keys: [String]
        let headBefore: String
        let exportBefore: String
        let rowsBefore: Int

        init() throws {
            sandbox = try Sandbox()
            store = try PostgresFaultStore()
            keys = ["--key-file", sandbox.folder + "/store.keys"]
            let base = try sandbox.file("base.jsonl", PostgresDifferentialTests.facts(usage: PostgresImportCutTests.baseUsage))
            file = try sandbox.file("big.jsonl", PostgresDifferentialTests.facts(usage: PostgresImportCutTests.fileUsage))
            let imported = try sandbox.run(SubledgerBinary.path, ["import", base, "--db", store.url] + keys)
            #expect(imported.status == 0, "\(imported)")
            headBefore = try Self.head(of: store, in: sandbox)
            exportBefore = try sandbox.run(SubledgerBinary.path, ["export", "--db", store.url]).stdout
            rowsBefore = try store.eventRows()
            #expect(headBefore.contains(#""headPosition":\#(rowsBefore)"#), "\(headBefore)")
        }

        /// `verify --json` of the store.
        static func head(of store: PostgresFaultStore, in sandbox: Sandbox) throws -> String {
            let verify = try sandbox.run(SubledgerBinary.path, ["verify", "--json", "--db", store.url])
            #expect(verify.status == 0, "\(verify)")
            return verify.stdout
        }

        /// `subledger import FILE --db URL` in small transactions, started, not waited for.
        func startImport() throws -> RunningCommand {
            try RunningCommand(
                ["import", file, "--db", store.url, "--transaction-events", "25"] + keys, folder: sandbox.folder)
        }

        /// Waits until the import has committed rows beyond the visible head (60 s at most).
        func waitForRowsBeyondTheHead(while importer: RunningCommand) throws {
            let deadline = Date().addingTimeInterval(60)
            while try store.eventRows() <= rowsBefore + 50, importer.process.isRunning, Date() < deadline {
                usleep(2_000)
            }
            #expect(importer.process.isRunning, "the import ended before it could be interrupted")
        }

        /// Ends the import's sessions, again while it runs and none was found (10 s at most);
        /// how many were ended.
        func cut(_ importer: RunningCommand) throws -> Int {
            let deadline = Date().addingTimeInterval(10)
            var ended = 0
            while ended == 0, importer.process.isRunning, Date() < deadline {
                ended = try store.terminateSessions(of: importer.process.processIdentifier)
            }
            return ended
        }

        /// The head and the export are what they were before the import.
        func expectUnchanged(_ context: String) throws {
            #expect(try Self.head(of: store, in: sandbox) == headBefore, "\(context): the head moved")
            let export = try sandbox.run(SubledgerBinary.path, ["export", "--db", store.url]).stdout
            #expect(export == exportBefore, "\(context): the export changed")
        }

        /// The file imported again goes in whole: the head then holds every line of it.
        func expectRetryImportsWhole() throws {
            let retry = try sandbox.run(SubledgerBinary.path, ["import", file, "--db", store.url] + keys)
            #expect(retry.status == 0, "\(retry)")
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count
            #expect(try Self.head(of: store, in: sandbox).contains(#""headPosition":\#(lines)"#))
            #expect(try store.eventRows() == lines)
        }
    }
}

/// A `subledger` command started and left running, its output going to files.
final class RunningCommand {
    let process = Process()
    private let outputPath: String
    private let errorPath: String

    init(_ arguments: [String], folder: String) throws {
        let name = UUID().uuidString
        outputPath = folder + "/\(name).out"
        errorPath = folder + "/\(name).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: SubledgerBinary.path)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for it to end, 60 s at most; past them it is killed (SIGKILL) and the test told.
    func waitUntilExit() {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        Issue.record("subledger \(process.arguments ?? []) had not ended after 60 s: killed")
    }

    /// How it ended and what it printed (once it has exited).
    func result() throws -> CommandResult {
        CommandResult(
            status: process.terminationStatus, stdout: try String(contentsOfFile: outputPath, encoding: .utf8),
            stderr: try String(contentsOfFile: errorPath, encoding: .utf8))
    }
}
