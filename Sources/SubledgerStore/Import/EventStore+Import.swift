/// An import of any size, all or nothing (issue 13): ``EventStore/withImport(_:)``.
extension EventStore {
    /// Runs `body` with an import session: each of its appends is one bounded write
    /// transaction beyond the store's visible head, and all of them become visible at
    /// once, when `body` returns, in one last small commit. Until then readers see the
    /// store as it was, and every other writer (of this process or another) is refused
    /// at once with ``EventStoreError/Code/importInProgress``. If `body` throws, or the
    /// process dies, nothing of the import is ever visible: it is rolled back now, or when
    /// the store is next opened for writing.
    ///
    /// The importing process holds the store's import lock (``ImportLock``, `flock` on
    /// `import.lock` in the store's folder) for the whole import. The stored projection
    /// does not fold the import's events; it catches up once they are visible.
    /// - Parameter body: Appends through the session; its value is returned.
    /// - Returns: What `body` returned, once the import is visible.
    /// - Throws: What `body` throws; ``EventStoreError`` (``EventStoreError/Code/importInProgress``
    ///   when another import runs, ``EventStoreError/Code/notWritable`` for a read-only store, or
    ///   what an append throws). Nothing of the import is visible then, unless the error
    ///   came after the last commit, from the stored projection's catch-up (the next open
    ///   catches it up; readers fold the log meanwhile).
    public func withImport<R>(_ body: (ImportSession) throws -> R) throws -> R {
        try refuseIfReadOnly("to import")
        guard let lock = try log.takeImportLock() else {
            throw EventStoreError(
                .importInProgress, "another import into this store is running (it holds its import lock): refusing this one; nothing was written")
        }
        defer { lock.release() }
        let marker = try log.beginImport(id: .random())
        let session: ImportSession
        do {
            session = ImportSession(log: log, marker: marker, runs: try log.makeImportIndexRuns())
        } catch {
            _ = try? log.rollBackPendingImport()
            throw error
        }
        defer { session.isOpen = false }
        let result: R
        do {
            result = try body(session)
            session.isOpen = false
            if let runs = session.runs { try log.mergeImportIndexRuns(runs, for: marker) }
            try log.makeImportVisible(session.marker)
        } catch {
            // The runs go first: on a full disk, the space they free is what the rollback's
            // commits need. What the import wrote is removed now; if that fails, at the next
            // open for writing.
            session.runs?.remove()
            // When the lock itself is gone (PostgreSQL: the session holding it ended), it is
            // given up and taken again on a new session, to roll back now if it is still free.
            if (try? log.rollBackPendingImport()) == nil, !lock.isHeld {
                lock.release()
                _ = try? log.rollBackInterruptedImport()
            }
            throw error
        }
        try log.settleAfterImport()
        return result
    }
}

/// An import in progress (``EventStore/withImport(_:)``): each append is one write
/// transaction beyond the visible head. Valid only inside the closure it is given to.
public final class ImportSession {
    let log: any EventLogProtocol
    let marker: PendingImport
    /// Where the import's index entries wait for its end (``ImportIndexRuns``); `nil` when
    /// the backend writes them at once.
    let runs: ImportIndexRuns?
    var isOpen = true

    init(log: any EventLogProtocol, marker: PendingImport, runs: ImportIndexRuns?) {
        self.log = log
        self.marker = marker
        self.runs = runs
    }

    /// The position of the import's first event.
    public var firstPosition: UInt64 { marker.firstPosition }

    /// Appends `events` in one write transaction, invisible until the import ends. Keep a
    /// transaction to ``StoreLimits/importTransactionEvents`` events and about
    /// ``StoreLimits/importTransactionBytes``: that bounds the memory and the pages written.
    /// - Parameter events: The events, in the order they take positions; an event whose id
    ///   is recorded with the same content (before or in this import) is an idempotent retry.
    /// - Returns: The position of each event, how many were new, and the import's head so far.
    /// - Throws: ``EventStoreError`` as ``EventStore/append(_:expecting:)`` does; the import
    ///   then writes nothing more and is rolled back when `body` rethrows.
    @discardableResult
    public func append(_ events: [ProposedEvent]) throws -> AppendResult {
        precondition(isOpen, "an import session is used after its closure returned")
        precondition(events.count <= StoreLimits.importTransactionEvents, "an import's transaction is bounded")
        return try log.append(events, expecting: [:], importing: marker, runs: runs)
    }

    /// The version of `stream` with the import's own events.
    /// - Parameter stream: The stream.
    /// - Returns: The version of its last event; 0 when it has none.
    /// - Throws: ``EventStoreError`` when the store cannot be read.
    public func version(of stream: StreamID) throws -> UInt64 {
        try log.importedVersion(of: stream, runs: runs)
    }
}

@available(*, unavailable)
extension ImportSession: Sendable {}
