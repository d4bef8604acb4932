import ArgumentParser
import Foundation
import SubledgerDemo
import SubledgerLedger
import SubledgerPostgres
import SubledgerReports
import SubledgerStore

/// `subledger demo`: builds a new store with a realistic generated population (the same
/// seed, the same store) and shows what the ledger does with it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Build a store with a generated population of subscribers in debt and show what the ledger does with it.",
        discussion: """
            Three years of monthly usage, invoices and payments of individuals and legal entities on fixed and \
            mobile lines, with threshold notices, cuts, restorations, revocations, vanity numbers sold at auction \
            and some mistakes of the operator for the audit to find. The same --seed gives the same store.

            With --facts-out FILE, no store is built: the generator writes the facts of a population at \
            scale (--lines telephone lines, about --events events; the benchmark's store, tools/bench.sh) \
            as JSON Lines in the input form of interchange.md, for `subledger import`. The lines live over \
            a shorter period chosen to come near --events; the first line lives ten years and keeps its \
            first --long-line-events events. Each fact carries its recordedAt and an event id from the \
            seed: the same seed, lines and events, the same file. Memory stays flat: the facts are \
            sorted in runs beside FILE and merged.
            """
    )

    @Option(
        name: .long,
        help:
            "The store to create: a new or empty folder, or postgres://USER@HOST[:PORT]/DATABASE[?schema=NAME] of no events yet (default: $SUBLEDGER_DB, else demo-store)."
    )
    var db: String?
    @Option(
        name: .customLong("key-file"),
        help:
            "The new store's key file (default for a folder: <folder>.keys beside it; a store in PostgreSQL needs one named, here or in $SUBLEDGER_KEY_FILE)."
    )
    var keyFile: String?
    @Option(help: "The generator's seed: the same seed, the same store.") var seed: UInt64 = 1400
    @Option(help: "How many subscribers to generate (default 3000).") var subscribers: Int?
    @Option(
        name: .customLong("facts-out"),
        help: ArgumentHelp(
            "Write the facts of a population at scale to this JSON Lines file instead of building a store.",
            valueName: "file"))
    var factsOut: String?
    @Option(help: "With --facts-out: telephone lines (the long-lived line included).") var lines: Int = 1_000_000
    @Option(help: "With --facts-out: about how many events in all (default: ten a line).") var events: Int?
    @Option(name: .customLong("long-line-events"), help: "With --facts-out: events of the long-lived first line.")
    var longLineEvents: Int = 1_000
    @Flag(
        name: .long,
        help: "With --facts-out: print one JSON document describing the file (with a sample of line numbers).")
    var json = false

    func validate() throws {
        if factsOut == nil {
            if json { throw ValidationError("--json applies to --facts-out") }
        } else {
            if db != nil || subscribers != nil || keyFile != nil {
                throw ValidationError(
                    "--facts-out writes a file of facts: --db, --key-file and --subscribers do not apply")
            }
            guard lines >= 2, lines <= 10_000_000 else {
                throw ValidationError("--lines must be between 2 and 10000000")
            }
            guard (events ?? lines) >= lines else { throw ValidationError("--events must be at least --lines") }
            guard longLineEvents >= 1 else { throw ValidationError("--long-line-events must be at least 1") }
        }
    }

    func run() throws {
        if let factsOut { return try writeFacts(to: factsOut) }
        let subscribers = self.subscribers ?? 3000
        let environment = ProcessInfo.processInfo.environment["SUBLEDGER_DB"].flatMap { $0.isEmpty ? nil : $0 }
        let path = db ?? environment ?? "demo-store"
        guard subscribers >= 1, subscribers <= 200_000 else {
            throw ValidationError("--subscribers must be between 1 and 200000")
        }
        let inPostgres = PostgresStoreLocation.isURL(path)
        // A folder's key file is beside it unless named: SUBLEDGER_KEY_FILE, set for the
        // operator's own store, is not the demo's. A store in PostgreSQL has no folder.
        let keyFilePath =
            inPostgres
            ? try StoreOptions.keyFilePath(given: keyFile, store: { path })
            : keyFile ?? StoreKeyFile.defaultPath(forStoreAt: path)
        if inPostgres { try Self.refuseStoreWithEvents(at: path) } else { try Self.refuseExisting(path) }

        let store = try StoreOptions.open(
            path, options: .init(initialMapSizeBytes: 1 << 30, projection: LedgerProjection()))
        let clock = ContinuousClock()
        let started = clock.now
        let generation = DemoGenerator.generate(seed: seed, subscribers: subscribers)
        let generated = clock.now
        do {
            // The demo's subscribers have names and national ids: the key file seals them (RET-1).
            try store.openKeyFile(at: keyFilePath, creatingBesideStoreAt: path)
        } catch {
            // The folder the demo made holds nothing yet: it goes, so that a second try finds it new.
            if !inPostgres { try? FileManager.default.removeItem(atPath: path) }
            if let error = error as? StoreKeyFileError { throw CommandFailure(error.message, field: "key-file") }
            if let error = error as? EventStoreError { throw CommandFailure(error.message) }
            throw error
        }
        try DemoGenerator.record(generation, into: store)
        let recorded = clock.now
        let ledger = Ledger(store: store)
        let report = try DemoReport(ledger: ledger, at: generation.timeline.end)
        let finished = clock.now
        let printout = DemoPrintout(
            seed: seed, path: path, generation: generation, report: report, ledger: ledger,
            head: try store.head(),
            durations: (generated - started, recorded - generated, finished - recorded))
        let out = try printout.lines()
        print(out.joined(separator: "\n"))

        if !generation.anomalies.isEmpty {
            let text =
                "demo: \(generation.anomalies.count) action(s) meant as lawful were refused:\n"
                + generation.anomalies.prefix(20).joined(separator: "\n") + "\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// `--facts-out`: the population at scale as JSON Lines (``DemoFactStream``).
    private func writeFacts(to path: String) throws {
        let request = DemoFactStreamRequest(
            seed: seed, lines: lines, events: events ?? lines * 10, longLineEvents: longLineEvents)
        let started = ContinuousClock.now
        let summary: DemoFactStreamSummary
        do {
            summary = try DemoFactStream.write(request, to: path) { StandardError.print("demo: \($0)") }
        } catch {
            throw CommandFailure(error.description)
        }
        let elapsed = ContinuousClock.now - started
        if !summary.anomalies.isEmpty {
            StandardError.print(
                "demo: \(summary.anomalyCount) action(s) meant as lawful were refused:\n"
                    + summary.anomalies.joined(separator: "\n"))
        }
        if json {
            JSONOutput.print([
                "path": .string(summary.path), "seed": .integer(Int64(bitPattern: summary.seed)),
                "lines": .integer(Int64(summary.lines)), "subscribers": .integer(Int64(summary.subscribers)),
                "events": .integer(Int64(summary.events)), "bytes": .integer(Int64(summary.bytes)),
                "windowDays": .integer(Int64(summary.windowDays)),
                "firstRecordedAt": .string(summary.firstRecordedAt.rfc3339),
                "lastRecordedAt": .string(summary.lastRecordedAt.rfc3339),
                "longLine": .string(summary.longLine), "longLineEvents": .integer(Int64(summary.longLineEvents)),
                "longLineFirstOccurredAt": .string(summary.longLineFirstOccurredAt.rfc3339),
                "longLineLastOccurredAt": .string(summary.longLineLastOccurredAt.rfc3339),
                "anomalies": .integer(Int64(summary.anomalyCount)), "runs": .integer(Int64(summary.runs)),
                "milliseconds": .integer(elapsed.wholeMilliseconds),
                "sampleLines": .array(summary.sampleLines.map { .string($0) }),
            ])
            return
        }
        print(
            """
            subledger demo: seed \(seed), \(summary.events) events of \(summary.lines) lines and \
            \(summary.subscribers) subscribers \
            written to \(path) (\(summary.bytes) bytes) in \(Self.seconds(elapsed))
              recorded from \(summary.firstRecordedAt) to \(summary.lastRecordedAt); the lines activate over the last \
            \(summary.windowDays) days
              the long-lived line \(summary.longLine): \(summary.longLineEvents) events from \
            \(summary.longLineFirstOccurredAt) to \(summary.longLineLastOccurredAt)
              import it with: subledger import \(path) --db STORE
            """)
    }

    /// Refuses a PostgreSQL schema whose store holds events: the demo builds a new store. The
    /// store is opened read-only and without its projection, so a refusal writes nothing (a
    /// writable open may catch a stored projection up, or roll an interrupted import back).
    static func refuseStoreWithEvents(at url: String) throws {
        let head: UInt64
        do {
            let store = try EventStore.open(postgres: url, options: .init(projection: nil, readOnly: true))
            head = try store.head().position
        } catch let error as EventStoreError where error.code == .notAStore {
            return  // no store there yet
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        guard head == 0 else {
            throw CommandFailure(
                "\(StoreOptions.shown(url)) already holds a store of \(head) events: the demo builds a new store and does not add to one; name another schema with the URL's schema parameter; nothing was written"
            )
        }
    }

    /// Refuses a path that holds anything: the demo builds a new store.
    static func refuseExisting(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw CommandFailure("\(path) is a file: the demo builds a new store in a folder; name another with --db")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if !contents.isEmpty {
            throw CommandFailure(
                "\(path) is not empty: the demo builds a new store and does not overwrite one; remove it or name another folder with --db"
            )
        }
    }

    /// `text` as one word of a POSIX shell: as it is when it holds only characters no shell
    /// treats specially (a folder's usual name), else in single quotes (a URL's `?` and `&`).
    static func shellWord(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+:@,=".unicodeScalars.contains(scalar)
        }
        if plain, !text.isEmpty { return text }
        return "'" + text.replacing("'", with: #"'\''"#) + "'"
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
    static func left(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func statusMeaning(_ status: LineStatus) -> String {
        switch status {
        case .active: "in service"
        case .oneWay: "outgoing barred (OVD-1, CUT-2)"
        case .twoWay: "nothing in or out (OVD-2), awaiting the grace (OVD-3)"
        case .terminated: "subscription ended by the subscriber or by non-renewal (RET-1)"
        case .revoked: "number taken back after the grace (OVD-3, LEG-1)"
        case .sold: "vanity number sold at auction (VAN-2)"
        }
    }
}
