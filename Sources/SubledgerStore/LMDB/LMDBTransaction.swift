internal import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A transaction handed to a closure of ``LMDBEnvironment``; valid only inside it.
///
/// Values it returns point into LMDB's map and are valid until the transaction ends:
/// copy what must outlive it. Not `Sendable`: it never leaves the thread that began it.
final class LMDBTransaction: StorageTransaction {
    let pointer: OpaquePointer
    unowned let environment: LMDBEnvironment
    /// Set when a put reported `MDB_MAP_FULL`: the environment grows and retries.
    private(set) var sawMapFull = false

    init(pointer: OpaquePointer, environment: LMDBEnvironment) {
        self.pointer = pointer
        self.environment = environment
    }

    /// The table's handle; `nil` when a read-only environment lacks the table, which then
    /// reads as empty.
    private func handle(_ table: Table) -> MDB_dbi? {
        let handles = environment.databases
        precondition(handles.count == Table.allCases.count, "database \(table.name) used before it was opened")
        return handles[table.rawValue]
    }

    /// The handle of a table about to be written; a write transaction has every table.
    private func writableHandle(_ table: Table) throws -> MDB_dbi {
        guard let handle = handle(table) else {
            throw LMDBError(code: EACCES, function: "write to the missing table \(table.name)")
        }
        return handle
    }

    func get(_ table: Table, key: [UInt8]) throws -> UnsafeRawBufferPointer? {
        guard let handle = handle(table) else { return nil }
        var value = MDB_val()
        let code = key.withUnsafeBytes { keyBytes -> Int32 in
            var keyValue = MDB_val(
                mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_get(pointer, handle, &keyValue, &value)
        }
        if code == MDB_NOTFOUND { return nil }
        try LMDBError.check(code, "mdb_get")
        return UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
    }

    @discardableResult
    func put(_ table: Table, key: [UInt8], value: [UInt8], mode: PutMode) throws -> UnsafeRawBufferPointer? {
        let flags: Int32 =
            switch mode {
            case .upsert: 0
            case .append: MDB_APPEND
            case .insertOnly: MDB_NOOVERWRITE
            }
        let handle = try writableHandle(table)
        var existing = MDB_val()
        let code = key.withUnsafeBytes { keyBytes -> Int32 in
            value.withUnsafeBytes { valueBytes -> Int32 in
                var keyValue = MDB_val(
                    mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                existing = MDB_val(
                    mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_put(pointer, handle, &keyValue, &existing, UInt32(flags))
            }
        }
        if code == MDB_KEYEXIST, mode == .insertOnly {
            return UnsafeRawBufferPointer(start: existing.mv_data, count: existing.mv_size)
        }
        if code == MDB_MAP_FULL { sawMapFull = true }
        try LMDBError.check(code, "mdb_put")
        return nil
    }

    func last(_ table: Table, atOrBefore key: [UInt8]?) throws -> StorageEntry? {
        try withCursor(table, whenMissing: nil) { cursor throws -> StorageEntry? in
            var keyValue = MDB_val()
            var value = MDB_val()
            guard let key else {
                let code = mdb_cursor_get(cursor, &keyValue, &value, MDB_LAST)
                if code == MDB_NOTFOUND { return nil }
                try LMDBError.check(code, "mdb_cursor_get")
                return StorageEntry(keyValue, value)
            }
            return try key.withUnsafeBytes { keyBytes throws -> StorageEntry? in
                keyValue = MDB_val(
                    mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var code = mdb_cursor_get(cursor, &keyValue, &value, MDB_SET_RANGE)
                if code == MDB_NOTFOUND {
                    code = mdb_cursor_get(cursor, &keyValue, &value, MDB_LAST)
                } else if code == 0, !StorageEntry(keyValue, value).key.elementsEqual(keyBytes) {
                    code = mdb_cursor_get(cursor, &keyValue, &value, MDB_PREV)
                }
                if code == MDB_NOTFOUND { return nil }
                try LMDBError.check(code, "mdb_cursor_get")
                return StorageEntry(keyValue, value)
            }
        }
    }

    func scan(_ table: Table, from key: [UInt8], _ body: (StorageEntry) throws -> Bool) throws {
        try withCursor(table, whenMissing: ()) { cursor throws in
            var keyValue = MDB_val()
            var value = MDB_val()
            var code = key.withUnsafeBytes { keyBytes -> Int32 in
                keyValue = MDB_val(
                    mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                // LMDB refuses an empty key: the scan from "nothing" starts at the first entry.
                return mdb_cursor_get(cursor, &keyValue, &value, key.isEmpty ? MDB_FIRST : MDB_SET_RANGE)
            }
            while code == 0 {
                guard try body(StorageEntry(keyValue, value)) else { return }
                code = mdb_cursor_get(cursor, &keyValue, &value, MDB_NEXT)
            }
            if code != MDB_NOTFOUND { try LMDBError.check(code, "mdb_cursor_get") }
        }
    }

    func count(_ table: Table) throws -> Int {
        guard let handle = handle(table) else { return 0 }
        var statistics = MDB_stat()
        try LMDBError.check(mdb_stat(pointer, handle, &statistics), "mdb_stat")
        return statistics.ms_entries
    }

    func removeAll(_ table: Table) throws {
        try LMDBError.check(mdb_drop(pointer, try writableHandle(table), 0), "mdb_drop")
    }

    /// Deletes `table` itself from the file, as a store made before it existed lacks it
    /// (tests); its handle is invalid afterwards, so the environment must be closed.
    func delete(_ table: Table, key: [UInt8]) throws {
        let handle = try writableHandle(table)
        let code = key.withUnsafeBytes { keyBytes -> Int32 in
            var keyValue = MDB_val(
                mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(pointer, handle, &keyValue, nil)
        }
        if code == MDB_NOTFOUND { return }
        try LMDBError.check(code, "mdb_del")
    }

    func deleteTable(_ table: Table) throws {
        try LMDBError.check(mdb_drop(pointer, try writableHandle(table), 1), "mdb_drop")
    }

    /// Runs `body` with a cursor on `table`; `missing` is the answer for a missing table.
    private func withCursor<R>(_ table: Table, whenMissing missing: R, _ body: (OpaquePointer) throws -> R) throws -> R
    {
        guard let handle = handle(table) else { return missing }
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(pointer, handle, &cursor), "mdb_cursor_open")
        guard let cursor else { throw LMDBError(code: EINVAL, function: "mdb_cursor_open") }
        defer { mdb_cursor_close(cursor) }
        return try body(cursor)
    }
}

extension StorageEntry {
    fileprivate init(_ key: MDB_val, _ value: MDB_val) {
        self.init(
            key: UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size),
            value: UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
        )
    }
}
