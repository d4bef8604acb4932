import Foundation
import GRDB

/// The same events and batches in SQLite through GRDB: WAL, `synchronous=FULL`, one
/// transaction per batch; per batch it reads the last position and, per stream touched,
/// the stream's last version, as the store does.
// Unchecked: the concurrent run's threads share it; they use only `queue`, which is
// thread-safe (GRDB serialises its writers), and constants.
final class SQLiteEngine: BenchmarkEngine, @unchecked Sendable {
    let kind = Measurement.Engine.sqlite
    let folder: TemporaryFolder
    private let queue: DatabaseQueue
    private let path: String
    /// Each line's stream name, "line " and the number.
    private let streamNames: [String]
    /// The settings SQLite reports: version, journal mode, synchronous.
    let settings: String

    static let schema = """
        CREATE TABLE events (
            position INTEGER PRIMARY KEY,
            stream TEXT NOT NULL,
            version INTEGER NOT NULL,
            eventId BLOB NOT NULL UNIQUE,
            type TEXT NOT NULL,
            occurredAt INTEGER NOT NULL,
            recordedAt INTEGER NOT NULL,
            payload TEXT NOT NULL
        );
        CREATE UNIQUE INDEX eventsByStreamVersion ON events(stream, version);
        CREATE INDEX eventsByStreamOccurredAt ON events(stream, occurredAt);
        """

    init(eventSet: EventSet) throws {
        folder = try TemporaryFolder(prefix: "sqlite")
        path = folder.appending("events.sqlite")
        streamNames = eventSet.lines.map { BenchmarkEvent.category + " " + $0 }
        queue = try DatabaseQueue(path: path)
        settings = try queue.writeWithoutTransaction { database -> String in
            let journal = try String.fetchOne(database, sql: "PRAGMA journal_mode = WAL") ?? "?"
            try database.execute(sql: "PRAGMA synchronous = FULL")
            let synchronous = try Int.fetchOne(database, sql: "PRAGMA synchronous") ?? -1
            try database.execute(sql: Self.schema)
            let version = try String.fetchOne(database, sql: "SELECT sqlite_version()") ?? "?"
            return
                "SQLite \(version), journal_mode=\(journal), synchronous=\(synchronous == 2 ? "FULL" : String(synchronous))"
        }
    }

    func append(_ batches: ArraySlice<ArraySlice<BenchmarkEvent>>, timing stopwatch: inout Stopwatch) throws {
        for batch in batches {
            try stopwatch.measure {
                try queue.inDatabase { database in
                    try database.inTransaction(.immediate) {
                        try appendBatch(batch, in: database)
                        return .commit
                    }
                }
            }
        }
    }

    /// `batch` in its own transaction, from any of the concurrent run's threads.
    func appendShared(_ batch: ArraySlice<BenchmarkEvent>, timing stopwatch: inout Stopwatch) throws {
        try append([batch][...], timing: &stopwatch)
    }

    private func appendBatch(_ batch: ArraySlice<BenchmarkEvent>, in database: Database) throws {
        let last = try database.cachedStatement(sql: "SELECT position FROM events ORDER BY position DESC LIMIT 1")
        let lastVersion = try database.cachedStatement(sql: "SELECT max(version) FROM events WHERE stream = ?")
        let insert = try database.cachedStatement(
            sql: """
                INSERT INTO events (position, stream, version, eventId, type, occurredAt, recordedAt, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var position = try Int64.fetchOne(last) ?? 0
        let recordedAt = Int64(Date().timeIntervalSince1970 * 1000)
        var versions: [Int32: Int64] = [:]
        versions.reserveCapacity(batch.count)
        for event in batch {
            position += 1
            let stream = streamNames[Int(event.lineIndex)]
            let version: Int64
            if let known = versions[event.lineIndex] {
                version = known
            } else {
                version = try Int64.fetchOne(lastVersion, arguments: [stream]) ?? 0
            }
            let payload =
                #"{"data":{"amount":\#(event.amount),"description":"\#(BenchmarkEvent.description)"},"metadata":{"source":"\#(BenchmarkEvent.source)"}}"#
            try insert.execute(arguments: [
                position, stream, version + 1, Data(event.idBytes), BenchmarkEvent.type,
                event.occurredAt, recordedAt, payload,
            ])
            versions[event.lineIndex] = version + 1
        }
    }

    /// Reads every row in position order into Swift values (no JSON parsing, no hash).
    func readAll() throws -> Int {
        var count = 0
        var checksum = 0
        try queue.read { database in
            let rows = try Row.fetchCursor(
                database,
                sql: """
                    SELECT position, stream, version, eventId, type, occurredAt, recordedAt, payload
                    FROM events ORDER BY position
                    """)
            while let row = try rows.next() {
                let position: Int64 = row[0]
                let stream: String = row[1]
                let version: Int64 = row[2]
                let eventID: Data = row[3]
                let type: String = row[4]
                let occurredAt: Int64 = row[5]
                let recordedAt: Int64 = row[6]
                let payload: String = row[7]
                checksum &+=
                    Int(position &+ version &+ occurredAt &+ recordedAt) &+ stream.utf8.count
                    &+ eventID.count &+ type.utf8.count &+ payload.utf8.count
                count += 1
            }
        }
        guard checksum != 0 || count == 0 else { throw BenchmarkError("the SQLite read saw nothing") }
        return count
    }

    let readNote = "rows to Swift values in position order; no JSON parsing, no hash"

    /// Moves the WAL into the database file (so its size is the store's), and closes.
    func close(eventCount: Int) throws -> StoreSize {
        try queue.writeWithoutTransaction { database in
            try database.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        try queue.close()
        return StoreSize(
            engine: kind, file: "events.sqlite", bytes: TemporaryFolder.fileSize(path), eventCount: eventCount,
            note:
                "after a WAL checkpoint (TRUNCATE), WAL left: \(TemporaryFolder.fileSize(path + "-wal")) bytes; table + 3 indexes"
        )
    }
}
