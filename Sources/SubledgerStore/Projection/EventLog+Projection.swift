import Logging

/// The stored projection's upkeep: catching up at open, reading a record with its
/// currency, and rebuilding from the log.
extension EventLog {
    /// The events at positions `from ..< before`, decoded inside `transaction` as a
    /// sequential read checks them (checksums and chain links; the hashes are recomputed
    /// by the log's verifying reads).
    func decodeRange(
        from start: UInt64, before end: UInt64, in transaction: Backend.Transaction,
        symbols: inout SymbolTable
    ) throws -> [RecordedEvent] {
        guard start < end else { return [] }
        let events = try decodeSequence(
            from: start, limit: Int(end - start), previousHash: nil, verifyingHashes: false,
            in: transaction, symbols: &symbols)
        guard events.count == Int(end - start) else {
            let missing = start + UInt64(events.count)
            throw EventStoreError(
                .chainBroken, "the log ends at position \(missing - 1), before \(end - 1)", position: missing)
        }
        return events
    }

    /// The events a catch-up decodes and folds at a time: what it holds in memory.
    static var catchUpDecodedEvents: Int { 65_536 }

    /// Makes the stored projection current when the store is opened: a store that has
    /// none, or one of another identity, is rebuilt; one behind the log catches up in
    /// write transactions of at most `perTransaction` events, each decoded and folded
    /// `decodedAtOnce` at a time. A current one costs one read.
    ///
    /// Each transaction rewrites the pages of the records it touches, so fewer, larger
    /// transactions write less (issue 13): a catch-up of 990,888 events in transactions of
    /// 65,536 wrote about 2 GB for a projection of 173,905 records; in one, a few hundred MB.
    /// - Parameters:
    ///   - decodedAtOnce: The events decoded and folded at a time (memory).
    ///   - perTransaction: The most events one write transaction folds
    ///     (``StoreLimits/projectionCatchUpTransactionEvents``).
    func openProjection(
        decodedAtOnce: Int = catchUpDecodedEvents,
        perTransaction: UInt64 = StoreLimits.projectionCatchUpTransactionEvents
    ) throws {
        guard let projection else { return }
        let (checkpoint, head) = try wrapped("reading the projection's checkpoint") {
            try backend.read { transaction in
                (try ProjectionCheckpoint.read(in: transaction), try Self.headPosition(in: transaction))
            }
        }
        if let checkpoint, checkpoint.identity == projection.identity, checkpoint.position == head { return }
        if checkpoint == nil, head == 0 {
            // A new store: its checkpoint at 0, so that appends by a writer without the
            // projection are caught up by the next writer with it.
            try wrapped("starting the projection") {
                try backend.write { transaction in
                    guard try ProjectionCheckpoint.read(in: transaction) == nil,
                        try Self.headPosition(in: transaction) == 0
                    else { return }
                    try ProjectionCheckpoint(identity: projection.identity, position: 0).write(in: transaction)
                }
            }
            return
        }
        guard let checkpoint, checkpoint.identity == projection.identity, checkpoint.position < head else {
            _ = try rebuildProjection()
            return
        }
        var next = checkpoint.position + 1
        while true {
            let folded = try wrapped("catching the projection up from position \(next)") {
                try backend.write { transaction -> UInt64 in
                    // Read again inside the writer's lock: another process may have moved it.
                    guard let current = try ProjectionCheckpoint.read(in: transaction),
                        current.identity == projection.identity
                    else { return 0 }
                    let head = try Self.headPosition(in: transaction)
                    let start = current.position + 1
                    guard start <= head else { return 0 }
                    var symbols = symbolsSnapshot
                    let end = min(head + 1, start + max(perTransaction, 1))
                    var next = start
                    while next < end {
                        let chunk = try decodeRange(
                            from: next, before: min(end, next + UInt64(max(decodedAtOnce, 1))), in: transaction,
                            symbols: &symbols)
                        try projection.fold(chunk, into: ProjectionRecordsInTransaction(transaction: transaction))
                        next += UInt64(chunk.count)
                    }
                    try ProjectionCheckpoint(identity: projection.identity, position: end - 1).write(in: transaction)
                    return end - start
                }
            }
            if folded == 0 { break }
            next += folded
        }
        let caughtUp = "positions \(checkpoint.position + 1) to \(next - 1)"
        logger.notice(
            "the stored projection \(projection.identity) caught up with the log: \(caughtUp)",
            metadata: [
                StoreLogging.eventKey: "store.projectionRebuild", "kind": "catchUp",
                "from": "\(checkpoint.position + 1)", "through": "\(next - 1)",
            ])
    }

    static func headPosition(in transaction: Backend.Transaction) throws -> UInt64 {
        try PendingImport.visibleHead(in: transaction)
    }

    /// The projection's value under `key`, with whether it is current, in one read.
    func projectionValue(for key: [UInt8]) throws -> ProjectionValue {
        try wrapped("reading a stored projection") {
            try backend.read { transaction in
                let checkpoint = try ProjectionCheckpoint.read(in: transaction)
                let head = try Self.headPosition(in: transaction)
                let isCurrent: Bool
                if let projection, let checkpoint {
                    isCurrent = checkpoint.identity == projection.identity && checkpoint.position == head
                } else {
                    isCurrent = projection != nil && head == 0  // an empty log: nothing to fold yet
                }
                return ProjectionValue(
                    value: try transaction.get(.projections, key: key).map { Array($0) }, isCurrent: isCurrent)
            }
        }
    }

    /// Folds the whole log into the projection again, in memory, and replaces its records
    /// in one write transaction. The log is read in short chunked read transactions; the
    /// events appended meanwhile are folded inside the final write transaction.
    func rebuildProjection() throws -> ProjectionRebuildReport {
        guard let projection else {
            throw EventStoreError(
                .invalidEvent, "this store was opened without a projection: there is nothing to rebuild")
        }
        let report = try rebuild(projection)
        let rebuilt = "\(report.eventsFolded) events folded into \(report.recordsWritten) records"
        logger.notice(
            "the stored projection \(projection.identity) was rebuilt: \(rebuilt)",
            metadata: [
                StoreLogging.eventKey: "store.projectionRebuild", "kind": "rebuild",
                "eventsFolded": "\(report.eventsFolded)", "records": "\(report.recordsWritten)",
            ])
        return report
    }

    /// Reads positions `1...head` in chunks of short read transactions on two worker
    /// threads, runs `prepare` on each chunk there, and calls `body` with the prepared
    /// chunks in position order on the calling thread. Each chunk's records are checked as
    /// sequential reads check them (checksum, and every `prevHash` against the hash before
    /// it, the first against the record stored before the chunk).
    func forEachChunk<Prepared: Sendable>(
        through head: UInt64, chunkSize: UInt64, verifyingHashes: Bool = false,
        prepare: @escaping @Sendable ([RecordedEvent]) throws -> Prepared, _ body: (Prepared) throws -> Void
    ) throws {
        let chunkSize = max(chunkSize, 1)
        let chunks = Int((head + chunkSize - 1) / chunkSize)
        // Errors of `prepare` and `body` come out as they were thrown; `read` names its own.
        // Chunk i is read on producer i % 2, each at most 2 chunks ahead of the fold here.
        let producers = Self.chunkReaders
        try OrderedPipeline<Prepared>.run(
            producers: producers, queueLimit: 2,
            produce: { [self] producer, emit in
                for chunk in stride(from: producer, to: chunks, by: producers) {
                    let start = UInt64(chunk) * chunkSize + 1
                    let limit = Int(min(chunkSize, head - start + 1))
                    let events = try read(
                        from: start, limit: limit, previousHash: nil, verifyingHashes: verifyingHashes)
                    guard events.count == limit else {
                        throw EventStoreError(
                            .chainBroken, "the log ends before position \(start + UInt64(limit) - 1)",
                            position: start + UInt64(events.count))
                    }
                    guard emit(try prepare(events)) else { return }
                }
            }, consume: body)
    }

    /// The threads that read and prepare the chunks of a whole-log read: the machine's two cores.
    static var chunkReaders: Int { 2 }

    /// Events per chunk of a rebuild's read: one short read transaction each.
    static var rebuildChunkSize: UInt64 { 16_384 }

    private func rebuild<Projection: StoredProjection>(_ projection: Projection) throws -> ProjectionRebuildReport {
        // A write tried again after the map grew (`MDB_MAP_FULL`) finds the states handed out
        // by the attempt before: the rebuild starts over, reading and folding the log on two
        // cores outside the writers' lock, and writes into the grown map. Each round grows
        // the map, until its limit ends the rounds with an error.
        while true {
            if let report = try rebuildOnce(projection) { return report }
        }
    }

    /// Folds the whole log and replaces the projection's records; `nil` when the write was
    /// tried again after the states were handed out (the empty transaction commits nothing).
    private func rebuildOnce<Projection: StoredProjection>(
        _ projection: Projection
    ) throws -> ProjectionRebuildReport? {
        var rebuild = projection.makeRebuild()
        // The log up to the head seen now, read and prepared on two cores, folded here in order.
        let head = try wrapped("reading the head of the log") { try backend.read { try Self.headPosition(in: $0) } }
        try forEachChunk(through: head, chunkSize: Self.rebuildChunkSize, prepare: Projection.Rebuild.prepare) {
            prepared in
            try rebuild.fold(prepared)
        }
        // Moved, not copied, into the write: `records` lets go of the states as it hands
        // them out, which a second reference would turn into a copy of them all.
        var unspent: Projection.Rebuild? = rebuild
        rebuild = projection.makeRebuild()
        return try wrapped("writing the rebuilt projection") {
            try backend.write { transaction -> ProjectionRebuildReport? in
                guard var rebuild = unspent.take() else { return nil }
                // The events appended since the head seen above, folded in this transaction.
                let newHead = try Self.headPosition(in: transaction)
                var symbols = symbolsSnapshot
                var next = head + 1
                while next <= newHead {
                    let chunk = try decodeRange(
                        from: next, before: min(newHead + 1, next + Self.rebuildChunkSize), in: transaction,
                        symbols: &symbols)
                    try rebuild.fold(try Projection.Rebuild.prepare(chunk))
                    next += UInt64(chunk.count)
                }
                return try replaceRecords(
                    of: projection, with: &rebuild, foldedThrough: next - 1, in: transaction)
            }
        }
    }

    /// Replaces every record of the projection with those `rebuild` hands out, and moves its
    /// checkpoint to `head`.
    private func replaceRecords<Projection: StoredProjection>(
        of projection: Projection, with rebuild: inout Projection.Rebuild, foldedThrough head: UInt64,
        in transaction: Backend.Transaction
    ) throws -> ProjectionRebuildReport {
        let previousCheckpoint = try ProjectionCheckpoint.read(in: transaction)
        var previous = ProjectionDigest()
        var previousCount = 0
        try transaction.scan(.projections, from: []) { entry in
            previous.add(key: entry.key, value: entry.value)
            previousCount += 1
            return true
        }
        try transaction.removeAll(.projections)
        var written = ProjectionDigest()
        var count = 0
        var lastKey: [UInt8]?
        try rebuild.records { key, value in
            if let lastKey, !lastKey.lexicographicallyPrecedes(key) {
                throw EventStoreError(
                    .corrupted, "the projection \(projection.identity) handed its records out of key order")
            }
            try transaction.put(.projections, key: key, value: value, mode: .append)
            key.withUnsafeBytes { keyBytes in value.withUnsafeBytes { written.add(key: keyBytes, value: $0) } }
            lastKey = key
            count += 1
        }
        let checkpoint = ProjectionCheckpoint(identity: projection.identity, position: head)
        try checkpoint.write(in: transaction)
        let identical =
            previousCheckpoint == checkpoint && previousCount == count && previous.finish() == written.finish()
        return ProjectionRebuildReport(
            eventsFolded: head, recordsWritten: count, checkpoint: head,
            identicalToPrevious: identical, previousRecords: previousCount)
    }
}
