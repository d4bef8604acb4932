/// A backend that wraps another and fails the operations its ``StorageFaults`` is armed
/// for, in the spirit of swift-system's mocking and SQLite's I/O-error tests: the log above
/// it must turn every failure into a typed ``EventStoreError`` and leave the store as it
/// was before the transaction.
///
/// A failed commit is a throw after the transaction's body has run and before the wrapped
/// backend commits, so the wrapped backend aborts: what a failed `mdb_txn_commit` (a write
/// or an `fsync` that fails) does to an LMDB store. A failed sync is the same throw, counted
/// apart, for the transactions that wrote something (their pages reached the engine).
/// A torn or corrupt read hands the log a wrong copy of the value it read
/// (``StorageFaults/armCorruption(_:ofValue:inTables:)``).
final class FaultInjectingBackend<Wrapped: StorageBackend>: StorageBackend, @unchecked Sendable {
    let wrapped: Wrapped
    let faults: StorageFaults

    init(wrapping wrapped: Wrapped, faults: StorageFaults) {
        self.wrapped = wrapped
        self.faults = faults
    }

    func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        try wrapped.read { transaction in
            try body(Transaction(wrapped: transaction, faults: faults, writes: Writes()))
        }
    }

    func takeImportLock() throws -> ImportLock? { try wrapped.takeImportLock() }
    var importRunFolder: String? { wrapped.importRunFolder }

    func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        try wrapped.write { transaction in
            let writes = Writes()
            let result = try body(Transaction(wrapped: transaction, faults: faults, writes: writes))
            try faults.check(.commit)
            if writes.count > 0 { try faults.check(.sync) }
            return result
        }
    }

    /// How many changes a write transaction made (a sync fails only where there is something to sync).
    final class Writes {
        var count = 0
    }

    /// A transaction of the wrapped backend whose operations may fail.
    struct Transaction: StorageTransaction {
        let wrapped: Wrapped.Transaction
        let faults: StorageFaults
        let writes: Writes

        func get(_ table: Table, key: [UInt8]) throws -> UnsafeRawBufferPointer? {
            try faults.check(.read)
            return try wrapped.get(table, key: key).map { faults.filter($0, from: table) }
        }

        @discardableResult
        func put(_ table: Table, key: [UInt8], value: [UInt8], mode: PutMode) throws -> UnsafeRawBufferPointer? {
            try faults.check(.put)
            writes.count += 1
            // The existing value an insert-only put reports is a read of stored bytes too.
            return try wrapped.put(table, key: key, value: value, mode: mode).map { faults.filter($0, from: table) }
        }

        func last(_ table: Table, atOrBefore key: [UInt8]?) throws -> StorageEntry? {
            try faults.check(.read)
            return try wrapped.last(table, atOrBefore: key).map { entry in
                StorageEntry(key: entry.key, value: faults.filter(entry.value, from: table))
            }
        }

        func scan(_ table: Table, from key: [UInt8], _ body: (StorageEntry) throws -> Bool) throws {
            try faults.check(.read)
            try wrapped.scan(table, from: key) { entry in
                try body(StorageEntry(key: entry.key, value: faults.filter(entry.value, from: table)))
            }
        }

        func count(_ table: Table) throws -> Int {
            try faults.check(.read)
            return try wrapped.count(table)
        }

        func removeAll(_ table: Table) throws {
            try faults.check(.put)
            writes.count += 1
            try wrapped.removeAll(table)
        }

        func delete(_ table: Table, key: [UInt8]) throws {
            try faults.check(.put)
            writes.count += 1
            try wrapped.delete(table, key: key)
        }
    }
}
