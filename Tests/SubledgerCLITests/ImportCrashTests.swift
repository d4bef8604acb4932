import Foundation
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// The crash test of an import (issue 13 item 5): a `subledger import` child, committing a
/// generated file in small transactions beyond the visible head, is killed with SIGKILL at
/// seeded random moments (some just after it starts, while it may be rolling back the
/// import the last kill interrupted). After each kill the store, read as another process
/// reads it, holds all of the file or none of it and verifies; at the end, opened for
/// writing it rolls back what is pending, and a retry imports the file whole.
///
/// The schedule comes from one seed, printed; `SUBLEDGER_IMPORT_CRASH_SEED=N` replays it and
/// `SUBLEDGER_IMPORT_CRASH_KILLS=N` kills more often (5 by default).
@Suite("Crashes: an import killed at random moments leaves all of its file or none")
struct ImportCrashTests {
    static var kills: Int { ProcessInfo.processInfo.environment["SUBLEDGER_IMPORT_CRASH_KILLS"].flatMap(Int.init) ?? 5 }

    @Test func killedImportsLeaveAllOrNothingAndARetryImportsTheFileWhole() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_IMPORT_CRASH_SEED")
        print("import crash test: seed \(seed) (replay with SUBLEDGER_IMPORT_CRASH_SEED=\(seed))")
        var random = SeededRandom(seed: seed)
        let sandbox = try Sandbox()
        let file = try ImportCrashFiles(sandbox, seed: random.next() % 1000)
        let started = Date()
        let base = try sandbox.subledger("import", file.base)
        #expect(base.status == 0, "\(base)")
        let baseSeconds = Date().timeIntervalSince(started)
        let baseHead = try ImportCrashState(folder: sandbox.store, readOnly: true).head
        try? FileManager.default.removeItem(atPath: file.pristine)
        try FileManager.default.copyItem(atPath: sandbox.store, toPath: file.pristine)
        // The rest is about this many times the base: the kills land anywhere in it.
        let estimate = max(0.2, baseSeconds * Double(file.importedCount) / Double(file.baseCount))
        var outcomes: [String] = []
        for cycle in 1...Self.kills {
            let context = "cycle \(cycle), seed \(seed)"
            let delay = random.next() % 4 == 0 ? Double(random.next() % 30) / 1000 : estimate * unit(&random)
            let (wasRunning, errors) = try file.importKilled(after: delay, sandbox: sandbox)
            let state = try ImportCrashState(folder: sandbox.store, readOnly: true)
            #expect(state.verification.isValid, "\(context): \(state.verification.problem ?? "")")
            let whole = state.head == baseHead + UInt64(file.importedCount)
            #expect(state.head == baseHead || whole, "\(context): head \(state.head), a part of the import is visible")
            #expect(state.verification.verifiedCount == state.head, "\(context)")
            outcomes.append(wasRunning ? (whole ? "all" : "none") : "finished")
            if !wasRunning { #expect(errors.isEmpty, "\(context): \(errors)") }
            if whole {
                // Back to the store before the import, for the next kill to land in an import.
                try FileManager.default.removeItem(atPath: sandbox.store)
                try FileManager.default.copyItem(atPath: file.pristine, toPath: sandbox.store)
            }
        }
        let reopened = try ImportCrashState(folder: sandbox.store, readOnly: false)
        #expect(reopened.head == baseHead && reopened.verification.isValid, "seed \(seed): \(reopened.head)")
        let retry = try sandbox.subledger("import", file.imported)
        #expect(retry.status == 0, "seed \(seed): \(retry)")
        let final = try ImportCrashState(folder: sandbox.store, readOnly: true)
        #expect(final.head == baseHead + UInt64(file.importedCount), "seed \(seed)")
        #expect(final.verification.isValid && final.verification.verifiedCount == final.head, "seed \(seed)")
        #expect(final.eventIDs.suffix(file.importedCount) == file.importedIDs[...], "seed \(seed): not the file, in order")
        print(
            "import crash test: \(Self.kills) kills in \(String(format: "%.1f", Date().timeIntervalSince(started))) s "
                + "(seed \(seed)): \(outcomes.joined(separator: ", ")); retry imported \(file.importedCount) events whole")
    }

    private func unit(_ random: inout SeededRandom) -> Double {
        Double(random.next() % 1_000_000) / 1_000_000
    }
}

/// The files of the import crash test: a demo population split in two, the first part
/// imported before the kills, the second the import that is killed.
struct ImportCrashFiles {
    /// The first quarter of the facts, imported before the kills, and the rest.
    let base: String, imported: String
    /// All of them, in one file (the import that makes a new store), and their event ids.
    let all: String, allIDs: [String]
    /// Where a copy of the store holding only the base is kept.
    let pristine: String
    /// The facts of each file.
    let baseCount: Int, importedCount: Int
    /// The event ids of the imported file, in its order.
    let importedIDs: [String]

    init(_ sandbox: Sandbox, seed: UInt64) throws {
        all = sandbox.folder + "/facts.jsonl"
        let made = try sandbox.subledger(
            "demo", "--facts-out", all, "--lines", "30", "--events", "2500", "--seed", "\(seed)")
        guard made.status == 0 else { throw SandboxError("demo --facts-out failed: \(made)") }
        let lines = try String(contentsOfFile: all, encoding: .utf8).split(separator: "\n").map(String.init)
        let split = lines.count / 4
        base = try sandbox.file("base.jsonl", lines[..<split].joined(separator: "\n") + "\n")
        imported = try sandbox.file("imported.jsonl", lines[split...].joined(separator: "\n") + "\n")
        pristine = sandbox.folder + "/pristine-store"
        baseCount = split
        importedCount = lines.count - split
        allIDs = try lines.map { line in
            guard case .string(let id)? = try JSONParser.parse(line)["eventId"] else {
                throw SandboxError("a demo fact without an eventId: \(line)")
            }
            return id
        }
        importedIDs = Array(allIDs[split...])
    }

    /// Starts `subledger import` of ``imported`` in small transactions and kills it after
    /// `delay` seconds; whether it was still running, and what it wrote on standard error.
    /// `file` is ``imported`` unless named.
    func importKilled(_ file: String? = nil, after delay: Double, sandbox: Sandbox) throws -> (Bool, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SubledgerBinary.path)
        process.arguments = ["import", "--db", sandbox.store, "--transaction-events", "150", file ?? imported]
        let errorPath = sandbox.folder + "/import-child.err"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        usleep(UInt32(delay * 1_000_000))
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        return (wasRunning && process.terminationReason == .uncaughtSignal, errors)
    }
}

/// The store as a process opening it sees it: read-only (nothing rolled back), or for
/// writing (an interrupted import rolled back first).
struct ImportCrashState {
    var head: UInt64
    var verification: VerificationReport
    var eventIDs: [String] = []

    init(folder: String, readOnly: Bool) throws {
        let store = try EventStore.open(at: folder, options: .init(readOnly: readOnly))
        head = try store.head().position
        verification = try store.verify()
        var ids: [String] = []
        try store.forEachEvent { ids.append($0.eventID.description) }
        eventIDs = ids
    }
}

/// Another process while an import runs (issue 13 items 1 and 3): it reads the store as it
/// was, its import is refused at once with the store's import lock held, and after the
/// import (here rolled back) it imports as usual.
@Suite("An import seen from another process")
struct ImportFromAnotherProcessTests {
    @Test func anotherProcessReadsTheOldHeadAndIsRefusedWhileAnImportRuns() throws {
        let sandbox = try Sandbox()
        let files = try ImportCrashFiles(sandbox, seed: 11)
        #expect(try sandbox.subledger("import", files.base).status == 0)
        struct Abandoned: Error {}
        try withExtendedLifetime(try EventStore.open(at: sandbox.store)) { store in
            #expect(throws: Abandoned.self) {
                try store.withImport { session in
                    let events = (1...40).map { index in
                        ProposedEvent(
                            type: "PaymentReceived", stream: .line("+98912345\(index % 4)"),
                            occurredAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
                            data: ["amount": .integer(Int64(index))])
                    }
                    #expect(try session.append(events).appendedCount == 40)
                    let verified = try sandbox.subledger("verify", "--json").json()
                    #expect(verified["headPosition"] == .integer(Int64(files.baseCount)), "\(verified)")
                    #expect(verified["ok"] == .bool(true))
                    let refused = try sandbox.subledger("import", files.imported)
                    #expect(refused.status != 0)
                    #expect(refused.stderr.contains("another import into this store is running"), "\(refused)")
                    throw Abandoned()
                }
            }
        }
        let imported = try sandbox.subledger("import", files.imported)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.hasPrefix("imported \(files.importedCount) events"), "\(imported.stdout)")
        let verified = try sandbox.subledger("verify", "--json").json()["verified"]
        #expect(verified == .integer(Int64(files.baseCount + files.importedCount)))
    }
}
