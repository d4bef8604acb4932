/// One append in progress inside a write transaction: assigns positions, versions,
/// `recordedAt` and hashes, and writes the record and its index entries.
///
/// Everything it decides comes from what it reads in the transaction, so the
/// transaction can be run again (after the map grows) with the same outcome.
struct AppendBatch<Backend: StorageBackend> {
    let log: EventLog<Backend>
    let transaction: Backend.Transaction
    var symbols: SymbolTable
    private let now: Timestamp
    private(set) var headPosition: UInt64
    /// The log's last position when the transaction began.
    private let headBefore: UInt64
    private var headHash: ChainHash
    private var lastRecordedAt: Timestamp
    private(set) var positions: [UInt64] = []
    private(set) var appendedCount = 0
    /// The version and hash of each stream this transaction touched (before or after its new events).
    private var streamHeads = StreamHeads()
    private var streamsWithNewEvents: Set<StreamID> = []
    private var streamsWithRetries: Set<StreamID> = []
    private var scratch: [UInt8] = []
    /// The new events of the batch, kept for the projection (empty without one).
    private var appended: [RecordedEvent] = []
    /// Whether the stored projection folds this transaction's events: decided at the
    /// first batch that appends (`nil` until then).
    private var projectionIsLive: Bool?
    /// The projection's fold over this transaction's batches, flushed before the commit.
    private var projectionFold: (any ProjectionTransactionFold)?
    /// Writes the Merkle tree's nodes that each new event completes (issue 10, item 3).
    private var merkle = MerkleAppender()
    /// Seals the events' personal data (RET-1) before they are hashed.
    private var sealer: PersonalDataSealer
    /// The import this transaction writes for, beyond the visible head (issue 13): its
    /// events are not folded into the stored projection, which catches up once they are visible.
    private let importing: PendingImport?
    /// Where an import keeps its index entries until it ends (issue 13); `nil` writes them
    /// into the indexes at once (every append, and an import on a backend without runs).
    private let runs: ImportIndexRuns?
    /// This transaction's entries for `runs`, handed to them once it commits.
    private(set) var deferred = DeferredIndexEntries()

    init(
        log: EventLog<Backend>, transaction: Backend.Transaction, symbols: SymbolTable, now: Timestamp,
        importing: PendingImport? = nil, runs: ImportIndexRuns? = nil
    ) throws {
        precondition(runs == nil || importing != nil, "only an import defers its index entries")
        self.log = log
        self.transaction = transaction
        self.symbols = symbols
        self.now = now
        self.importing = importing
        self.runs = runs
        try runs?.checkUsable()
        sealer = PersonalDataSealer(keyFile: log.personalDataKeys.keyFile, importing: importing)
        // Another writer is refused at once while an import runs beyond the visible head (issue 13 item 3).
        let pending = try PendingImport.read(in: transaction)
        if let pending, pending != importing { throw pending.refusal(of: "an append") }
        if let importing, pending == nil {
            throw EventStoreError(
                .importInProgress,
                "the import \(importing.importID) from position \(importing.firstPosition) has no marker any more (rolled back?): refusing its append; nothing was written"
            )
        }
        try self.symbols.catchUp(in: transaction)
        if let last = try transaction.last(.events, atOrBefore: nil) {
            guard let position = ByteReader.bigEndian(last.key) else {
                throw EventStoreError(.corrupted, "the last key of the log is not a position")
            }
            // The chain is checked on write: the new events link to a head that verifies.
            let head = try log.decode(
                last.value, position: position, symbols: &self.symbols, in: transaction, scratch: &scratch)
            headPosition = position
            headHash = head.hash
            lastRecordedAt = head.recordedAt
            // A stored head is an event: position 1 or more, and a hash (zero is no event's).
            precondition(
                position >= 1 && head.position == position, "the log's last key is the position of its last record")
            precondition(headHash != .zero, "a recorded event has a hash")
        } else {
            headPosition = 0
            headHash = .zero
            lastRecordedAt = .minimum
        }
        headBefore = headPosition
    }

    /// Tells the transaction what adding `events` reads key by key: their ids, their streams'
    /// heads and the records these point to, their subjects' keys
    /// (``StorageTransaction/prefetch(_:keys:)``: one round trip on PostgreSQL, not one each).
    func prefetchReads(of events: [ProposedEvent]) throws {
        guard transaction.readsAreRoundTrips else { return }
        try transaction.prefetch(.eventIDs, keys: events.map { StoreKeys.eventID($0.eventID) })
        try streamHeads.prefetch(Set(events.map(\.stream)), in: transaction)
        let subjects = Set(events.lazy.filter { !$0.personalFields.isEmpty }.map(\.stream))
        try transaction.prefetch(.subjectKeys, keys: subjects.map(\.keyPrefix))
    }

    /// Adds one event: an idempotent retry gets its original position, a new event the next.
    mutating func add(_ event: ProposedEvent, expectations: [StreamID: ExpectedVersion]) throws {
        // The hashed data and a retry's comparison hold commitments, never clear values.
        let (event, disclosures) = try sealer.seal(event, in: transaction)
        let nextPosition = headPosition + 1
        let positionValue = StoreKeys.position(nextPosition)
        if let existing = try recordedPosition(of: event.eventID, orNote: nextPosition) {
            try addRetry(event, existingPosition: existing)
            return
        }
        let streamHead = try head(of: event.stream)
        let version = streamHead.version
        if !streamsWithNewEvents.contains(event.stream) {
            let expected = expectations[event.stream] ?? .any
            guard expected.accepts(currentVersion: version) else {
                throw EventStoreError.versionConflict(event.stream, expected: expected, actual: version)
            }
            streamsWithNewEvents.insert(event.stream)
        }
        let recordedAt = try recordingTime(for: event)
        // Positions and versions are gap-free: the next of each, never a jump nor a reuse.
        precondition(headPosition < UInt64.max && nextPosition == headPosition + 1, "positions are contiguous")
        precondition(version < UInt64.max, "a stream's version has room for one more")
        precondition(version > 0 || streamHead.hash == .zero, "a stream without events has no head hash")
        precondition(recordedAt >= lastRecordedAt, "recordedAt never goes back")
        var recorded = RecordedEvent(
            position: nextPosition, streamVersion: version + 1, recordedAt: recordedAt, eventID: event.eventID,
            type: event.type, stream: event.stream, occurredAt: event.occurredAt, data: event.data,
            metadata: event.metadata, previousHash: headHash, hash: .zero,
            streamPreviousHash: log.format == .one ? nil : streamHead.hash
        )
        recorded.hash = EventJSON.computeHash(of: recorded, scratch: &scratch)
        try event.assigned?.check(against: recorded, of: event)
        // The hashed bytes are the prevHash and the canonical JSON: the export line's size is known.
        let exportedBytes = StoreLimits.exportedBytes(hashedBytes: scratch.count)
        guard exportedBytes <= StoreLimits.exportedEventBytes else {
            throw EventStoreError(
                .invalidEvent,
                "\(event.type) on \(event.stream): its export line would be \(exportedBytes) bytes, more than \(StoreLimits.exportedEventBytes) (StoreLimits.exportedEventBytes); nothing was written",
                stream: event.stream)
        }
        let record = try RecordCodec.encode(recorded, symbols: &symbols, in: transaction)
        guard record.count <= StoreLimits.recordBytes else {
            throw EventStoreError(
                .invalidEvent,
                "\(event.type) on \(event.stream): its record would be \(record.count) bytes, more than \(StoreLimits.recordBytes) (StoreLimits.recordBytes); nothing was written",
                stream: event.stream)
        }
        // The batch's chain links: this event's prevHash is the head before it, its stream
        // prevHash the stream's head, and its own hash is none of them.
        precondition(
            recorded.previousHash == headHash && recorded.hash != headHash, "the chain links the new event to the head")
        precondition(
            log.format == .one || recorded.streamPreviousHash == streamHead.hash,
            "the stream chain links to the stream's head")
        precondition(
            recorded.position == nextPosition && recorded.streamVersion == version + 1,
            "the record is at the next position and version")
        precondition(
            !record.isEmpty && record.count <= StoreLimits.recordBytes, "the record is within StoreLimits.recordBytes")
        precondition(
            exportedBytes > 0 && exportedBytes <= StoreLimits.exportedEventBytes, "the export line is within its bound")
        let prefix = event.stream.keyPrefix
        try transaction.put(.events, key: positionValue, value: record, mode: .append)
        try putIndexEntry(.streams, key: StoreKeys.streamVersion(prefix, version + 1), value: positionValue)
        try putIndexEntry(
            .streamTimes, key: StoreKeys.streamTime(prefix, event.occurredAt, version + 1), value: positionValue)
        if let disclosures {
            let entry = try disclosures.entry(at: nextPosition)
            try putIndexEntry(.disclosures, key: entry.key, value: entry.value)
        }
        streamHeads.advance(event.stream, to: StreamHeads.Head(version: version + 1, hash: recorded.hash))
        headPosition = nextPosition
        headHash = recorded.hash
        lastRecordedAt = recordedAt
        try merkle.append(eventHash: recorded.hash, position: nextPosition, in: transaction)
        positions.append(nextPosition)
        appendedCount += 1
        precondition(appendedCount <= positions.count, "every appended event has its position in the batch")
        if log.projection != nil, importing == nil { appended.append(recorded) }
    }

    /// Ends a batch: folds its new events into the stored projection, in this transaction.
    mutating func finishBatch() throws {
        guard let projection = log.projection, let first = appended.first else { return }
        defer { appended = [] }
        if projectionIsLive == nil {
            projectionIsLive = try catchUpProjection(projection, before: first.position)
        }
        guard projectionIsLive == true else { return }
        var fold = projectionFold ?? projection.makeTransactionFold()
        projectionFold = nil
        try fold.fold(appended, records: ProjectionRecordsInTransaction(transaction: transaction))
        projectionFold = fold
    }

    /// Ends the transaction's part of the projection: writes what its fold still holds and
    /// moves the checkpoint to the head. Runs inside the transaction, before the commit.
    mutating func finishTransaction() throws {
        guard let projection = log.projection, var fold = projectionFold else { return }
        projectionFold = nil
        try fold.flush(records: ProjectionRecordsInTransaction(transaction: transaction))
        precondition(appended.isEmpty, "every batch's events were folded before the checkpoint moves")
        try ProjectionCheckpoint(identity: projection.identity, position: headPosition).write(in: transaction)
    }

    /// Brings the stored projection up to `position - 1` when another writer (one without
    /// the projection) appended since its checkpoint. Returns whether the projection is
    /// kept at all: records of another identity, or none, wait for a rebuild at open.
    private mutating func catchUpProjection(_ projection: any StoredProjection, before position: UInt64) throws -> Bool
    {
        // A log that was empty before this batch starts its projection here.
        let fresh = position == 1 ? ProjectionCheckpoint(identity: projection.identity, position: 0) : nil
        guard let checkpoint = try ProjectionCheckpoint.read(in: transaction) ?? fresh,
            checkpoint.identity == projection.identity,
            checkpoint.position < position
        else { return false }
        var next = checkpoint.position + 1
        while next < position {
            let chunk = try log.decodeRange(
                from: next, before: min(position, next + 4096), in: transaction, symbols: &symbols)
            var fold = projectionFold ?? projection.makeTransactionFold()
            projectionFold = nil
            try fold.fold(chunk, records: ProjectionRecordsInTransaction(transaction: transaction))
            projectionFold = fold
            next += UInt64(chunk.count)
        }
        return true
    }

    /// The position already recorded for `id` (before this import, by its earlier
    /// transactions, or earlier in this one); when there is none, `id` is noted at
    /// `position`, for the event about to be appended there.
    private mutating func recordedPosition(of id: EventID, orNote position: UInt64) throws -> UInt64? {
        let idKey = StoreKeys.eventID(id)
        func indexed(_ existing: UnsafeRawBufferPointer) throws -> UInt64 {
            guard let recorded = ByteReader.bigEndian(existing) else {
                throw EventStoreError(.corrupted, "the event id index is corrupted for \(id)")
            }
            return recorded
        }
        guard let runs else {
            let value = StoreKeys.position(position)
            return try transaction.put(.eventIDs, key: idKey, value: value, mode: .insertOnly).map(indexed)
        }
        if let recorded = deferred.positionsByID[id] { return recorded }
        if let recorded = try runs.position(of: id) { return recorded }
        if let existing = try transaction.get(.eventIDs, key: idKey) { return try indexed(existing) }
        deferred.noteEventID(id, at: position)
        return nil
    }

    /// The head of `stream`: an import's earlier transactions left it in `runs` when they
    /// touched it (its index entries are not in the store yet), else the index says it.
    private mutating func head(of stream: StreamID) throws -> StreamHeads.Head {
        if let runs, !streamHeads.knows(stream), let pending = runs.head(of: stream) {
            streamHeads.seed(stream, with: pending)
        }
        return try streamHeads.head(of: stream, symbols: symbols, in: transaction)
    }

    /// Writes an index entry, or defers it to the import's runs.
    private mutating func putIndexEntry(_ table: Table, key: [UInt8], value: [UInt8]) throws {
        if runs == nil {
            try transaction.put(table, key: key, value: value, mode: .upsert)
        } else {
            deferred.add(table, key: key, value: value)
        }
    }

    /// The heads this transaction read or advanced, for the import's runs.
    var touchedHeads: [StreamID: StreamHeads.Head] { streamHeads.all }

    private mutating func addRetry(_ event: ProposedEvent, existingPosition position: UInt64) throws {
        // The original may be older, or earlier in this same batch: both are readable here.
        guard let bytes = try transaction.get(.events, key: StoreKeys.position(position)) else {
            throw EventStoreError.corrupted(at: position, "the event id index points to a missing event")
        }
        let original = try log.decode(bytes, position: position, symbols: &symbols, in: transaction, scratch: &scratch)
        try original.checkIndexed(as: event.eventID)
        guard event.isSameFact(as: original) else {
            throw EventStoreError(
                .eventIDReused,
                "event id \(event.eventID) is already recorded at position \(position) with other content; nothing was written",
                stream: event.stream, position: position)
        }
        try event.assigned?.check(against: original, of: event)
        // A retry points back into the log, never past its head.
        precondition(position >= 1 && position <= headPosition, "a retry's original is already in the log")
        streamsWithRetries.insert(event.stream)
        positions.append(position)
    }

    /// The visible head this transaction moves the log to, once committed: `nil` when it
    /// appended nothing new, or appends for an import (invisible until the import ends).
    var movedHead: UInt64? {
        guard importing == nil, headPosition > headBefore else { return nil }
        return headPosition
    }

    /// Tells the backend the head this transaction makes visible (``movedHead``), for the
    /// readers of other processes (``StorageTransaction/announceHead(_:)``, issue 15 item 3).
    /// Runs inside the transaction, before the commit.
    func announceMovedHead() throws {
        if let movedHead { try transaction.announceHead(movedHead) }
    }

    /// Starts the next batch of the same transaction (an append session): positions and
    /// expectations are per batch; the chain, versions and `recordedAt` carry on.
    mutating func startNextBatch() {
        positions = []
        appendedCount = 0
        streamsWithNewEvents = []
        streamsWithRetries = []
    }

    /// Checks the expectations of streams that got no event in this batch.
    func checkUntouched(_ expectations: [StreamID: ExpectedVersion]) throws {
        for (stream, expected) in expectations
        where !streamsWithNewEvents.contains(stream) && !streamsWithRetries.contains(stream) {
            let version = try EventLog<Backend>.version(of: stream.keyPrefix, in: transaction)
            guard expected.accepts(currentVersion: version) else {
                throw EventStoreError.versionConflict(stream, expected: expected, actual: version)
            }
        }
    }

    mutating func currentVersion(of stream: StreamID) throws -> UInt64 {
        try streamHeads.head(of: stream, symbols: symbols, in: transaction).version
    }

    /// The store's clock, never before the last `recordedAt`; or the one given for import,
    /// which must not go back nor lie in the future.
    private func recordingTime(for event: ProposedEvent) throws -> Timestamp {
        guard let given = event.recordedAt else { return max(now, lastRecordedAt) }
        guard given >= lastRecordedAt else {
            throw EventStoreError(
                .recordedAtOutOfOrder,
                "recordedAt \(given) of \(event.type) on \(event.stream) is before the log's last recordedAt \(lastRecordedAt); nothing was written",
                stream: event.stream)
        }
        guard given <= max(now, lastRecordedAt) else {
            throw EventStoreError(
                .recordedAtOutOfOrder,
                "recordedAt \(given) of \(event.type) on \(event.stream) is in the future (now \(now)); nothing was written",
                stream: event.stream)
        }
        return given
    }
}
