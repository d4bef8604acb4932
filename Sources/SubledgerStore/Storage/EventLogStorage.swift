/// The storage seam at the level of the log (issue 12, item 3): what a backend of the event
/// log provides, in the terms of the log (batches, positions, streams, versions), not of
/// LMDB's keys and pages, so that a backend that is not a key-value store (PostgreSQL,
/// issue 15) can stand behind the same ``EventStore`` and pass the same conformance suite
/// (`EventLogConformance` in `SubledgerStoreTesting`).
///
/// LMDB and the in-memory store conform (``EventStore`` over either); both run the log's one
/// implementation over a key-value layer of their own. `docs/architecture.md`, "The storage
/// seam", says what a second backend must provide beyond this protocol.
///
/// The contract, which every conforming backend keeps and the conformance suite asserts:
///
/// - **Batches are atomic.** ``append(_:expecting:)`` writes every event of the batch or
///   none; a refusal of any kind throws and writes nothing.
/// - **Positions** are gap-free from 1 in commit order: a batch takes the next positions, in
///   the order given, and no reader ever sees position `n + 1` without `n`.
/// - **Stream versions** are gap-free from 1 within each stream.
/// - **Expected versions** are checked in the batch's own transaction, for every stream named
///   (``ExpectedVersion``; a stream not named accepts any): against the stream's version
///   before the batch's first new event of it, and for a stream the batch does not touch,
///   against its version. One that does not hold refuses the whole batch with
///   ``EventStoreError/Code/versionConflict``, naming the stream, the version expected and
///   the version found. A stream whose events in the batch are all retries is not checked:
///   a retry succeeds after its first attempt moved the stream on.
/// - **Idempotent retries.** An event whose ``ProposedEvent/eventID`` is already recorded with
///   the same content (``EventStore/isRetry(_:of:)``) writes nothing and gets its original
///   position (the same id twice in one batch is one event). The same id with other content
///   refuses the batch with ``EventStoreError/Code/eventIDReused``, naming the recorded position.
/// - **The chain.** Each event carries the hash of the event before it in the log
///   (`prevHash`) and in its stream (`streamPrevHash`), and its own hash computed as
///   interchange.md says (``EventJSON/computeHash(of:)``); `recordedAt` never decreases (a
///   `recordedAt` given for import before the last or in the future is refused with
///   ``EventStoreError/Code/recordedAtOutOfOrder``). An event beyond the bounds of
///   ``StoreLimits`` (``StoreLimits/problem(of:)``) is refused with ``EventStoreError/Code/invalidEvent``.
/// - **Reads** return events as they were recorded, in position (or version) order, each
///   linked to the one before it; a read that finds a broken link or a corrupted event
///   throws ``EventStoreError/Code/corrupted`` or ``EventStoreError/Code/chainBroken`` with
///   its position instead of returning it.
///
/// Every method is synchronous, thread-safe, and runs in its own transaction.
public protocol EventLogStorage: Sendable {
    /// Appends `batch` atomically: all or none (see the contract above).
    ///
    /// - Parameters:
    ///   - batch: the events, in the order they take positions.
    ///   - expectations: the version each named stream must be at before the batch.
    /// - Returns: the position of each event of `batch`, in order; how many were new; the head.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/versionConflict``,
    ///   ``EventStoreError/Code/eventIDReused``, ``EventStoreError/Code/invalidEvent``,
    ///   ``EventStoreError/Code/recordedAtOutOfOrder``, ...); nothing is written then.
    @discardableResult
    func append(_ batch: [ProposedEvent], expecting expectations: [StreamID: ExpectedVersion]) throws -> AppendResult

    /// The events of the log at `positions`, in order: every position of the range from 1 up to
    /// the head (a range past the head returns the part before it; an empty range, nothing).
    ///
    /// - Throws: ``EventStoreError`` when an event of the range is corrupted or its link broken.
    func events(at positions: Range<UInt64>) throws -> [RecordedEvent]

    /// The events of `stream` whose versions are in `versions`, in order (versions from 1 up to
    /// the stream's last; a stream without events has none).
    ///
    /// - Throws: ``EventStoreError`` when an event of the range is corrupted.
    func events(in stream: StreamID, versions: Range<UInt64>) throws -> [RecordedEvent]

    /// The event recorded under `id`, or `nil`: how a writer learns that a retry is one.
    ///
    /// - Throws: ``EventStoreError`` when the event is corrupted.
    func event(withID id: EventID) throws -> RecordedEvent?

    /// The version of the last event of `stream`; 0 when it has none.
    ///
    /// - Throws: ``EventStoreError`` when the storage cannot be read.
    func version(of stream: StreamID) throws -> UInt64

    /// The last position of the log and its hash; `(0, .zero)` when the log is empty.
    ///
    /// - Throws: ``EventStoreError`` when the last event is corrupted.
    func head() throws -> (position: UInt64, hash: ChainHash)
}

extension Range where Bound == UInt64 {
    /// The first position (or version) of the range that can hold an event, and how many
    /// follow it in the range: positions and versions count from 1.
    var fromOne: (start: UInt64, count: Int) {
        let start = Swift.max(lowerBound, 1)
        guard upperBound > start else { return (start, 0) }
        return (start, Int(clamping: upperBound - start))
    }
}

extension EventLog: EventLogStorage {
    func events(at positions: Range<UInt64>) throws -> [RecordedEvent] {
        let (start, count) = positions.fromOne
        return try read(from: start, limit: count, previousHash: nil, verifyingHashes: false)
    }

    func events(in stream: StreamID, versions: Range<UInt64>) throws -> [RecordedEvent] {
        let (start, count) = versions.fromOne
        return try readStream(stream, from: start, limit: count)
    }
}

extension EventStore: EventLogStorage {
    /// The events of the log at `positions` (``EventLogStorage/events(at:)``), each checked
    /// against its checksum and linked to the one before, as ``events(from:limit:verifyingHashes:)``.
    /// - Parameter positions: The positions to read; positions count from 1, and the part past the head is
    ///   left out.
    /// - Returns: The events, in position order; empty for an empty range or one past the head.
    /// - Throws: ``EventStoreError`` when an event of the range is corrupted or its link broken.
    public func events(at positions: Range<UInt64>) throws -> [RecordedEvent] {
        try log.events(at: positions)
    }

    /// The events of `stream` whose versions are in `versions` (``EventLogStorage/events(in:versions:)``).
    /// - Parameters:
    ///   - stream: The stream to read.
    ///   - versions: The stream versions to read; versions count from 1, and the part past the stream's
    ///     last is left out.
    /// - Returns: The events, in version order; empty for a stream without events.
    /// - Throws: ``EventStoreError`` when an event of the range is corrupted.
    public func events(in stream: StreamID, versions: Range<UInt64>) throws -> [RecordedEvent] {
        try log.events(in: stream, versions: versions)
    }
}
