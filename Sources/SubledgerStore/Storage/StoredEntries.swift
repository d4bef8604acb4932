/// One key and value of a store's table, copied out of its transaction: what
/// `subledger copy` carries, as it is, of the tables the log does not rebuild by itself
/// (issue 15 item 4: the sealed subject keys, the disclosures, the signed checkpoints, and
/// the store's id and master key generation in `meta`).
package struct StoredEntry: Hashable, Sendable {
    /// The entry's key.
    package var key: [UInt8]
    /// The entry's value.
    package var value: [UInt8]

    /// An entry of `key` and `value`.
    /// - Parameters:
    ///   - key: The key's bytes.
    ///   - value: The value's bytes.
    package init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

/// The raw entries of a table, for a copy of a store between engines (issue 15 item 4).
protocol TableEntriesLog: Sendable {
    func storedEntries(of table: Table, after key: [UInt8]?, limit: Int) throws -> [StoredEntry]
    func storedEntry(of table: Table, key: [UInt8]) throws -> [UInt8]?
    func putStoredEntries(_ entries: [StoredEntry], into table: Table) throws
}

extension EventLog: TableEntriesLog {
    /// Up to `limit` entries of `table` after `key` (from the first without one), in key
    /// order, in one short read transaction.
    func storedEntries(of table: Table, after key: [UInt8]?, limit: Int) throws -> [StoredEntry] {
        precondition(limit >= 1, "a chunk of entries holds at least one")
        return try wrapped("reading the table \(table.name)") {
            try backend.read { transaction in
                var entries: [StoredEntry] = []
                try transaction.scan(table, from: key ?? []) { entry in
                    if let key, entry.key.elementsEqual(key) { return true }
                    entries.append(StoredEntry(key: Array(entry.key), value: Array(entry.value)))
                    return entries.count < limit
                }
                return entries
            }
        }
    }

    /// The value of `key` in `table`, or `nil`.
    func storedEntry(of table: Table, key: [UInt8]) throws -> [UInt8]? {
        try wrapped("reading the table \(table.name)") {
            try backend.read { transaction in try transaction.get(table, key: key).map { Array($0) } }
        }
    }

    /// Writes `entries` into `table` as they are (each replacing its key's value), in one
    /// write transaction.
    func putStoredEntries(_ entries: [StoredEntry], into table: Table) throws {
        try wrapped("writing the table \(table.name)") {
            try backend.write { transaction in
                for entry in entries { try transaction.put(table, key: entry.key, value: entry.value, mode: .upsert) }
            }
        }
    }
}

extension EventStore {
    /// Up to `limit` entries of `table` after `key` (from its first entry when `nil`), in key
    /// order, each copied out of one short read transaction.
    /// - Parameters:
    ///   - table: The table.
    ///   - key: The key to read after; `nil` for the start of the table.
    ///   - limit: The most entries returned, at least 1.
    /// - Returns: The entries; fewer than `limit` at the table's end.
    /// - Throws: ``EventStoreError/Code/storage`` when the store cannot be read.
    package func storedEntries(of table: Table, after key: [UInt8]?, limit: Int) throws -> [StoredEntry] {
        try log.storedEntries(of: table, after: key, limit: limit)
    }

    /// The value stored under `key` in `table`, copied; `nil` when it has none.
    /// - Parameters:
    ///   - table: The table.
    ///   - key: The key.
    /// - Returns: The value, or `nil`.
    /// - Throws: ``EventStoreError/Code/storage`` when the store cannot be read.
    package func storedEntry(of table: Table, key: [UInt8]) throws -> [UInt8]? {
        try log.storedEntry(of: table, key: key)
    }

    /// Writes `entries` into `table` as they are, in one write transaction: only for a store
    /// being made as a copy of another (`subledger copy`), whose log is carried event by
    /// event and whose other tables are carried with this. Nothing here checks the entries.
    /// - Parameters:
    ///   - entries: The entries, each replacing its key's value.
    ///   - table: The table.
    /// - Throws: ``EventStoreError/Code/notWritable`` read-only; ``EventStoreError/Code/storage``
    ///   when the write fails (nothing is written then).
    package func putStoredEntries(_ entries: [StoredEntry], into table: Table) throws {
        try refuseIfReadOnly("to write \(entries.count) entries of \(table.name)")
        try log.putStoredEntries(entries, into: table)
    }

    /// The `meta` key of the store's id, and of the master key generation its subject keys
    /// are sealed under: the two entries of `meta` that a copy of the store carries.
    package static let copiedMetaKeys: [[UInt8]] = [StoreKeys.storeIDKey, SubjectKeys.generationKey]

    /// The `meta` key of the marker of an import in progress (or interrupted), which a copy
    /// refuses: the import's events are not the store's yet.
    package static let pendingImportMetaKey: [UInt8] = PendingImport.key
}
