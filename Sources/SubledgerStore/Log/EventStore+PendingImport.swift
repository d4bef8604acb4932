/// The log's side of an import beyond the visible head (issue 13), whatever its backend.
protocol ImportLog {
    func writePendingImport(_ marker: PendingImport?) throws
    func takeImportLock() throws -> ImportLock?
    func beginImport(id: EventID) throws -> PendingImport
    func append(
        _ events: [ProposedEvent], expecting expectations: [StreamID: ExpectedVersion], importing: PendingImport?,
        runs: ImportIndexRuns?
    ) throws -> AppendResult
    func importedVersion(of stream: StreamID, runs: ImportIndexRuns?) throws -> UInt64
    func makeImportIndexRuns() throws -> ImportIndexRuns?
    func mergeImportIndexRuns(_ runs: ImportIndexRuns, for marker: PendingImport) throws
    func makeImportVisible(_ marker: PendingImport) throws
    @discardableResult func settleAfterImport() throws -> ProjectionSettlement
    @discardableResult func rollBackPendingImport() throws -> PendingImport?
    func rollBackInterruptedImport() throws
    func openForWriting() throws
    func rowCounts() throws -> [String: Int]
}

extension EventLog {
    /// How many entries each table holds, by name, in one read.
    func rowCounts() throws -> [String: Int] {
        try wrapped("counting the tables' entries") {
            try backend.read { transaction in
                var counts: [String: Int] = [:]
                for table in Table.allCases { counts[table.name] = try transaction.count(table) }
                return counts
            }
        }
    }
}

extension EventLog {
    /// Stores `marker` in `meta`, or removes the one there when `nil`, in one write transaction.
    func writePendingImport(_ marker: PendingImport?) throws {
        try wrapped("writing the pending-import marker") {
            try backend.write { transaction in
                if let marker { try marker.write(in: transaction) } else { try PendingImport.remove(in: transaction) }
            }
        }
        // A removed marker shows events: waiting readers read again.
        if marker == nil { headSignal.wakeAll() }
    }
}

extension EventStore {
    /// Marks an import in progress from `firstPosition` (``PendingImport``): readers then
    /// stop at the position before it and other writers are refused with
    /// ``EventStoreError/Code/importInProgress`` (tests of the visible head, issue 13 item 1).
    ///
    /// - Parameters:
    ///   - firstPosition: the import's first position, 1 or more.
    ///   - id: the import's id.
    ///   - startedAt: when it began.
    /// - Throws: ``EventStoreError`` when the marker cannot be written.
    @_spi(Testing)
    public func markPendingImport(from firstPosition: UInt64, id: EventID, startedAt: Timestamp) throws {
        precondition(firstPosition >= 1, "an import's first position is 1 or more")
        try log.writePendingImport(PendingImport(firstPosition: firstPosition, importID: id, startedAt: startedAt))
    }

    /// Removes the pending-import marker: every event past the old visible head becomes visible at once.
    ///
    /// - Throws: ``EventStoreError`` when the marker cannot be removed.
    @_spi(Testing)
    public func clearPendingImport() throws {
        try log.writePendingImport(nil)
    }

    /// How many entries each table of the store holds, by table name (tests that a rolled
    /// back import left every table as it was).
    /// - Returns: The count of each table.
    /// - Throws: ``EventStoreError`` when the store cannot be read.
    @_spi(Testing)
    public func rowCounts() throws -> [String: Int] {
        try log.rowCounts()
    }
}
