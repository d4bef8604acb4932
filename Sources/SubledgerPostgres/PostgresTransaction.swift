import NIOCore
import PostgresNIO
package import SubledgerStore

/// One transaction on a ``PostgresLink``: the store's key-value operations as statements.
///
/// A get is a round trip; puts and deletes are kept here and flushed in a few multi-row
/// statements (``PendingWrites``): before the commit, before a range read of their table
/// (`last`, `scan`, `count`), and whenever they pass ``PendingWrites/flushBytes`` (an import
/// of any size keeps bounded memory). A get of the same transaction sees them first
/// (read-your-writes). Scans read in ordered chunks that grow from 32 rows to 4,096. A
/// batch's event ids are fetched in one statement (``prefetch(_:keys:)``), so that its
/// idempotency checks cost one round trip, not one per event; so are the heads of its
/// streams (``prefetchLast(_:atOrBefore:)``), its subjects' keys and its projection records.
///
/// Values handed out are copies kept until the transaction ends (``StorageTransaction``'s
/// contract), then freed.
package final class PostgresTransaction: StorageTransaction {
    let link: PostgresLink
    let schema: PostgresSchema
    private var pending = PendingWrites()
    /// What ``prefetch(_:keys:)`` found, by table: a value, or `nil` for a key without one.
    private var fetched: [[[UInt8]: [UInt8]?]] = Array(repeating: [:], count: Table.allCases.count)
    private var fetchedCount = 0
    /// What ``prefetchLast(_:atOrBefore:)`` found on the server, by table and bound: the last
    /// entry at or before it, or `nil`. Pending puts are merged in when it is used, as they
    /// are with a statement's answer; a flush of the table brings it up to what it sent
    /// (``noteFlushed(_:of:)``), a delete drops it.
    private var lastFetched: [[[UInt8]: (key: [UInt8], value: [UInt8])?]] =
        Array(repeating: [:], count: Table.allCases.count)
    private var kept: [UnsafeMutableRawBufferPointer] = []
    /// The head this transaction makes visible, notified on the store's channel before the
    /// commit (``announceHead(_:)``); `nil` when it moves none.
    private(set) var announcedHead: UInt64?

    init(link: PostgresLink, schema: PostgresSchema) {
        self.link = link
        self.schema = schema
    }

    deinit {
        for buffer in kept { buffer.deallocate() }
    }

    /// The value of `key`: a pending write of this transaction first, else one round trip.
    /// - Parameters:
    ///   - table: The table.
    ///   - key: The key.
    /// - Returns: A copy of the value, valid until the transaction ends; `nil` when none.
    /// - Throws: ``PostgresBackendError`` when the statement fails.
    package func get(_ table: Table, key: [UInt8]) throws -> UnsafeRawBufferPointer? {
        if let write = pending.write(table, key) {
            guard case .put(let value, _) = write else { return nil }
            return keep(value)
        }
        if let known = fetched[table.rawValue][key] { return known.map(keep) }
        let rows = try link.run(query(schema.get(table), key), "reading \(table.name)")
        let value = try rows.first.map { Array(buffer: try $0.decode(ByteBuffer.self)) }
        // Kept for the transaction's next get of the key (a missing meta entry is asked for
        // once per new subject of an import): nobody else writes while it runs (writers hold
        // the head row; a reader's snapshot stays), and its own writes drop the entry.
        if fetchedCount >= Self.fetchedMaximum { forgetFetched() }
        fetched[table.rawValue][key] = .some(value)
        fetchedCount += 1
        return value.map(keep)
    }

    /// The most values a transaction keeps from its gets and prefetches (memory stays bounded).
    static let fetchedMaximum = 1 << 20

    private func forgetFetched() {
        fetched = Array(repeating: [:], count: Table.allCases.count)
        fetchedCount = 0
    }

    /// Keeps the write for the next flush; an insert-only put of a key that has a value
    /// leaves it and returns that value instead.
    /// - Parameters:
    ///   - table: The table.
    ///   - key: The key.
    ///   - value: The value.
    ///   - mode: How an existing key is treated (an append is sent as an insert that fails on one).
    /// - Returns: The existing value of an insert-only put; otherwise `nil`.
    /// - Throws: ``PostgresBackendError`` when a read or a flush fails.
    @discardableResult
    package func put(_ table: Table, key: [UInt8], value: [UInt8], mode: PutMode) throws -> UnsafeRawBufferPointer? {
        if mode == .insertOnly, let existing = try get(table, key: key) { return existing }
        // An append over a pending write of this transaction is an overwrite of its own.
        let sent: PutMode = mode == .append && pending.write(table, key) != nil ? .upsert : mode
        pending.record(.put(value, mode: sent), of: key, in: table)
        // What a prefetch found is stale once the key is written (and flushed, maybe soon).
        fetched[table.rawValue].removeValue(forKey: key)
        if pending.isFull { try flushAll() }
        return nil
    }

    /// The entry with the greatest key (at or before `key`), after this table's pending writes.
    /// - Parameters:
    ///   - table: The table.
    ///   - key: The bound, or `nil` for none.
    /// - Returns: The entry, or `nil`.
    /// - Throws: ``PostgresBackendError`` when a statement fails.
    package func last(_ table: Table, atOrBefore key: [UInt8]?) throws -> StorageEntry? {
        // The server's answer and the pending puts' are merged, without a flush (a batch
        // looks up the head of each new stream after writing others); a delete forces one.
        if pending.hasDeletes(table) { try flush(table) }
        let stored: StorageEntry?
        if let key, let known = lastFetched[table.rawValue][key] {
            stored = known.map { StorageEntry(key: keep($0.key), value: keep($0.value)) }
        } else {
            let sql = schema.last(table, bounded: key != nil)
            let statement = key.map { query(sql, $0) } ?? PostgresQuery(unsafeSQL: sql)
            stored = try link.run(statement, "reading the last of \(table.name)").first.map(entry)
        }
        guard let put = pending.lastPut(table, atOrBefore: key) else { return stored }
        if let stored, put.key.lexicographicallyPrecedes(Array(stored.key)) { return stored }
        return StorageEntry(key: keep(put.key), value: keep(put.value))
    }

    /// Calls `body` with the entries from `key` on, in key order, in chunks, while it returns `true`.
    /// - Parameters:
    ///   - table: The table.
    ///   - key: The first key.
    ///   - body: Called with each entry; `false` ends the scan.
    /// - Throws: What `body` threw; ``PostgresBackendError`` when a statement fails.
    package func scan(_ table: Table, from key: [UInt8], _ body: (StorageEntry) throws -> Bool) throws {
        try flush(table)
        var from = key
        var including = true
        var chunk = 32
        while true {
            var statement = query(schema.scan(table, including: including), from)
            statement.binds.append(chunk)
            let rows = try link.run(statement, "scanning \(table.name)")
            for row in rows {
                let entry = try entry(row)
                guard try body(entry) else { return }
                from = Array(entry.key)
            }
            guard rows.count == chunk else { return }
            including = false
            chunk = min(chunk * 2, 4096)
        }
    }

    /// How many entries `table` holds, with this transaction's writes.
    /// - Parameter table: The table.
    /// - Returns: The count.
    /// - Throws: ``PostgresBackendError`` when a statement fails.
    package func count(_ table: Table) throws -> Int {
        try flush(table)
        let rows = try link.run(PostgresQuery(unsafeSQL: schema.count(table)), "counting \(table.name)")
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// Removes every entry of `table`, pending ones too.
    /// - Parameter table: The table.
    /// - Throws: ``PostgresBackendError`` when the statement fails.
    package func removeAll(_ table: Table) throws {
        pending.discard(table)
        fetched[table.rawValue] = [:]
        lastFetched[table.rawValue] = [:]
        try link.run(PostgresQuery(unsafeSQL: schema.removeAll(table)), "emptying \(table.name)")
    }

    /// Keeps the deletion of `key` for the next flush.
    /// - Parameters:
    ///   - table: The table.
    ///   - key: The key.
    /// - Throws: ``PostgresBackendError`` when a flush fails.
    package func delete(_ table: Table, key: [UInt8]) throws {
        pending.record(.delete, of: key, in: table)
        fetched[table.rawValue].removeValue(forKey: key)
        lastFetched[table.rawValue] = [:]
        if pending.isFull { try flushAll() }
    }

    /// Reads the values of `keys` in statements of up to 8,192 keys, for the gets that follow.
    /// - Parameters:
    ///   - table: The table.
    ///   - keys: The keys about to be read.
    /// - Throws: ``PostgresBackendError`` when a statement fails.
    package func prefetch(_ table: Table, keys: [[UInt8]]) throws {
        let missing = keys.filter { pending.write(table, $0) == nil && fetched[table.rawValue][$0] == nil }
        for start in stride(from: 0, to: missing.count, by: 8192) {
            let chunk = missing[start..<min(start + 8192, missing.count)]
            var binds = PostgresBindings(capacity: 1)
            binds.append(chunk.map { ByteBuffer(bytes: $0) })
            let rows = try link.run(
                PostgresQuery(unsafeSQL: schema.getMany(table), binds: binds), "reading \(table.name)")
            if fetchedCount + chunk.count > Self.fetchedMaximum { forgetFetched() }
            fetchedCount += chunk.count
            for key in chunk { fetched[table.rawValue].updateValue(nil, forKey: key) }
            for row in rows {
                let (key, value) = try row.decode((ByteBuffer, ByteBuffer).self)
                fetched[table.rawValue][Array(buffer: key)] = Array(buffer: value)
            }
        }
    }

    /// `true`: every read that no prefetch answers is a statement sent to the server.
    package var readsAreRoundTrips: Bool { true }

    /// Reads the last entry at or before each of `bounds` in statements of up to 8,192
    /// bounds, for the ``last(_:atOrBefore:)`` calls that follow (the heads of a batch's streams).
    /// - Parameters:
    ///   - table: The table.
    ///   - bounds: The bounds about to be asked for.
    /// - Throws: ``PostgresBackendError`` when a statement fails.
    package func prefetchLast(_ table: Table, atOrBefore bounds: [[UInt8]]) throws {
        if pending.hasDeletes(table) { try flush(table) }
        let missing = bounds.filter { lastFetched[table.rawValue][$0] == nil }
        for start in stride(from: 0, to: missing.count, by: 8192) {
            var binds = PostgresBindings(capacity: 1)
            binds.append(missing[start..<min(start + 8192, missing.count)].map { ByteBuffer(bytes: $0) })
            let rows = try link.run(
                PostgresQuery(unsafeSQL: schema.lastMany(table), binds: binds), "reading the last of \(table.name)")
            for row in rows {
                let (bound, key, value) = try row.decode((ByteBuffer, ByteBuffer?, ByteBuffer?).self)
                let found = key.flatMap { key in value.map { (key: Array(buffer: key), value: Array(buffer: $0)) } }
                lastFetched[table.rawValue][Array(buffer: bound)] = .some(found)
            }
        }
    }

    /// Writes every pending put and delete (before the commit).
    /// Keeps `position` to notify the store's channel with before the commit
    /// (``PostgresBackend/write(_:)``): PostgreSQL delivers it to the listeners only when
    /// the transaction commits, in commit order, and never when it rolls back.
    /// - Parameter position: The head this transaction makes visible.
    package func announceHead(_ position: UInt64) {
        precondition(position >= 1, "a visible head announced is an event's position")
        announcedHead = max(announcedHead ?? 0, position)
    }

    func flushAll() throws {
        for table in Table.allCases { try flush(table) }
    }

    private func flush(_ table: Table) throws {
        let statements = pending.take(table)
        noteFlushed(statements, of: table)
        for statement in statements {
            var binds = PostgresBindings(capacity: 2)
            binds.append(statement.keys)
            if statement.kind != .delete { binds.append(statement.values) }
            let sql =
                switch statement.kind {
                case .upsert: schema.upsert(table)
                case .insert: schema.insert(table)
                case .delete: schema.delete(table)
                }
            try link.run(PostgresQuery(unsafeSQL: sql, binds: binds), "writing \(table.name)")
        }
    }

    /// Brings the prefetched last entries of `table` up to what `statements` send: the
    /// answer for a bound becomes the greatest key sent at or before it, when that is
    /// greater (the pending puts, which were merged in, no longer hold them). One sweep over
    /// both, sorted. A delete (rare) makes the answers unusable.
    private func noteFlushed(_ statements: [PendingWrites.Statement], of table: Table) {
        guard !statements.isEmpty, !lastFetched[table.rawValue].isEmpty else { return }
        var sent: [(key: [UInt8], value: [UInt8])] = []
        for statement in statements {
            guard statement.kind != .delete else {
                lastFetched[table.rawValue] = [:]
                return
            }
            for (key, value) in zip(statement.keys, statement.values) {
                sent.append((Array(buffer: key), Array(buffer: value)))
            }
        }
        sent.sort { $0.key.lexicographicallyPrecedes($1.key) }
        let bounds = lastFetched[table.rawValue].keys.sorted { $0.lexicographicallyPrecedes($1) }
        var next = 0
        var greatest: (key: [UInt8], value: [UInt8])?
        for bound in bounds {
            while next < sent.count, !bound.lexicographicallyPrecedes(sent[next].key) {
                greatest = sent[next]
                next += 1
            }
            guard let greatest else { continue }
            let known = lastFetched[table.rawValue][bound] ?? nil
            if known.map({ $0.key.lexicographicallyPrecedes(greatest.key) }) ?? true {
                lastFetched[table.rawValue][bound] = .some(greatest)
            }
        }
    }

    private func query(_ sql: String, _ key: [UInt8]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 2)
        binds.append(ByteBuffer(bytes: key))
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    private func entry(_ row: PostgresRow) throws -> StorageEntry {
        let (key, value) = try row.decode((ByteBuffer, ByteBuffer).self)
        return StorageEntry(key: keep(key), value: keep(value))
    }

    private func keep(_ buffer: ByteBuffer) -> UnsafeRawBufferPointer {
        buffer.withUnsafeReadableBytes { keep($0) }
    }

    private func keep(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        bytes.withUnsafeBytes { keep($0) }
    }

    private func keep(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        buffer.copyMemory(from: bytes)
        kept.append(buffer)
        return UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count])
    }
}
