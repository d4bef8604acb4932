/// A projection the store keeps beside its log: records folded from the events, written in
/// the same write transaction as the events they fold, current up to a checkpoint position.
///
/// The store calls ``fold(_:into:)`` with each appended batch's new events (never with an
/// idempotent retry), and, when its records are missing, stale or were written under
/// another ``identity``, folds the log into them again from the start
/// (``EventStore/rebuildProjection()``). A projection must be deterministic: folding the
/// same events gives the same bytes, however they were batched, so that a rebuild
/// reproduces the records byte for byte.
///
/// ## Topics
/// ### Folding
/// - ``fold(_:into:)``
/// - ``makeRebuild()``
public protocol StoredProjection: Sendable {
    /// The fold of the whole log from nothing, kept in memory.
    associatedtype Rebuild: ProjectionRebuild

    /// Names the projection's code and encoding. The store keeps it with the records; a
    /// store whose records were written under another identity rebuilds them at open.
    var identity: String { get }

    /// Folds `events`, newly appended in position order, into `records`. Runs inside the
    /// append's write transaction: a throw aborts the append, and nothing is written.
    func fold(_ events: [RecordedEvent], into records: some ProjectionRecords) throws

    /// A fresh in-memory fold, for a rebuild.
    func makeRebuild() -> Rebuild

    /// The fold of one write transaction, which may keep what it has read and folded
    /// across the transaction's batches (an import's) and write it when the transaction
    /// ends.
    associatedtype TransactionFold: ProjectionTransactionFold = DirectTransactionFold<Self>
    /// A fresh fold for one write transaction.
    func makeTransactionFold() -> TransactionFold
}

/// The projection's fold over the batches of one write transaction: ``fold(_:records:)``
/// after each batch, ``flush(records:)`` once before the commit. Between the two, the
/// records may lag behind what it holds; nothing else writes them meanwhile.
public protocol ProjectionTransactionFold {
    /// Folds the next batch's new events.
    mutating func fold(_ events: [RecordedEvent], records: some ProjectionRecords) throws
    /// Writes whatever it still holds.
    mutating func flush(records: some ProjectionRecords) throws
}

/// The transaction fold of a projection that writes as it folds.
public struct DirectTransactionFold<Projection: StoredProjection>: ProjectionTransactionFold {
    let projection: Projection

    /// Folds the batch straight into `records` with the projection's ``StoredProjection/fold(_:into:)``.
    /// - Parameters:
    ///   - events: The batch's new events, in position order.
    ///   - records: The projection's records in the write transaction.
    /// - Throws: What the projection's fold throws; the append is then aborted.
    public mutating func fold(_ events: [RecordedEvent], records: some ProjectionRecords) throws {
        try projection.fold(events, into: records)
    }

    /// Does nothing: every batch was written as it was folded.
    /// - Parameter records: The projection's records in the write transaction (unused).
    /// - Throws: Nothing; the signature is the protocol's.
    public mutating func flush(records: some ProjectionRecords) throws {}
}

extension StoredProjection where TransactionFold == DirectTransactionFold<Self> {
    /// The default fold of a write transaction: a ``DirectTransactionFold`` over this projection.
    /// - Returns: A fold that writes each batch as it comes.
    public func makeTransactionFold() -> DirectTransactionFold<Self> { DirectTransactionFold(projection: self) }
}

/// The records of a projection inside one write transaction.
public protocol ProjectionRecords {
    /// The value stored under `key`, or `nil`.
    func value(for key: [UInt8]) throws -> [UInt8]?
    /// Stores `value` under `key`, replacing what was there.
    func setValue(_ value: [UInt8], for key: [UInt8]) throws
    /// Whether each ``value(for:)`` is a round trip to a server (PostgreSQL): a fold should
    /// then say first which records it is about to read (``prefetch(_:)``).
    var readsAreRoundTrips: Bool { get }
    /// Says that ``value(for:)`` is about to be asked for each of `keys`, so that they are
    /// read in one round trip; the values read are the same.
    func prefetch(_ keys: [[UInt8]]) throws
}

extension ProjectionRecords {
    /// `false`: records whose reads are memory reads.
    public var readsAreRoundTrips: Bool { false }

    /// Does nothing: records whose reads are memory reads.
    /// - Parameter keys: The keys about to be read (unused).
    /// - Throws: Nothing here.
    public func prefetch(_ keys: [[UInt8]]) throws {}
}

/// A fold of the whole log in memory: the fast path of a rebuild.
///
/// The store reads the log in chunks, turns each chunk into ``Prepared`` with
/// ``prepare(_:)`` on other cores (several chunks at once), and hands the prepared chunks to
/// ``fold(_:)`` in position order; then it asks for every record in ascending key order
/// (bytes compared lexicographically, as the store sorts them). A rebuild should be a value
/// type: the store may start its final step again from a copy.
public protocol ProjectionRebuild {
    /// A chunk of events made ready to fold (decoded into the projection's own types).
    associatedtype Prepared: Sendable = [RecordedEvent]
    /// Makes a chunk ready to fold; pure, run on any thread, concurrently with other chunks.
    static func prepare(_ events: [RecordedEvent]) throws -> Prepared
    /// Folds the next chunk of the log.
    mutating func fold(_ prepared: Prepared) throws
    /// Calls `write` with every record, keys strictly ascending. Called once, at the end of
    /// the rebuild: it may let go of what each record was made from as soon as it is handed
    /// out (issue 13: a rebuild's states and the write transaction's dirty pages were both
    /// held at their largest at once). If the write is attempted again, the store folds the
    /// log again into a new rebuild rather than call this twice.
    mutating func records(_ write: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) throws
}

extension ProjectionRebuild where Prepared == [RecordedEvent] {
    /// The default preparation: the chunk as read, for a rebuild that folds recorded events.
    /// - Parameter events: A chunk of the log, in position order.
    /// - Returns: `events`, unchanged.
    /// - Throws: Nothing; the signature is the protocol's.
    public static func prepare(_ events: [RecordedEvent]) throws -> [RecordedEvent] { events }
}

/// What ``EventStore/projectionValue(for:)`` read: the value and whether the projection
/// was current (its checkpoint at the head of the log) in the same read transaction.
public struct ProjectionValue: Sendable {
    /// The stored value, or `nil` when the key has none.
    public var value: [UInt8]?
    /// Whether the records fold every event of the log; when `false`, the value may be
    /// stale and the caller should fold the log itself.
    public var isCurrent: Bool
}

/// What a rebuild did (``EventStore/rebuildProjection()``).
public struct ProjectionRebuildReport: Hashable, Sendable {
    /// Events folded: the whole log up to `checkpoint`.
    public var eventsFolded: UInt64
    /// Records written.
    public var recordsWritten: Int
    /// The position the records are current up to.
    public var checkpoint: UInt64
    /// Whether the records written are byte for byte those the store held before, with
    /// the same identity and checkpoint (compared by a SHA-256 over every key and value).
    public var identicalToPrevious: Bool
    /// How many records the store held before the rebuild.
    public var previousRecords: Int
}
