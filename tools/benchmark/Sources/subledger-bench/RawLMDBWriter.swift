import CBenchLMDB
import SubledgerStore

/// The limit: the same LMDB puts the store makes per event, same sizes and durability,
/// with no encoding, no hashing and no checks beyond LMDB's own.
///
/// Per batch: one write transaction; the last record of `events` (cursor last); per
/// stream touched, a seek of its last version in `streams`. Per event: `eventIds`
/// (`MDB_NOOVERWRITE`), `events` (`MDB_APPEND`, a value of the store's record size),
/// `streams` and `streamTimes`.
struct RawLMDBWriter {
    /// The value put into `events`: as long as the store's encoded record.
    let record: [UInt8]
    /// Each line's key prefix, as the store makes it: "line", NUL, the number, NUL.
    let linePrefixes: [[UInt8]]

    init(eventSet: EventSet, recordSize: Int) {
        var generator = SplitMix64(seed: 7)
        record = (0..<recordSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
        linePrefixes = eventSet.lines.map { number in
            Array(BenchmarkEvent.category.utf8) + [0] + Array(number.utf8) + [0]
        }
    }

    /// Appends `batch` in one write transaction, adding the commit's time to `commits`.
    func append(
        _ batch: ArraySlice<BenchmarkEvent>, to environment: RawLMDBEnvironment, scratch: inout KeyScratch,
        commits: inout Stopwatch
    ) throws {
        let transaction = try environment.begin(readOnly: false)
        do {
            try appendBatch(batch, to: environment, in: transaction, scratch: &scratch)
        } catch {
            mdb_txn_abort(transaction)
            throw error
        }
        try commits.measure {
            try RawLMDBEnvironment.check(mdb_txn_commit(transaction), "mdb_txn_commit")
        }
    }

    private func appendBatch(
        _ batch: ArraySlice<BenchmarkEvent>, to environment: RawLMDBEnvironment, in transaction: OpaquePointer,
        scratch: inout KeyScratch
    ) throws {
        var position = try lastPosition(environment, in: transaction)
        let streamsCursor = try environment.openCursor(transaction, "streams")
        defer { mdb_cursor_close(streamsCursor) }
        var versions: [Int32: UInt64] = [:]
        versions.reserveCapacity(batch.count)
        let events = environment.handle("events")
        let streams = environment.handle("streams")
        let eventIDs = environment.handle("eventIds")
        let streamTimes = environment.handle("streamTimes")
        for event in batch {
            position += 1
            scratch.position.removeAll(keepingCapacity: true)
            BigEndian.append(position, to: &scratch.position)
            scratch.key.removeAll(keepingCapacity: true)
            BigEndian.append(event.idHigh, to: &scratch.key)
            BigEndian.append(event.idLow, to: &scratch.key)
            try put(eventIDs, scratch.key, scratch.position, flags: MDB_NOOVERWRITE, in: transaction)

            let prefix = linePrefixes[Int(event.lineIndex)]
            let version: UInt64
            if let known = versions[event.lineIndex] {
                version = known
            } else {
                version = try lastVersion(prefix, cursor: streamsCursor, scratch: &scratch.key)
            }
            try put(events, scratch.position, record, flags: MDB_APPEND, in: transaction)

            scratch.key.removeAll(keepingCapacity: true)
            scratch.key.append(contentsOf: prefix)
            BigEndian.append(version + 1, to: &scratch.key)
            try put(streams, scratch.key, scratch.position, flags: 0, in: transaction)

            scratch.key.removeAll(keepingCapacity: true)
            scratch.key.append(contentsOf: prefix)
            BigEndian.append(UInt64(bitPattern: event.occurredAt) ^ (1 << 63), to: &scratch.key)
            BigEndian.append(version + 1, to: &scratch.key)
            try put(streamTimes, scratch.key, scratch.position, flags: 0, in: transaction)
            versions[event.lineIndex] = version + 1
        }
    }

    private func put(_ table: MDB_dbi, _ key: [UInt8], _ value: [UInt8], flags: Int32, in transaction: OpaquePointer)
        throws
    {
        let code = withValue(key) { keyValue in
            withValue(value) { dataValue in
                mdb_put(transaction, table, &keyValue, &dataValue, UInt32(flags))
            }
        }
        try RawLMDBEnvironment.check(code, "mdb_put")
    }

    /// The key of the last record of `events` (0 when empty).
    private func lastPosition(_ environment: RawLMDBEnvironment, in transaction: OpaquePointer) throws -> UInt64 {
        let cursor = try environment.openCursor(transaction, "events")
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val()
        var value = MDB_val()
        let code = mdb_cursor_get(cursor, &key, &value, MDB_LAST)
        if code == MDB_NOTFOUND { return 0 }
        try RawLMDBEnvironment.check(code, "mdb_cursor_get last")
        return BigEndian.read(key.buffer) ?? 0
    }

    /// The store's seek of a stream's version: the greatest key at or before prefix + max.
    private func lastVersion(_ prefix: [UInt8], cursor: OpaquePointer, scratch: inout [UInt8]) throws -> UInt64 {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: prefix)
        BigEndian.append(UInt64.max, to: &scratch)
        var found = MDB_val()
        var value = MDB_val()
        var code = withValue(scratch) { (probe: inout MDB_val) -> Int32 in
            let code = mdb_cursor_get(cursor, &probe, &value, MDB_SET_RANGE)
            found = probe
            return code
        }
        if code == MDB_NOTFOUND {
            code = mdb_cursor_get(cursor, &found, &value, MDB_LAST)
        } else if code == 0, !found.buffer.elementsEqual(scratch) {
            code = mdb_cursor_get(cursor, &found, &value, MDB_PREV)
        }
        if code == MDB_NOTFOUND { return 0 }
        try RawLMDBEnvironment.check(code, "mdb_cursor_get")
        let key = found.buffer
        guard key.count == prefix.count + 8, key.prefix(prefix.count).elementsEqual(prefix) else { return 0 }
        return BigEndian.read(UnsafeRawBufferPointer(rebasing: key[prefix.count...])) ?? 0
    }
}

/// Reused key buffers, so the limit allocates nothing per event.
struct KeyScratch {
    var position: [UInt8] = []
    var key: [UInt8] = []

    init() {
        position.reserveCapacity(8)
        key.reserveCapacity(64)
    }
}
