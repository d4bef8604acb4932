/// Appends of many batches in one write transaction (``EventStore/withAppendSession(_:)``):
/// an import of a whole file commits all its events or none.
///
/// Valid only inside the closure it is given to; not `Sendable`.
public final class AppendSession {
    var batch: any AppendBatchProtocol
    var isOpen = true
    /// Set when a batch failed after it began to write: the session can then only abort,
    /// even if the caller caught the error (a half-written batch is never committed).
    private(set) var failure: EventStoreError?

    init(batch: some AppendBatchProtocol) {
        self.batch = batch
    }

    /// Appends one batch within the session's transaction; see ``EventStore/append(_:expecting:)``.
    /// A batch refused before it writes anything (an invalid event) leaves the session
    /// usable; any other failure ends it: later appends are refused and the session
    /// commits nothing, even if the caller catches the error.
    /// - Parameters:
    ///   - events: The batch, in the order its events take positions.
    ///   - expecting: The version each named stream must be at before the batch.
    /// - Returns: The position of each event of the batch, how many were new, and the head so far.
    /// - Throws: ``EventStoreError`` as ``EventStore/append(_:expecting:)`` does
    ///   (``EventStoreError/Code/invalidEvent`` for an event ``StoreLimits/problem(of:)`` refuses, before
    ///   anything is written); after an earlier failure, the code of that failure.
    @discardableResult
    public func append(_ events: [ProposedEvent], expecting: [StreamID: ExpectedVersion] = [:]) throws -> AppendResult {
        precondition(isOpen, "an append session is used after its closure returned")
        if let failure {
            throw EventStoreError(
                failure.code, "an earlier batch of this session failed (\(failure.message)); the session writes nothing"
            )
        }
        for (index, event) in events.enumerated() {
            if let problem = StoreLimits.problem(of: event) {
                throw EventStoreError(
                    .invalidEvent, "event \(index + 1) of the batch (\(event.type)): \(problem); nothing was written",
                    stream: event.stream)
            }
        }
        do {
            batch.startNextBatch()
            try batch.prefetchReads(of: events)
            for event in events { try batch.add(event, expectations: expecting) }
            try batch.checkUntouched(expecting)
            try batch.finishBatch()
            return AppendResult(
                positions: batch.positions, appendedCount: batch.appendedCount, headPosition: batch.headPosition)
        } catch {
            let failure = EventStoreError.storage(error, while: "appending \(events.count) events in a session")
            self.failure = failure
            throw failure
        }
    }

    /// Tells the session's transaction what appending `events` will read, so that a backend
    /// that pays a round trip per read (PostgreSQL) fetches it at once: a group commit's
    /// callers' batches, before the first of them is appended.
    /// - Parameter events: The events about to be appended, by any number of later calls.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/storage`` when the store cannot be read).
    func prefetchReads(of events: [ProposedEvent]) throws {
        do { try batch.prefetchReads(of: events) } catch {
            throw EventStoreError.storage(error, while: "reading ahead for \(events.count) events")
        }
    }

    /// The version of `stream` as this session sees it (its own appends included).
    /// - Parameter stream: The stream.
    /// - Returns: The version of its last event; 0 when it has none.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/storage`` when the store cannot be read).
    public func version(of stream: StreamID) throws -> UInt64 {
        do { return try batch.version(of: stream) } catch {
            throw EventStoreError.storage(error, while: "reading the version of \(stream)")
        }
    }
}

@available(*, unavailable)
extension AppendSession: Sendable {}

/// The batch operations a session needs, whatever the backend.
protocol AppendBatchProtocol {
    var symbols: SymbolTable { get }
    var positions: [UInt64] { get }
    var appendedCount: Int { get }
    var headPosition: UInt64 { get }
    var movedHead: UInt64? { get }
    func announceMovedHead() throws
    mutating func startNextBatch()
    func prefetchReads(of events: [ProposedEvent]) throws
    mutating func add(_ event: ProposedEvent, expectations: [StreamID: ExpectedVersion]) throws
    func checkUntouched(_ expectations: [StreamID: ExpectedVersion]) throws
    mutating func finishBatch() throws
    mutating func finishTransaction() throws
    mutating func version(of stream: StreamID) throws -> UInt64
}

extension AppendBatch: AppendBatchProtocol {
    mutating func version(of stream: StreamID) throws -> UInt64 {
        try currentVersion(of: stream)
    }
}
