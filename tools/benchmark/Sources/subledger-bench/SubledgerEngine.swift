import Foundation
import SubledgerPostgres
import SubledgerStore

/// subledger's own path: `EventStore.append` (encoding, hash chain, checks, the same
/// puts) and `EventStore.forEachEvent` (decoding, checksums and chain links checked; a
/// second read also recomputes every hash); on LMDB in a folder, or on PostgreSQL in a
/// schema of its own, dropped when it closes (issue 15 item 7).
final class SubledgerEngine: BenchmarkEngine {
    let kind: Measurement.Engine
    let folder: TemporaryFolder
    private let events: SubledgerEvents
    /// `nil` once closed (releasing it closes its LMDB environment).
    private var store: EventStore?
    /// The server and schema of the PostgreSQL store; `nil` on LMDB.
    private let postgres: (url: String, schema: String)?

    /// A fresh store: in a new folder, or with `postgresURL` in a new schema of that server.
    init(eventSet: EventSet, postgresURL: String? = nil) throws {
        folder = try TemporaryFolder(prefix: "subledger")
        events = SubledgerEvents(eventSet: eventSet)
        if let postgresURL {
            let schema = "bench_" + UUID().uuidString.lowercased().filter { $0 != "-" }
            kind = .subledgerPostgres
            postgres = (postgresURL, schema)
            store = try EventStore.open(postgres: postgresURL + "?schema=" + schema)
        } else {
            kind = .subledger
            postgres = nil
            store = try EventStore.open(at: folder.path)
        }
    }

    /// The open store (for the concurrent run), `nil` once closed.
    var openStore: EventStore? { store }

    /// Only the `append` calls are timed: making the `ProposedEvent`s is the caller's work.
    func append(_ batches: ArraySlice<ArraySlice<BenchmarkEvent>>, timing stopwatch: inout Stopwatch) throws {
        guard let store else { throw BenchmarkError("the subledger store is closed") }
        for batch in batches {
            let proposed = batch.map(events.proposedEvent)
            let result = try stopwatch.measure { try store.append(proposed) }
            guard result.appendedCount == batch.count else {
                throw BenchmarkError("subledger appended \(result.appendedCount) of \(batch.count) events")
            }
        }
    }

    func readAll() throws -> Int {
        try readAll(verifyingHashes: false)
    }

    /// The same read recomputing every event's SHA-256 (what `verify` and `export` do).
    func readAll(verifyingHashes: Bool) throws -> Int {
        guard let store else { throw BenchmarkError("the subledger store is closed") }
        var count = 0
        var amounts: Int64 = 0
        try store.forEachEvent(verifyingHashes: verifyingHashes) { event in
            count += 1
            amounts &+= event.data["amount"]?.integerValue ?? 0
        }
        guard amounts != 0 || count == 0 else { throw BenchmarkError("the read saw no amounts") }
        return count
    }

    let readNote = "`forEachEvent`: decoded, every record's CRC-32C and every chain link checked"
    let hashedReadNote =
        "`forEachEvent(verifyingHashes: true)`: as above, and every SHA-256 recomputed (what verify and export do)"

    /// Closes the store, then reads its records' sizes and its tables' pages through the C API.
    func close(eventCount: Int) throws -> StoreSize {
        if let postgres { return try closePostgres(postgres, eventCount: eventCount) }
        store = nil
        let (walk, tables) = try RawLMDBReader.recordSize(ofStoreIn: folder.path)
        guard walk.count == eventCount else {
            throw BenchmarkError("the store holds \(walk.count) events, not \(eventCount)")
        }
        return StoreSize(
            engine: kind, file: "data.mdb", bytes: TemporaryFolder.fileSize(folder.appending("data.mdb")),
            eventCount: eventCount,
            note: String(format: "records %.2f bytes on average; pages per table, bytes/event: ", walk.meanValueBytes)
                + tables + " (+ symbols, meta)")
    }

    /// Closes the PostgreSQL store after checking its head, measures its schema's tables and
    /// indexes (`pg_total_relation_size`, through `psql`), and drops the schema.
    private func closePostgres(_ postgres: (url: String, schema: String), eventCount: Int) throws -> StoreSize {
        guard let head = try store?.head().position, head == UInt64(eventCount) else {
            throw BenchmarkError("the PostgreSQL store does not hold \(eventCount) events")
        }
        store = nil
        let size = try Self.psql(
            postgres.url,
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = '\(postgres.schema)' AND c.relkind = 'r'",
            in: folder)
        _ = try Self.psql(postgres.url, "DROP SCHEMA \"\(postgres.schema)\" CASCADE", in: folder)
        return StoreSize(
            engine: kind, file: "schema \(postgres.schema)", bytes: Int(size) ?? 0, eventCount: eventCount,
            note: "tables with their indexes and TOAST (`pg_total_relation_size`)")
    }

    /// What `psql` prints for `sql`, trimmed; throws when it fails.
    static func psql(_ url: String, _ sql: String, in folder: TemporaryFolder) throws -> String {
        let output = folder.appending("psql.out")
        let run = try ChildProcess.run(
            ["/usr/bin/psql", url, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
            standardOutput: output, standardError: folder.appending("psql.err"))
        func text(_ path: String) -> String {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard run.succeeded else { throw BenchmarkError("psql failed: \(text(folder.appending("psql.err")))") }
        return text(output)
    }
}
