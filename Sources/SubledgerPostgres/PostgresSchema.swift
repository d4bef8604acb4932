import SubledgerStore

/// The SQL of a store kept in one PostgreSQL schema: one table `(key bytea PRIMARY KEY,
/// value bytea NOT NULL)` for each of the store's ``Table``s, holding exactly the keys and
/// values LMDB holds (the events table: each event's record as the log encodes it, whose
/// hashed bytes are never re-encoded, issue 15 item 1), and the `head` table, whose one row
/// every write transaction locks first (`SELECT ... FOR UPDATE`).
///
/// That lock serialises every writer of the store, in every process on every host: positions,
/// `recordedAt` and the hash chain are assigned under it, from the log's last row, in commit
/// order, never from a sequence (issue 15 item 2). bytea sorts by its bytes, shorter first
/// on a common prefix: the order of LMDB's keys.
struct PostgresSchema: Sendable {
    let name: String
    /// Each table's qualified, quoted name, by ``Table/rawValue``.
    private let tables: [String]

    init(_ name: String) {
        precondition(PostgresStoreLocation.isSchemaName(name), "a schema name checked by PostgresStoreLocation")
        self.name = name
        tables = Table.allCases.map { "\"\(name)\".\"\(Self.sqlName($0))\"" }
    }

    /// `eventIds` as `event_ids`: lowercase, as a DBA types it.
    static func sqlName(_ table: Table) -> String {
        table.name.reduce(into: "") { name, character in
            if character.isUppercase { name += "_" + character.lowercased() } else { name.append(character) }
        }
    }

    func table(_ table: Table) -> String { tables[table.rawValue] }

    var head: String { "\"\(name)\".\"head\"" }

    /// The statements that create the schema and its tables where they are missing.
    var creation: [String] {
        ["CREATE SCHEMA IF NOT EXISTS \"\(name)\""]
            + Table.allCases.map { "CREATE TABLE IF NOT EXISTS \(table($0)) (key bytea PRIMARY KEY, value bytea NOT NULL)" }
            + [
                "CREATE TABLE IF NOT EXISTS \(head) (id integer PRIMARY KEY)",
                "INSERT INTO \(head) (id) VALUES (1) ON CONFLICT DO NOTHING",
            ]
    }

    /// Serialises the creation of schemas in one database: `CREATE ... IF NOT EXISTS` run by
    /// two sessions at once may both try to create (a unique violation in the catalogue).
    static let creationLock = "SELECT pg_advisory_xact_lock(hashtext('subledger.schema-creation'))"

    /// Whether the store's tables are there (a read-only open creates nothing).
    var exists: String { "SELECT to_regclass('\(head)') IS NOT NULL AND to_regclass('\(table(.meta))') IS NOT NULL" }

    /// The first statement of every write transaction.
    var lockHead: String { "SELECT id FROM \(head) WHERE id = 1 FOR UPDATE" }

    /// The channel the store's commits are notified on (`LISTEN`/`NOTIFY`, issue 15 item 3),
    /// `subledger_` and the schema's name: a channel is an identifier, at most 63 bytes, so a
    /// longer one keeps the name's first 36 bytes and a hash of the whole (two stores of one
    /// database never share a channel). Lowercase letters, digits and `_` only: it is quoted
    /// as it is (`LISTEN "..."`).
    var notifyChannel: String {
        let whole = "subledger_" + name
        guard whole.utf8.count > 63 else { return whole }
        // FNV-1a, 64 bits: stable across processes and builds, unlike Hasher.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "subledger_" + name.prefix(36) + "_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Notifies the store's channel: `$1` the channel, `$2` the new head (delivered at the commit).
    static let notify = "SELECT pg_notify($1, $2)"

    /// The key of the session advisory lock an import holds (``ImportLock``).
    var importLockKey: String { "subledger.import.\(name)" }

    func get(_ table: Table) -> String { "SELECT value FROM \(self.table(table)) WHERE key = $1" }

    /// The rows of many keys: `$1` the keys (an array of bytea).
    func getMany(_ table: Table) -> String {
        "SELECT key, value FROM \(self.table(table)) WHERE key = ANY($1::bytea[])"
    }

    /// For each bound of `$1`, in order: the bound, then the key and value of the last entry
    /// at or before it (both null when there is none).
    func lastMany(_ table: Table) -> String {
        "SELECT b.bound, t.key, t.value FROM unnest($1::bytea[]) AS b(bound) LEFT JOIN LATERAL "
            + "(SELECT key, value FROM \(self.table(table)) WHERE key <= b.bound ORDER BY key DESC LIMIT 1) t ON true"
    }

    func last(_ table: Table, bounded: Bool) -> String {
        "SELECT key, value FROM \(self.table(table))" + (bounded ? " WHERE key <= $1" : "")
            + " ORDER BY key DESC LIMIT 1"
    }

    /// A chunk of a scan: from `$1` (included on the first chunk, excluded after), `$2` rows.
    func scan(_ table: Table, including: Bool) -> String {
        "SELECT key, value FROM \(self.table(table)) WHERE key \(including ? ">=" : ">") $1 ORDER BY key LIMIT $2"
    }

    func count(_ table: Table) -> String { "SELECT count(*) FROM \(self.table(table))" }

    func removeAll(_ table: Table) -> String { "DELETE FROM \(self.table(table))" }

    /// Many rows in one statement: `$1` the keys, `$2` the values (arrays of bytea).
    func upsert(_ table: Table) -> String {
        "INSERT INTO \(self.table(table)) (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[]) "
            + "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
    }

    /// Many new rows in one statement, failing on a key already there (``PutMode/append``).
    func insert(_ table: Table) -> String {
        "INSERT INTO \(self.table(table)) (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[])"
    }

    /// Many keys in one statement: `$1` the keys.
    func delete(_ table: Table) -> String { "DELETE FROM \(self.table(table)) WHERE key = ANY($1::bytea[])" }
}
