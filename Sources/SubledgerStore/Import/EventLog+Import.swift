import Logging

/// An import in bounded write transactions beyond the visible head (issue 13 items 1-3):
/// a marker first, the events past it, the marker removed last.
extension EventLog {
    /// Writes the marker of a new import from the position after the log's last. The
    /// caller holds the import lock: a marker already there is an interrupted import's,
    /// rolled back first.
    /// - Throws: ``EventStoreError`` when the marker cannot be written.
    func beginImport(id: EventID) throws -> PendingImport {
        if try wrapped("reading the pending-import marker", { try backend.read { try PendingImport.read(in: $0) } })
            != nil
        {
            try rollBackPendingImport()
        }
        let startedAt = clock.now()
        return try wrapped("beginning an import") {
            try backend.write { transaction in
                if let pending = try PendingImport.read(in: transaction) { throw pending.refusal(of: "another import") }
                let first = try PendingImport.lastPosition(in: transaction) + 1
                let marker = PendingImport(firstPosition: first, importID: id, startedAt: startedAt)
                try marker.write(in: transaction)
                return marker
            }
        }
    }

    /// Removes `marker`: every event of its import becomes visible at this commit.
    /// - Throws: ``EventStoreError`` when the marker is not `marker` or the write fails
    ///   (nothing is visible then).
    func makeImportVisible(_ marker: PendingImport) throws {
        let head = try wrapped("making the import visible") {
            try backend.write { transaction -> UInt64 in
                guard try PendingImport.read(in: transaction) == marker else {
                    throw EventStoreError(
                        .importInProgress,
                        "the marker of the import \(marker.importID) is gone or another's: nothing was made visible")
                }
                try PendingImport.remove(in: transaction)
                // The import's last event is the log's: the head every reader now sees.
                let head = try PendingImport.lastPosition(in: transaction)
                try transaction.announceHead(head)
                return head
            }
        }
        headSignal.headMoved(to: head)
    }

    /// After an import became visible: forgets its journal and catches the stored
    /// projection up, in bounded transactions (until then readers of the projection fold
    /// the log, ``ProjectionValue/isCurrent``; a crash here leaves both to the next open).
    /// A projection that holds nothing yet (a new store's: its checkpoint at 0) is rebuilt
    /// instead, which is the same fold: the log read and decoded on two cores, the states
    /// folded in memory and written once, in key order (issue 13; memory grows with the
    /// lines, as the import's own checking did).
    /// - Returns: How the projection was made current.
    /// - Throws: ``EventStoreError`` when a write fails (the import stays visible).
    @discardableResult
    func settleAfterImport() throws -> ProjectionSettlement {
        while try wrapped(
            "forgetting the import's journal",
            { try backend.write { try ImportJournal.clear(budget: Self.importRollbackChunk, in: $0) } }) > 0
        {}
        guard try !projectionIsEmptyBehindTheLog() else {
            _ = try rebuildProjection()
            return .rebuilt
        }
        try openProjection()
        return .caughtUp
    }

    /// Whether the stored projection is of this identity, at position 0, with events after it.
    private func projectionIsEmptyBehindTheLog() throws -> Bool {
        guard let projection else { return false }
        return try wrapped("reading the projection's checkpoint") {
            try backend.read { transaction in
                guard let checkpoint = try ProjectionCheckpoint.read(in: transaction),
                    checkpoint.identity == projection.identity, checkpoint.position == 0
                else { return false }
                return try Self.headPosition(in: transaction) > 0
            }
        }
    }

    /// What opening the store for writing does once its id is there: an interrupted
    /// import is rolled back, then the stored projection made current.
    /// - Throws: ``EventStoreError`` when either fails.
    func openForWriting() throws {
        try rollBackInterruptedImport()
        try openProjection()
    }

    /// Rolls back an interrupted import when the store is opened for writing: when a
    /// marker is there and its import lock can be taken (its importer is gone). A running
    /// import (the lock is held) is left alone; its marker refuses this process's writes.
    /// - Throws: ``EventStoreError`` when the lock or the rollback fails.
    func rollBackInterruptedImport() throws {
        guard try wrapped("reading the pending-import marker", { try backend.read { try PendingImport.read(in: $0) } })
            != nil
        else { return }
        guard let lock = try backend.takeImportLock() else {
            logger.info(
                "an import is running in another process: its events stay invisible until it ends",
                metadata: [StoreLogging.eventKey: "store.importRunning"])
            return
        }
        defer { lock.release() }
        try rollBackPendingImport()
    }

    /// The store's import lock, taken without waiting; `nil` when another holds it.
    func takeImportLock() throws -> ImportLock? { try backend.takeImportLock() }

    /// The version of `stream` with a pending import's events (what the importer sees).
    func importedVersion(of stream: StreamID) throws -> UInt64 {
        try wrapped("reading the version of \(stream)") {
            try backend.read { transaction in try Self.lastIndexedVersion(of: stream.keyPrefix, in: transaction) }
        }
    }
}

/// How ``EventLog/settleAfterImport()`` made the stored projection current.
enum ProjectionSettlement: Equatable {
    /// Folded from nothing, the whole log (a projection at position 0).
    case rebuilt
    /// Caught up from its checkpoint (or current already, or no projection).
    case caughtUp
}
