public import Logging

/// The event store: an append-only, hash-chained log of events in streams.
///
/// Open one on a folder with ``open(at:options:)`` (LMDB, durable) or make one in memory
/// with ``inMemory(clock:projection:logger:)``. Both behave the same; one conformance suite tests both.
///
/// All methods are synchronous and thread-safe. Each runs in its own transaction, which
/// never outlives the call, so none can span an `await`.
///
/// ## Topics
/// ### Opening
/// - ``open(at:options:)``
/// - ``inMemory(clock:projection:logger:)``
/// - ``Options``
/// - ``isReadOnly``
/// ### Writing
/// - ``append(_:expecting:)``
/// - ``appendCoalesced(_:expecting:)``
/// - ``groupCommitCounts``
/// ### Reading
/// - ``events(from:limit:verifyingHashes:)``
/// - ``forEachEvent(from:chunkSize:verifyingHashes:_:)``
/// - ``forEachChunk(chunkSize:verifyingHashes:prepare:_:)``
/// - ``events(in:from:limit:)``
/// - ``forEachEvent(in:from:chunkSize:_:)``
/// - ``events(in:occurredFrom:to:limit:)``
/// - ``events(at:)``
/// - ``events(in:versions:)``
/// - ``version(of:)``
/// - ``head()``
/// ### Checking
/// - ``verify()``
/// ### Stored projections
/// - ``projectionValue(for:)``
/// - ``rebuildProjection()``
public final class EventStore: Sendable {
    /// How a store is opened.
    public struct Options: Sendable {
        /// The map LMDB starts with; it grows by itself when full.
        public var initialMapSizeBytes: Int
        /// Where `recordedAt` comes from.
        public var clock: any StoreClock
        /// Whether a store whose folder belongs to another user may be opened; by default
        /// it is refused with ``EventStoreError/Code/foreignOwner``.
        public var allowForeignOwner: Bool
        /// The projection kept beside the log, folded in the transaction of every append
        /// (``StoredProjection``); made current when the store opens, unless `readOnly`.
        public var projection: (any StoredProjection)?
        /// Whether the store is only read: the folder must already hold a store, which is
        /// opened without writing or creating any file (LMDB's `MDB_RDONLY`), so that a
        /// copy on read-only media or a folder of another user can be read. The owner is
        /// not checked (reading writes nothing there); the stored projection is not caught
        /// up (a reader folds what it lacks in memory, ``ProjectionValue/isCurrent``);
        /// every write throws ``EventStoreError/Code/notWritable``.
        public var readOnly: Bool
        /// The store's key file, which seals and opens personal data (RET-1): without it,
        /// appending a clear personal value and reading disclosures throw
        /// ``EventStoreError/Code/keysMissing``. Read again from its path at open (a
        /// rotation left half done by a crash is finished or rolled back then).
        public var keyFile: StoreKeyFile?
        /// Whether a store of format 1 (issue 10) may be opened, for `subledger migrate`
        /// to read its events: it is then opened read-only whatever ``readOnly`` says, and
        /// its events come with ``RecordedEvent/streamPreviousHash`` `nil`. Without it such a
        /// store is refused with ``EventStoreError/Code/olderFormat``. A store of format 2
        /// opens as usual (read-only too).
        public var openingFormat1ForMigration: Bool
        /// Where the store says what it does that an operator may want to know: the map
        /// grew, a commit was slow (over ``StoreLimits/slowCommitMilliseconds``), a stored
        /// projection was rebuilt or caught up, an append was refused. Silent by default
        /// (``StoreLogging/silent``).
        public var logger: Logger

        /// Options: each parameter sets the property of its name (by default a 64 MiB map, read-write).
        /// - Parameters:
        ///   - initialMapSizeBytes: ``initialMapSizeBytes``.
        ///   - clock: ``clock``.
        ///   - allowForeignOwner: ``allowForeignOwner``.
        ///   - projection: ``projection``.
        ///   - readOnly: ``readOnly``.
        ///   - keyFile: ``keyFile``.
        ///   - openingFormat1ForMigration: ``openingFormat1ForMigration``.
        ///   - logger: ``logger``.
        public init(
            initialMapSizeBytes: Int = 64 << 20, clock: any StoreClock = SystemClock(), allowForeignOwner: Bool = false,
            projection: (any StoredProjection)? = nil, readOnly: Bool = false, keyFile: StoreKeyFile? = nil,
            openingFormat1ForMigration: Bool = false, logger: Logger = StoreLogging.silent
        ) {
            self.logger = logger
            self.keyFile = keyFile
            self.initialMapSizeBytes = initialMapSizeBytes
            self.clock = clock
            self.allowForeignOwner = allowForeignOwner
            self.projection = projection
            self.readOnly = readOnly || openingFormat1ForMigration
            self.openingFormat1ForMigration = openingFormat1ForMigration
        }
    }

    let log: any EventLogProtocol
    /// Shares one write transaction among concurrent ``appendCoalesced(_:expecting:)`` callers.
    let groupCommitter: GroupCommitter
    /// The folder of a store opened read-only (``Options/readOnly``); `nil` when writable.
    let readOnlyPath: String?

    init(log: any EventLogProtocol, readOnlyPath: String? = nil) {
        self.log = log
        self.readOnlyPath = readOnlyPath
        groupCommitter = GroupCommitter(log: log)
    }

    /// Whether the store was opened with ``Options/readOnly``.
    public var isReadOnly: Bool { readOnlyPath != nil }

    /// Throws ``EventStoreError/Code/notWritable`` when the store is read-only; `action`
    /// says what was refused.
    func refuseIfReadOnly(_ action: String) throws {
        guard let readOnlyPath else { return }
        throw EventStoreError(
            .notWritable,
            "the store \(readOnlyPath) was opened read-only (EventStore.Options.readOnly): refusing \(action); nothing was written"
        )
    }

    /// Opens the store in the folder `path` (created, with mode 0700, when missing; its
    /// files get mode 0600). With ``Options/readOnly`` the store must exist, and nothing is
    /// created or written.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/notAStore`` for a folder
    ///   that holds something else (or, read-only, no store), ``EventStoreError/Code/newerFormat`` for a store of a
    ///   newer subledger, ``EventStoreError/Code/olderFormat`` for a store of format 1 (unless
    ///   ``Options/openingFormat1ForMigration``), ``EventStoreError/Code/notWritable`` when the folder cannot be
    ///   written, ``EventStoreError/Code/foreignOwner`` when it belongs to another user.
    /// - Parameter path: The store's folder.
    /// - Parameter options: How to open it.
    /// - Returns: The open store (one per folder per process).
    public static func open(at path: String, options: Options = Options()) throws -> EventStore {
        do {
            let readOnly = options.readOnly || options.openingFormat1ForMigration
            let backend = try LMDBBackend.open(
                path: path, initialMapSizeBytes: options.initialMapSizeBytes,
                allowForeignOwner: options.allowForeignOwner, readOnly: readOnly,
                acceptingFormat1: options.openingFormat1ForMigration)
            backend.environment.logger = options.logger
            let log = EventLog(
                backend: backend, clock: options.clock, projection: options.projection, format: backend.format,
                logger: options.logger)
            guard !readOnly else { return try EventStore(log: log, readOnlyPath: path).attaching(options.keyFile) }
            try log.ensureStoreID()
            try log.openForWriting()
            return try EventStore(log: log).attaching(options.keyFile)
        } catch {
            throw EventStoreError.storage(error, while: "opening \(path)")
        }
    }

    /// A store held in memory, with the same behaviour as a store on disk; its personal
    /// data is sealed under a master key held in memory only (``StoreKeyFile/inMemory(storeID:)``).
    /// - Parameter clock: Where `recordedAt` comes from.
    /// - Parameter projection: The projection kept beside the log, if any.
    /// - Parameter logger: Where the store says what it does.
    /// - Returns: An empty store.
    public static func inMemory(
        clock: any StoreClock = SystemClock(), projection: (any StoredProjection)? = nil,
        logger: Logger = StoreLogging.silent
    ) -> EventStore {
        let log = EventLog(backend: InMemoryBackend(), clock: clock, projection: projection, logger: logger)
        // The in-memory write of one meta entry into empty tables only copies arrays: it
        // cannot fail, and a store without an id would refuse every checkpoint, not lie.
        _ = try? log.ensureStoreID()
        log.personalDataKeys.keyFile = (try? log.storeID()).map(StoreKeyFile.inMemory(storeID:))
        return EventStore(log: log)
    }

    /// Appends `events` atomically: all or none.
    ///
    /// Each stream named in `expecting` must be at that version before the batch (streams
    /// not named accept any version). An event whose id is already recorded with the same
    /// content is an idempotent retry: it gets its original position and writes nothing.
    ///
    /// - Returns: the position of each event, in the order given.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/versionConflict``,
    ///   ``EventStoreError/Code/eventIDReused``, ``EventStoreError/Code/invalidEvent``,
    ///   ``EventStoreError/Code/recordedAtOutOfOrder``, ...); nothing is written then.
    /// - Parameter events: The batch, in the order its events take positions.
    /// - Parameter expecting: The version each named stream must be at before the batch.
    @discardableResult
    public func append(_ events: [ProposedEvent], expecting: [StreamID: ExpectedVersion] = [:]) throws -> AppendResult {
        try refuseIfReadOnly("to append \(events.count) events")
        return try log.append(events, expecting: expecting)
    }

    /// Runs `body` with a session whose appends all go into one write transaction, so that
    /// a whole import commits all or nothing. If `body` throws, nothing is written.
    ///
    /// `body` may be run more than once (when the map grows mid-way, the transaction is
    /// started again): it must read its input afresh each time.
    /// - Parameter body: Appends through the session; its value is returned.
    /// - Returns: What `body` returned, once the transaction committed.
    /// - Throws: What `body` throws; ``EventStoreError`` (``EventStoreError/Code/notWritable`` for a
    ///   read-only store, ``EventStoreError/Code/storage`` when the commit fails). Nothing is written.
    public func withAppendSession<R>(_ body: (AppendSession) throws -> R) throws -> R {
        try refuseIfReadOnly("to append")
        return try log.withAppendSession(body)
    }

    /// Up to `limit` events from `position` on. Each is checked against its checksum and
    /// linked to the one before (its `prevHash` is that event's hash); with
    /// `verifyingHashes`, its SHA-256 is also recomputed from its content.
    /// - Parameter position: The first position to read, from 1.
    /// - Parameter limit: The most events returned.
    /// - Parameter verifyingHashes: Whether to recompute each event's hash.
    /// - Returns: The events, in position order; fewer than `limit` at the head.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/corrupted``, ``EventStoreError/Code/chainBroken``).
    public func events(from position: UInt64, limit: Int = 10_000, verifyingHashes: Bool = false) throws
        -> [RecordedEvent]
    {
        try log.read(from: position, limit: limit, previousHash: nil, verifyingHashes: verifyingHashes)
    }

    /// Calls `body` with every event from `position` on, reading in chunks of `chunkSize`
    /// events, each chunk in its own short read transaction; `body` runs outside them.
    /// Each event is checked as ``events(from:limit:verifyingHashes:)`` says.
    /// - Parameters:
    ///   - position: The first position, from 1.
    ///   - chunkSize: The events read per transaction.
    ///   - verifyingHashes: Whether to recompute each event's hash.
    ///   - body: Called with each event, in position order.
    /// - Throws: What `body` throws; ``EventStoreError`` as ``events(from:limit:verifyingHashes:)`` does.
    public func forEachEvent(
        from position: UInt64 = 1, chunkSize: Int = 4096, verifyingHashes: Bool = false,
        _ body: (RecordedEvent) throws -> Void
    ) throws {
        try log.forEachEvent(from: position, chunkSize: chunkSize, verifyingHashes: verifyingHashes, body)
    }

    /// Reads the whole log as it stands now on two cores: chunks of `chunkSize` events are
    /// read (each in its own short read transaction, checked as
    /// ``events(from:limit:verifyingHashes:)`` checks) and turned into `Prepared` by
    /// `prepare` on worker threads, and `body` gets the prepared chunks in position order
    /// on the calling thread. The way to decode a whole store at memory speed.
    /// - Parameters:
    ///   - chunkSize: The events of a chunk.
    ///   - verifyingHashes: Whether to recompute each event's hash.
    ///   - prepare: Turns a chunk into `Prepared`, pure, on a worker thread.
    ///   - body: Called with each prepared chunk, in position order.
    /// - Throws: The first error in position order: of `body`, `prepare` or a read.
    public func forEachChunk<Prepared: Sendable>(
        chunkSize: Int = 16_384, verifyingHashes: Bool = false,
        prepare: @escaping @Sendable ([RecordedEvent]) throws -> Prepared, _ body: (Prepared) throws -> Void
    ) throws {
        let head = try log.head().position
        try log.forEachChunk(
            through: head, chunkSize: UInt64(max(chunkSize, 1)), verifyingHashes: verifyingHashes, prepare: prepare,
            body)
    }

    /// Up to `limit` events of `stream` from `version` on: by default one chunk
    /// (``StoreLimits/streamReadChunkEvents``), never the whole of an unbounded stream
    /// (issue 12 item 6). A caller that walks a whole stream reads it in chunks with
    /// ``forEachEvent(in:from:chunkSize:_:)`` instead.
    /// - Parameters:
    ///   - stream: The stream to read.
    ///   - version: The first version, from 1.
    ///   - limit: The most events returned.
    /// - Returns: The events, in version order; empty for a stream without events.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/corrupted`` for a bad index or event).
    public func events(
        in stream: StreamID, from version: UInt64 = 1, limit: Int = StoreLimits.streamReadChunkEvents
    ) throws -> [RecordedEvent] {
        try log.readStream(stream, from: version, limit: limit)
    }

    /// Calls `body` with every event of `stream` from `version` on, in order, reading
    /// `chunkSize` events at a time (``StoreLimits/streamReadChunkEvents``), each chunk in its
    /// own short read transaction; `body` runs outside them.
    /// - Parameters:
    ///   - stream: The stream to read.
    ///   - version: The first version, from 1.
    ///   - chunkSize: The events read per transaction.
    ///   - body: Called with each event, in version order.
    /// - Throws: What `body` throws; ``EventStoreError`` as ``events(in:from:limit:)`` does.
    public func forEachEvent(
        in stream: StreamID, from version: UInt64 = 1, chunkSize: Int = StoreLimits.streamReadChunkEvents,
        _ body: (RecordedEvent) throws -> Void
    ) throws {
        precondition(chunkSize >= 1, "a chunk holds at least one event")
        var next = max(version, 1)
        while true {
            let chunk = try log.readStream(stream, from: next, limit: chunkSize)
            for event in chunk { try body(event) }
            guard let last = chunk.last, chunk.count == chunkSize else { return }
            precondition(last.streamVersion == next + UInt64(chunkSize) - 1, "a stream's versions are contiguous")
            next = last.streamVersion + 1
        }
    }

    /// Up to `limit` events of `stream` that occurred at or after `from` and before `to`, in
    /// order of occurrence: by default one chunk (``StoreLimits/streamReadChunkEvents``).
    /// - Parameters:
    ///   - stream: The stream to read.
    ///   - from: The earliest `occurredAt`, included.
    ///   - to: The latest `occurredAt`, excluded.
    ///   - limit: The most events returned.
    /// - Returns: The events, by `occurredAt`.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/corrupted`` for a bad index or event).
    public func events(
        in stream: StreamID, occurredFrom from: Timestamp, to: Timestamp,
        limit: Int = StoreLimits.streamReadChunkEvents
    ) throws -> [RecordedEvent] {
        try log.readStream(stream, occurredFrom: from, to: to, limit: limit)
    }

    /// The event recorded under `id`, or `nil`: how a writer learns that a retry is one.
    /// - Parameter id: The event's id.
    /// - Returns: The recorded event, or `nil`: one index lookup.
    /// - Throws: ``EventStoreError`` when the event is corrupted.
    public func event(withID id: EventID) throws -> RecordedEvent? {
        try log.event(withID: id)
    }

    /// Whether `event` is the same fact as `recorded` (a retry of it): same id, type,
    /// stream, times, data and metadata.
    /// - Parameter event: The event proposed.
    /// - Parameter recorded: The event recorded under its id.
    /// - Returns: `true` when `event` is the same fact; its `recordedAt` counts only when given.
    public static func isRetry(_ event: ProposedEvent, of recorded: RecordedEvent) -> Bool {
        event.isSameFact(as: recorded)
    }

    /// The version of the last event of `stream`; 0 when it has none.
    /// - Parameter stream: The stream.
    /// - Returns: The version, or 0.
    /// - Throws: ``EventStoreError`` when the storage cannot be read.
    public func version(of stream: StreamID) throws -> UInt64 {
        try log.version(of: stream)
    }

    /// The last position of the log and its hash; `(0, .zero)` when empty.
    /// - Returns: The head position and its hash.
    /// - Throws: ``EventStoreError`` when the last event is corrupted or the storage cannot be read.
    public func head() throws -> (position: UInt64, hash: ChainHash) {
        try log.head()
    }

    /// The stored projection's value under `key`, read with whether the projection is
    /// current (its checkpoint at the head of the log) in the same transaction.
    /// - Parameter key: The record's key.
    /// - Returns: The stored value (`nil` when the key has none) and whether the projection is current.
    /// - Throws: ``EventStoreError`` when the storage cannot be read.
    public func projectionValue(for key: [UInt8]) throws -> ProjectionValue {
        try log.projectionValue(for: key)
    }

    /// Folds the whole log into the store's projection again and replaces its records in
    /// one write transaction; reports whether they came out byte for byte as they were.
    /// - Returns: What the rebuild folded and wrote, and whether the records came out unchanged.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/invalidEvent`` without a projection,
    ///   ``EventStoreError/Code/notWritable`` read-only, a corrupted event) or the fold's error; nothing is replaced.
    public func rebuildProjection() throws -> ProjectionRebuildReport {
        try refuseIfReadOnly("to rebuild the stored projection")
        return try log.rebuildProjection()
    }

    /// Walks the whole log and checks every event: it decodes, its hash matches its
    /// content, it links to the one before, positions and stream versions are gap-free and
    /// `recordedAt` never decreases. Stops at the first problem and names its position.
    /// - Returns: The events verified, the last good head, and the first problem (reported, not thrown).
    /// - Throws: ``EventStoreError`` when the storage cannot be read.
    public func verify() throws -> VerificationReport {
        var report = try log.verify()
        // The Merkle tree's stored nodes and the checkpoints (issue 10, item 3).
        try log.verifyProofs(origin: try checkpointOriginIfAny(), into: &report)
        return report
    }
}
