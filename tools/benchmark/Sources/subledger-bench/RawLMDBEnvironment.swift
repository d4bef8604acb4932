import CBenchLMDB

/// An LMDB environment opened through the C API with the store's flags: `MDB_NOTLS` and
/// default durability (no `MDB_NOSYNC`, no `MDB_NOMETASYNC`, no `MDB_WRITEMAP`).
final class RawLMDBEnvironment {
    let pointer: OpaquePointer
    private var handles: [String: MDB_dbi] = [:]

    /// The tables of the store that an append writes.
    static let tableNames = ["events", "streams", "eventIds", "streamTimes"]

    /// Opens the environment in the folder `path`; with `create`, makes the tables.
    /// The map is large enough never to grow (the limit pays no resize).
    init(path: String, create: Bool, mapSizeBytes: Int = 1 << 37) throws {
        var environment: OpaquePointer?
        try Self.check(mdb_env_create(&environment), "mdb_env_create")
        guard let environment else { throw BenchmarkError("mdb_env_create gave no environment") }
        pointer = environment
        try Self.check(mdb_env_set_maxdbs(environment, 8), "mdb_env_set_maxdbs")
        try Self.check(mdb_env_set_mapsize(environment, mapSizeBytes), "mdb_env_set_mapsize")
        try Self.check(mdb_env_open(environment, path, UInt32(MDB_NOTLS), 0o600), "mdb_env_open")
        try openTables(create: create)
    }

    deinit {
        mdb_env_close(pointer)
    }

    func handle(_ table: String) -> MDB_dbi {
        guard let handle = handles[table] else { preconditionFailure("table \(table) is not open") }
        return handle
    }

    private func openTables(create: Bool) throws {
        let transaction = try begin(readOnly: !create)
        for name in Self.tableNames {
            var handle: MDB_dbi = 0
            let code = mdb_dbi_open(transaction, name, UInt32(create ? MDB_CREATE : 0), &handle)
            if code != 0 { mdb_txn_abort(transaction) }
            try Self.check(code, "mdb_dbi_open \(name)")
            handles[name] = handle
        }
        try Self.check(mdb_txn_commit(transaction), "mdb_txn_commit")
    }

    func begin(readOnly: Bool) throws -> OpaquePointer {
        var transaction: OpaquePointer?
        try Self.check(mdb_txn_begin(pointer, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &transaction), "mdb_txn_begin")
        guard let transaction else { throw BenchmarkError("mdb_txn_begin gave no transaction") }
        return transaction
    }

    func openCursor(_ transaction: OpaquePointer, _ table: String) throws -> OpaquePointer {
        var cursor: OpaquePointer?
        try Self.check(mdb_cursor_open(transaction, handle(table), &cursor), "mdb_cursor_open")
        guard let cursor else { throw BenchmarkError("mdb_cursor_open gave no cursor") }
        return cursor
    }

    /// The bytes of the map in use: (last page number + 1) times the page size.
    func usedBytes() throws -> Int {
        var info = MDB_envinfo()
        try Self.check(mdb_env_info(pointer, &info), "mdb_env_info")
        var statistics = MDB_stat()
        try Self.check(mdb_env_stat(pointer, &statistics), "mdb_env_stat")
        return (info.me_last_pgno + 1) * Int(statistics.ms_psize)
    }

    /// The pages each table occupies (branch, leaf and overflow), in bytes.
    func tableBytes() throws -> [(table: String, bytes: Int)] {
        let transaction = try begin(readOnly: true)
        defer { mdb_txn_abort(transaction) }
        return try Self.tableNames.map { name in
            var statistics = MDB_stat()
            try Self.check(mdb_stat(transaction, handle(name), &statistics), "mdb_stat \(name)")
            let pages = statistics.ms_branch_pages + statistics.ms_leaf_pages + statistics.ms_overflow_pages
            return (name, pages * Int(statistics.ms_psize))
        }
    }

    /// "events 120.3, streams 80.1, …": each table's bytes per event.
    func tableBytesPerEvent(_ eventCount: Int) throws -> String {
        try tableBytes().map { entry in
            entry.table + " " + String(format: "%.1f", Double(entry.bytes) / Double(max(eventCount, 1)))
        }.joined(separator: ", ")
    }

    static func check(_ code: Int32, _ function: String) throws {
        guard code == 0 else {
            throw BenchmarkError("\(function): \(String(cString: mdb_strerror(code))) (code \(code))")
        }
    }

    /// LMDB's version, as "LMDB 0.9.31: (July 10, 2023)".
    static var version: String { String(cString: mdb_version(nil, nil, nil)) }
}

extension MDB_val {
    /// The bytes it points at, valid while the transaction lives.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: mv_data, count: mv_size) }
}

/// Calls `body` with an `MDB_val` over `bytes`.
func withValue<R>(_ bytes: [UInt8], _ body: (inout MDB_val) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes { buffer in
        var value = MDB_val(mv_size: buffer.count, mv_data: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
        return try body(&value)
    }
}
