import Logging
import Dispatch

/// The append-only, hash-chained event log over a ``StorageBackend``.
///
/// Every event gets a gap-free global `position` and a gap-free `streamVersion`; every
/// event carries the hash of the one before. Appends are atomic batches with optimistic
/// concurrency per stream; reads check each event's hash before handing it out.
final class EventLog<Backend: StorageBackend>: @unchecked Sendable {
    let backend: Backend
    let clock: any StoreClock
    /// The projection kept beside the log, folded in every append's transaction.
    let projection: (any StoredProjection)?
    /// The key file that seals and opens personal data (RET-1); replaced by an erase.
    let personalDataKeys = PersonalDataKeys()
    /// The format of the store's records: every record read must be of it, every record
    /// appended is written in it (format 1 only in tests that make such a store).
    let format: StoreFormat
    /// Where the log reports slow commits, refusals and projection rebuilds (``StoreLogging``).
    let logger: Logger
    /// Wakes readers waiting for the head (``EventStore/waitForHead(beyond:atMost:)``): fired
    /// after each commit of this process that moved the visible head, and by the backend
    /// for other processes' commits where it hears them (``StorageBackend/watchCommits(into:)``).
    let headSignal = HeadSignal()

    private let symbolsLock = Lock()
    /// Guarded by `symbolsLock`. Only grows: a table loaded earlier is a prefix of it.
    private var sharedSymbols = SymbolTable()

    init(
        backend: Backend, clock: any StoreClock, projection: (any StoredProjection)? = nil,
        format: StoreFormat = .current,
        logger: Logger = StoreLogging.silent
    ) {
        self.backend = backend
        self.logger = logger
        self.clock = clock
        self.projection = projection
        self.format = format
        assert(StoreLimits.relationsHold, "the bounds of StoreLimits contradict each other")
    }

    var symbolsSnapshot: SymbolTable { symbolsLock.withLock { sharedSymbols } }

    func publish(_ symbols: SymbolTable) {
        symbolsLock.withLock {
            if symbols.count > sharedSymbols.count { sharedSymbols = symbols }
        }
    }

    // MARK: Appending

    /// Appends `events` in one transaction. See ``EventStore/append(_:expecting:)``.
    func append(_ events: [ProposedEvent], expecting expectations: [StreamID: ExpectedVersion]) throws -> AppendResult {
        try append(events, expecting: expectations, importing: nil, runs: nil)
    }

    /// Appends `events` in one transaction, beyond the visible head for the import
    /// `importing` (``EventStore/withImport(_:)``) or, when `nil`, at the head. An import
    /// with `runs` leaves its index entries there, handed over once the transaction commits.
    func append(
        _ events: [ProposedEvent], expecting expectations: [StreamID: ExpectedVersion], importing: PendingImport?,
        runs: ImportIndexRuns?
    ) throws -> AppendResult {
        for (index, event) in events.enumerated() {
            if let problem = StoreLimits.problem(of: event) {
                let refusal = EventStoreError(
                    .invalidEvent, "event \(index + 1) of the batch (\(event.type)): \(problem); nothing was written",
                    stream: event.stream)
                logRefusal(refusal)
                throw refusal
            }
        }
        var committedSymbols = SymbolTable()
        var movedHead: UInt64?
        var deferred = DeferredIndexEntries()
        var touchedHeads: [StreamID: StreamHeads.Head] = [:]
        let result: AppendResult
        let timer = CommitTimer()
        defer { timer.logIfSlow("an append of \(events.count) events", events: events.count, to: logger) }
        do {
            result = try backend.write { transaction in
                var batch = try AppendBatch(
                    log: self, transaction: transaction, symbols: symbolsSnapshot, now: clock.now(),
                    importing: importing, runs: runs)
                try batch.prefetchReads(of: events)
                for event in events { try batch.add(event, expectations: expectations) }
                try batch.checkUntouched(expectations)
                try batch.finishBatch()
                try batch.finishTransaction()
                try batch.announceMovedHead()
                movedHead = batch.movedHead
                committedSymbols = batch.symbols
                if runs != nil {
                    deferred = batch.deferred
                    touchedHeads = batch.touchedHeads
                }
                return AppendResult(
                    positions: batch.positions, appendedCount: batch.appendedCount,
                    headPosition: batch.headPosition)
            }
        } catch {
            let failure = EventStoreError.storage(error, while: "appending \(events.count) events")
            logRefusal(failure)
            throw failure
        }
        publish(committedSymbols)
        if let runs { try runs.commit(deferred, heads: touchedHeads) }
        if let movedHead { headSignal.headMoved(to: movedHead) }
        // What the caller is told matches what it asked: one position per event, the new
        // ones at the head.
        precondition(result.positions.count == events.count, "one position for each event of the batch")
        precondition(
            result.appendedCount <= events.count && UInt64(result.appendedCount) <= result.headPosition,
            "the new events are at most the batch and end at the head")
        return result
    }

    /// Runs `body` with a session whose appends all go into one write transaction: all or
    /// nothing. See ``EventStore/withAppendSession(_:)``.
    func withAppendSession<R>(_ body: (AppendSession) throws -> R) throws -> R {
        var committedSymbols = SymbolTable()
        var movedHead: UInt64?
        var bodyError: (any Error)?
        let result: R
        let timer = CommitTimer()
        defer { timer.logIfSlow("an append session", events: nil, to: logger) }
        do {
            result = try backend.write { transaction in
                bodyError = nil
                let session = AppendSession(
                    batch: try AppendBatch(
                        log: self, transaction: transaction, symbols: symbolsSnapshot, now: clock.now()))
                defer { session.isOpen = false }
                let result: R
                do { result = try body(session) } catch { bodyError = error; throw error }
                if let failure = session.failure { throw failure }  // caught by the body: still nothing is written
                try session.batch.finishTransaction()
                try session.batch.announceMovedHead()
                movedHead = session.batch.movedHead
                committedSymbols = session.batch.symbols
                return result
            }
        } catch {
            // The caller's own errors come back as they were thrown.
            if let bodyError { throw bodyError }
            throw EventStoreError.storage(error, while: "appending in one transaction")
        }
        publish(committedSymbols)
        if let movedHead { headSignal.headMoved(to: movedHead) }
        return result
    }

    /// Logs a refused append (``StoreLogging``: `info`, `store.refusal`) with its code.
    func logRefusal(_ refusal: EventStoreError) {
        logger.info(
            "an append was refused: \(refusal.message)",
            metadata: [StoreLogging.eventKey: "store.refusal", "code": "\(refusal.code)"])
    }

    // MARK: Reading

    /// Decodes the record at `position`, catching the symbol table up when the record is
    /// newer than it, and checks the record's own hash.
    func decode(
        _ bytes: UnsafeRawBufferPointer, position: UInt64, symbols: inout SymbolTable,
        in transaction: Backend.Transaction, scratch: inout [UInt8], verifyHash: Bool = true
    ) throws -> RecordedEvent {
        let event: RecordedEvent
        // Symbols read to catch up are published (shared by every later read) only once the
        // event that needed them passed its hash check: a torn or corrupt read of the symbols
        // table would otherwise rename a type or key in every event read after it (issue 12
        // item 7, found by the simulator).
        var caughtUp = false
        do {
            do {
                event = try RecordCodec.decode(bytes, position: position, symbols: symbols)
            } catch is RecordCodec.UnknownSymbol {
                try symbols.catchUp(in: transaction)
                caughtUp = true
                event = try RecordCodec.decode(bytes, position: position, symbols: symbols)
            }
        } catch is RecordCodec.UnknownSymbol {
            throw EventStoreError.corrupted(at: position, "it names a symbol the store does not have")
        } catch let error as ByteReader.Malformed {
            throw EventStoreError.corrupted(at: position, "it does not decode (\(error.reason))")
        }
        guard StoreFormat.of(event) == format else {
            throw EventStoreError.corrupted(
                at: position,
                "it is a record of format \(StoreFormat.of(event).rawValue) in a store of format \(format.rawValue)")
        }
        if verifyHash || caughtUp {
            let computed = EventJSON.computeHash(of: event, scratch: &scratch)
            guard computed == event.hash else {
                throw EventStoreError.corrupted(at: position, "its hash does not match its content")
            }
            guard StoreLimits.exportedBytes(hashedBytes: scratch.count) <= StoreLimits.exportedEventBytes else {
                throw EventStoreError.corrupted(
                    at: position,
                    "its export line is longer than \(StoreLimits.exportedEventBytes) bytes (StoreLimits.exportedEventBytes)"
                )
            }
        }
        if caughtUp { publish(symbols) }
        return event
    }

    /// Up to `limit` events of the whole log from `position` on, in one short read
    /// transaction, each checked against its hash and linked to the one before.
    func read(from position: UInt64, limit: Int, previousHash: ChainHash? = nil, verifyingHashes: Bool = true) throws
        -> [RecordedEvent]
    {
        guard limit > 0 else { return [] }
        let start = max(position, 1)
        return try wrapped("reading the log from position \(start)") {
            try backend.read { transaction in
                var symbols = symbolsSnapshot
                return try decodeSequence(
                    from: start, limit: limit, previousHash: previousHash, verifyingHashes: verifyingHashes,
                    in: transaction, symbols: &symbols)
            }
        }
    }

    /// Up to `limit` events from `start` on, decoded inside `transaction`: each key must be
    /// the next position, each record must decode (checksum; and hash with
    /// `verifyingHashes`), and each `prevHash` must be the hash before it, the first's that
    /// of `previousHash` or else of the record stored at `start - 1`.
    func decodeSequence(
        from start: UInt64, limit: Int, previousHash: ChainHash?, verifyingHashes: Bool,
        in transaction: Backend.Transaction, symbols: inout SymbolTable
    ) throws -> [RecordedEvent] {
        var scratch: [UInt8] = []
        var events: [RecordedEvent] = []
        events.reserveCapacity(min(limit, 65_536))
        var expectedPrevious = previousHash
        if expectedPrevious == nil, start > 1 {
            expectedPrevious = try transaction.get(.events, key: StoreKeys.position(start - 1)).flatMap(
                RecordCodec.storedHash)
        } else if start == 1 {
            expectedPrevious = .zero
        }
        var expectedPosition = start
        var limit = limit
        if let bound = try ReaderBound.bound(in: transaction) {
            guard start <= bound.visibleHead else { return [] }
            limit = Int(clamping: min(UInt64(limit), bound.visibleHead - start + 1))
        }
        try transaction.scan(.events, from: StoreKeys.position(start)) { entry in
            guard let position = ByteReader.bigEndian(entry.key), position == expectedPosition else {
                throw EventStoreError(
                    .chainBroken, "the log has a gap or a bad key before position \(expectedPosition)",
                    position: expectedPosition)
            }
            let event = try decode(
                entry.value, position: position, symbols: &symbols, in: transaction, scratch: &scratch,
                verifyHash: verifyingHashes)
            if let expectedPrevious, expectedPrevious != event.previousHash {
                throw EventStoreError(
                    .chainBroken,
                    "the hash chain is broken at position \(position): its prevHash is not the hash of position \(position - 1)",
                    position: position)
            }
            expectedPrevious = event.hash
            events.append(event)
            expectedPosition += 1
            return events.count < limit
        }
        return events
    }

    /// Calls `body` with every event from `position` on, reading in chunks of short read
    /// transactions; `body` runs outside any transaction.
    func forEachEvent(
        from position: UInt64, chunkSize: Int, verifyingHashes: Bool, _ body: (RecordedEvent) throws -> Void
    ) throws {
        let chunkSize = max(1, chunkSize)
        var next = max(position, 1)
        var previousHash: ChainHash?
        while true {
            let chunk = try read(
                from: next, limit: chunkSize, previousHash: previousHash, verifyingHashes: verifyingHashes)
            for event in chunk { try body(event) }
            guard let last = chunk.last, chunk.count == chunkSize else { return }
            next = last.position + 1
            previousHash = last.hash
        }
    }

    /// Streams of at least this many events are decoded on two cores.
    static var parallelStreamReadThreshold: Int { 512 }

    /// Up to `limit` events of `stream` from `version` on. A long stream's positions are
    /// read first; its records are then decoded in two halves on two cores, each in its
    /// own read transaction (the log never changes what a position holds).
    func readStream(_ stream: StreamID, from version: UInt64, limit: Int) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let prefix = stream.keyPrefix
        return try wrapped("reading \(stream)") {
            let (positions, decoded) = try backend.read { transaction -> ([IndexedEvent], [RecordedEvent]?) in
                var positions: [IndexedEvent] = []
                let bound = try ReaderBound.bound(in: transaction)
                try transaction.scan(.streams, from: StoreKeys.streamVersion(prefix, max(version, 1))) { entry in
                    guard StoreKeys.hasPrefix(entry.key, prefix, totalLength: prefix.count + 8) else { return false }
                    let indexed = try IndexedEvent(entry, of: stream, versionAt: prefix.count)
                    // In position order: the first entry a pending import wrote ends the stream.
                    if try bound?.hides(indexed.position, naming: "the stream index of \(stream)") == true {
                        return false
                    }
                    positions.append(indexed)
                    return positions.count < limit
                }
                guard positions.count >= Self.parallelStreamReadThreshold else {
                    return (positions, try events(at: positions, of: stream, in: transaction))
                }
                return (positions, nil)
            }
            if let decoded { return decoded }
            return try decodeInHalves(positions, of: stream)
        }
    }

    private func decodeInHalves(_ positions: [IndexedEvent], of stream: StreamID) throws -> [RecordedEvent] {
        let middle = positions.count / 2
        let halves = [Array(positions[..<middle]), Array(positions[middle...])]
        let results = ResultSlots<[RecordedEvent]>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            results.set(
                half,
                Result { try backend.read { transaction in try events(at: halves[half], of: stream, in: transaction) } }
            )
        }
        return try results.get(0) + results.get(1)
    }

    /// The events of `stream` that occurred in `from ..< to`, in order of occurrence.
    func readStream(_ stream: StreamID, occurredFrom from: Timestamp, to: Timestamp, limit: Int) throws
        -> [RecordedEvent]
    {
        guard limit > 0 else { return [] }
        let prefix = stream.keyPrefix
        return try wrapped("reading \(stream) by time") {
            try backend.read { transaction in
                var positions: [IndexedEvent] = []
                let bound = try ReaderBound.bound(in: transaction)
                try transaction.scan(.streamTimes, from: StoreKeys.streamTime(prefix, from, 0)) { entry in
                    guard StoreKeys.hasPrefix(entry.key, prefix, totalLength: prefix.count + 16) else { return false }
                    let occurred = Int64(
                        bitPattern: ByteReader.bigEndian(
                            UnsafeRawBufferPointer(rebasing: entry.key[prefix.count..<prefix.count + 8]))! ^ (1 << 63))
                    guard occurred < to.millisecondsSinceEpoch else { return false }
                    var indexed = try IndexedEvent(entry, of: stream, versionAt: prefix.count + 8)
                    indexed.occurredAt = Timestamp(millisecondsSinceEpoch: occurred)
                    // In time order, not position: a pending import's entries are skipped, not an end.
                    if try bound?.hides(indexed.position, naming: "the time index of \(stream)") != true {
                        positions.append(indexed)
                    }
                    return positions.count < limit
                }
                return try events(at: positions, of: stream, in: transaction)
            }
        }
    }

    private func events(at positions: [IndexedEvent], of stream: StreamID, in transaction: Backend.Transaction)
        throws -> [RecordedEvent]
    {
        var symbols = symbolsSnapshot
        var scratch: [UInt8] = []
        return try positions.map { indexed in
            let position = indexed.position
            guard let bytes = try transaction.get(.events, key: StoreKeys.position(position)) else {
                throw EventStoreError.corrupted(at: position, "the stream index of \(stream) points to a missing event")
            }
            let event = try decode(bytes, position: position, symbols: &symbols, in: transaction, scratch: &scratch)
            guard event.stream == stream else {
                throw EventStoreError.corrupted(
                    at: position, "the stream index of \(stream) points to an event of \(event.stream)")
            }
            // A position read wrong may name another event of the same stream (issue 12 item 7).
            guard event.streamVersion == indexed.version, indexed.occurredAt.map({ $0 == event.occurredAt }) ?? true
            else {
                throw EventStoreError.corrupted(
                    at: position, "the stream index of \(stream) at version \(indexed.version) points to another event")
            }
            return event
        }
    }

    func wrapped<R>(_ action: String, _ body: () throws -> R) throws -> R {
        do { return try body() } catch { throw EventStoreError.storage(error, while: action) }
    }
}
