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

    /// The version of `stream` with a pending import's events (what the importer sees):
    /// its head in `runs` when the import touched it, else its last indexed version.
    func importedVersion(of stream: StreamID, runs: ImportIndexRuns?) throws -> UInt64 {
        if let head = runs?.head(of: stream) { return head.version }
        return try wrapped("reading the version of \(stream)") {
            try backend.read { transaction in try Self.lastIndexedVersion(of: stream.keyPrefix, in: transaction) }
        }
    }

    /// Where a new import keeps its index entries until it ends (``ImportIndexRuns``), made
    /// empty; `nil` when the backend has no folder for them (its imports write their index
    /// entries at once). The caller holds the import lock.
    /// - Throws: ``EventStoreError`` (`.storage`) when the folder cannot be made.
    func makeImportIndexRuns() throws -> ImportIndexRuns? {
        guard let storeFolder = backend.importRunFolder else { return nil }
        return try ImportIndexRuns(folder: ImportIndexRuns.folder(ofStore: storeFolder))
    }

    /// Entries a merge transaction writes at most.
    static var importMergeChunk: Int { 100_000 }

    /// Writes the index entries the import `marker` kept in `runs` into their tables, each
    /// table's in key order, in write transactions of at most ``importMergeChunk`` entries,
    /// all still beyond the visible head (readers stop at the marker); then removes the runs.
    /// An entry goes at the end of its table (`MDB_APPEND`) when its chunk sorts after every
    /// key there, as in a new store; else it is inserted, and a key already there is refused.
    /// - Throws: ``EventStoreError`` when a run cannot be read, the marker is gone, or a write
    ///   fails: the import is then rolled back (what was merged goes with its events).
    func mergeImportIndexRuns(_ runs: ImportIndexRuns, for marker: PendingImport) throws {
        for table in DeferredIndexEntries.tables {
            var merged = try MergedIndexRuns(runs.runs(of: table))
            defer { merged.close() }
            while true {
                var chunk: [(key: [UInt8], value: [UInt8])] = []
                chunk.reserveCapacity(min(Self.importMergeChunk, 1 << 16))
                while chunk.count < Self.importMergeChunk, let entry = try merged.next() { chunk.append(entry) }
                guard !chunk.isEmpty else { break }
                try wrapped("merging the import's entries of \(table.name)") {
                    try backend.write { try mergeChunk(chunk, into: table, for: marker, in: $0) }
                }
            }
        }
        runs.remove()
    }

    private func mergeChunk(
        _ chunk: [(key: [UInt8], value: [UInt8])], into table: Table, for marker: PendingImport,
        in transaction: Backend.Transaction
    ) throws {
        guard try PendingImport.read(in: transaction) == marker else {
            throw EventStoreError(
                .importInProgress,
                "the marker of the import \(marker.importID) is gone or another's: its index entries were not merged")
        }
        let appends = try transaction.last(table, atOrBefore: nil).map {
            IndexRunBuilder.compare(Array($0.key), chunk[0].key) < 0
        } ?? true
        for entry in chunk {
            if appends {
                try transaction.put(table, key: entry.key, value: entry.value, mode: .append)
            } else if try transaction.put(table, key: entry.key, value: entry.value, mode: .insertOnly) != nil {
                throw EventStoreError(
                    .corrupted, "the import's entry of \(table.name) is already in the store: nothing was made visible")
            }
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
