import CBenchLMDB

/// The read limit and the record size: cursor walks over the `events` table.
enum RawLMDBReader {
    /// What a walk saw.
    struct Walk {
        var count = 0
        var valueBytes = 0
        /// Folds one byte of every value, so the walk touches the data it hands out.
        var checksum: UInt8 = 0

        var meanValueBytes: Double { Double(valueBytes) / Double(max(count, 1)) }
    }

    /// Walks `events` from first to last in one read transaction.
    static func walkEvents(_ environment: RawLMDBEnvironment) throws -> Walk {
        let transaction = try environment.begin(readOnly: true)
        defer { mdb_txn_abort(transaction) }
        let cursor = try environment.openCursor(transaction, "events")
        defer { mdb_cursor_close(cursor) }
        var walk = Walk()
        var key = MDB_val()
        var value = MDB_val()
        var code = mdb_cursor_get(cursor, &key, &value, MDB_FIRST)
        while code == 0 {
            walk.count += 1
            walk.valueBytes += value.mv_size
            if value.mv_size > 0 { walk.checksum ^= value.buffer[value.mv_size - 1] }
            code = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        }
        if code != MDB_NOTFOUND { try RawLMDBEnvironment.check(code, "mdb_cursor_get next") }
        return walk
    }

    /// The mean size of the encoded records of the (closed) store in `folder`, and its
    /// tables' bytes per event.
    static func recordSize(ofStoreIn folder: String) throws -> (walk: Walk, tables: String) {
        let environment = try RawLMDBEnvironment(path: folder, create: false)
        let walk = try walkEvents(environment)
        return (walk, try environment.tableBytesPerEvent(walk.count))
    }
}
