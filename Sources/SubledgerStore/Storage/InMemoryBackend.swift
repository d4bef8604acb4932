/// A backend held in memory: sorted tables of byte keys, for tests and for services that
/// want the log's semantics without a file. A write works on a copy of the tables and
/// publishes it only when its closure returns, so a throw leaves nothing behind.
final class InMemoryBackend: StorageBackend, @unchecked Sendable {
    /// The import lock of this store: a store in memory is seen by this process only.
    private let importFlag = InProcessImportFlag()

    func takeImportLock() throws -> ImportLock? { ImportLock.take(flag: importFlag) }

    /// Values live in buffers that are never moved or freed while the backend lives, so
    /// pointers handed out stay valid for the transaction (and beyond).
    final class Tables {
        var keys: [[[UInt8]]] = Array(repeating: [], count: Table.allCases.count)
        var keyBuffers: [[UnsafeRawBufferPointer]] = Array(repeating: [], count: Table.allCases.count)
        var values: [[UnsafeMutableRawBufferPointer]] = Array(repeating: [], count: Table.allCases.count)

        func copy() -> Tables {
            let copy = Tables()
            copy.keys = keys
            copy.keyBuffers = keyBuffers
            copy.values = values
            return copy
        }
    }

    private let lock = Lock()
    private var tables = Tables()
    private var allocations: [UnsafeMutableRawBufferPointer] = []

    init() {}

    deinit {
        for allocation in allocations { allocation.deallocate() }
    }

    func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        let snapshot = lock.withLock { tables }
        return try body(Transaction(tables: snapshot, backend: self))
    }

    func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        try lock.withLock { () throws -> R in
            let working = tables.copy()
            let result = try body(Transaction(tables: working, backend: self))
            tables = working
            return result
        }
    }

    /// Copies `value` into a buffer kept until the backend is freed (called under `lock`).
    fileprivate func store(_ value: [UInt8]) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(value.count, 1), alignment: 8)
        value.withUnsafeBytes { buffer.copyMemory(from: $0) }
        let stored = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<value.count])
        allocations.append(buffer)
        return stored
    }

    /// Flips the bits of `mask` in byte `offset` of the value under `key` (tests only).
    func corrupt(_ table: Table, key: [UInt8], offset: Int, mask: UInt8) -> Bool {
        lock.withLock {
            let index = tables.keys[table.rawValue].firstIndex(of: key)
            guard let index, offset < tables.values[table.rawValue][index].count else { return false }
            tables.values[table.rawValue][index][offset] ^= mask
            return true
        }
    }

    struct Transaction: StorageTransaction {
        let tables: Tables
        let backend: InMemoryBackend

        private func index(_ table: Table, _ key: [UInt8]) -> (found: Bool, index: Int) {
            let keys = tables.keys[table.rawValue]
            var low = 0
            var high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if keys[middle].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
            }
            return (low < keys.count && keys[low] == key, low)
        }

        private func entry(_ table: Table, _ index: Int) -> StorageEntry {
            StorageEntry(
                key: tables.keyBuffers[table.rawValue][index],
                value: UnsafeRawBufferPointer(tables.values[table.rawValue][index]))
        }

        func get(_ table: Table, key: [UInt8]) throws -> UnsafeRawBufferPointer? {
            let (found, position) = index(table, key)
            return found ? UnsafeRawBufferPointer(tables.values[table.rawValue][position]) : nil
        }

        @discardableResult
        func put(_ table: Table, key: [UInt8], value: [UInt8], mode: PutMode) throws -> UnsafeRawBufferPointer? {
            let (found, position) = index(table, key)
            if found, mode == .insertOnly { return UnsafeRawBufferPointer(tables.values[table.rawValue][position]) }
            if mode == .append, position != tables.keys[table.rawValue].count {
                throw InMemoryBackendError(reason: "append of a key that is not the greatest in \(table.name)")
            }
            let stored = backend.store(value)
            if found {
                tables.values[table.rawValue][position] = stored
            } else {
                tables.keys[table.rawValue].insert(key, at: position)
                tables.keyBuffers[table.rawValue].insert(UnsafeRawBufferPointer(backend.store(key)), at: position)
                tables.values[table.rawValue].insert(stored, at: position)
            }
            return nil
        }

        func last(_ table: Table, atOrBefore key: [UInt8]?) throws -> StorageEntry? {
            let count = tables.keys[table.rawValue].count
            guard let key else { return count == 0 ? nil : entry(table, count - 1) }
            let (found, position) = index(table, key)
            if found { return entry(table, position) }
            return position == 0 ? nil : entry(table, position - 1)
        }

        func scan(_ table: Table, from key: [UInt8], _ body: (StorageEntry) throws -> Bool) throws {
            var position = index(table, key).index
            while position < tables.keys[table.rawValue].count {
                guard try body(entry(table, position)) else { return }
                position += 1
            }
        }

        func count(_ table: Table) throws -> Int {
            tables.keys[table.rawValue].count
        }

        func removeAll(_ table: Table) throws {
            tables.keys[table.rawValue] = []
            tables.keyBuffers[table.rawValue] = []
            tables.values[table.rawValue] = []
        }

        func delete(_ table: Table, key: [UInt8]) throws {
            let (found, position) = index(table, key)
            guard found else { return }
            tables.keys[table.rawValue].remove(at: position)
            tables.keyBuffers[table.rawValue].remove(at: position)
            tables.values[table.rawValue].remove(at: position)
        }
    }
}

struct InMemoryBackendError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
