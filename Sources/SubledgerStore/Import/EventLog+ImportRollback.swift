import Logging

/// The rollback of an import that never became visible (issue 13 item 4). Its rows were
/// never facts (no reader saw them): removing them deletes no fact.
extension EventLog {
    /// Rows a rollback transaction removes at most (events, Merkle nodes, journal entries).
    static var importRollbackChunk: Int { 10_000 }

    /// Removes what the import of the marker in `meta` wrote, in write transactions of at
    /// most ``importRollbackChunk`` rows: its events from the last down, with their index
    /// entries and disclosures; the Merkle nodes past the visible head; the subject keys
    /// its journal names; then the marker, last. Interrupted, it resumes where it stopped.
    /// The caller holds the import lock.
    /// - Returns: The marker rolled back; `nil` when there was none.
    /// - Throws: ``EventStoreError`` when a record does not decode or a write fails (the marker stays).
    @discardableResult
    func rollBackPendingImport() throws -> PendingImport? {
        let read = { try self.backend.read { try PendingImport.read(in: $0) } }
        guard let marker = try wrapped("reading the pending-import marker", read) else { return nil }
        let metadata: Logger.Metadata = [
            StoreLogging.eventKey: "store.importRollback", "from": "\(marker.firstPosition)",
            "import": "\(marker.importID)",
        ]
        let what = "the import \(marker.importID) begun at \(marker.startedAt), never made visible"
        logger.notice(
            "rolling back \(what): removing what it wrote from position \(marker.firstPosition) on",
            metadata: metadata)
        var events = 0
        var finished = false
        while !finished {
            try wrapped("rolling back the import from position \(marker.firstPosition)") {
                try backend.write { transaction in
                    guard try PendingImport.read(in: transaction) == marker else {
                        finished = true
                        return
                    }
                    var budget = Self.importRollbackChunk
                    let removed = try removeImportedEvents(from: marker.firstPosition, budget: budget, in: transaction)
                    events += removed
                    budget -= removed
                    guard budget > 0 else { return }
                    var nodes: [[UInt8]] = []
                    try MerkleNodes.forEachKey(pastSize: marker.visibleHead, in: transaction) { key in
                        nodes.append(key)
                        return nodes.count < budget
                    }
                    for key in nodes { try transaction.delete(.merkleNodes, key: key) }
                    budget -= nodes.count
                    guard budget > 0 else { return }
                    budget -= try ImportJournal.rollBack(marker, budget: budget, in: transaction)
                    guard budget > 0 else { return }
                    try PendingImport.remove(in: transaction)
                    finished = true
                }
            }
        }
        removeImportIndexRuns()
        logger.notice(
            "rolled back the import \(marker.importID): the log ends at position \(marker.visibleHead) as before it",
            metadata: metadata.merging(["events": "\(events)"]) { $1 })
        return marker
    }

    /// Removes the runs folder an import left (``ImportIndexRuns``), if the backend has one.
    func removeImportIndexRuns() {
        guard let storeFolder = backend.importRunFolder else { return }
        ImportIndexRuns.removeLeftovers(in: ImportIndexRuns.folder(ofStore: storeFolder))
    }

    /// Removes up to `budget` events from the log's last down to `first`, with their
    /// stream, time and id index entries and their disclosures; returns how many.
    private func removeImportedEvents(from first: UInt64, budget: Int, in transaction: Backend.Transaction) throws
        -> Int
    {
        var symbols = symbolsSnapshot
        var scratch: [UInt8] = []
        var removed = 0
        while removed < budget, let last = try transaction.last(.events, atOrBefore: nil) {
            guard let position = ByteReader.bigEndian(last.key) else {
                throw EventStoreError(.corrupted, "the last key of the log is not a position")
            }
            guard position >= first else { break }
            let event = try decode(
                last.value, position: position, symbols: &symbols, in: transaction, scratch: &scratch,
                verifyHash: false)
            let prefix = event.stream.keyPrefix
            let version = event.streamVersion
            try transaction.delete(.events, key: StoreKeys.position(position))
            try delete(.streams, StoreKeys.streamVersion(prefix, version), ifAt: position, in: transaction)
            try delete(
                .streamTimes, StoreKeys.streamTime(prefix, event.occurredAt, version), ifAt: position, in: transaction)
            try delete(.eventIDs, StoreKeys.eventID(event.eventID), ifAt: position, in: transaction)
            try transaction.delete(.disclosures, key: StoreKeys.streamVersion(prefix, position))
            removed += 1
        }
        return removed
    }

    /// Deletes the index entry `key` of `table` when it points at `position` (an entry
    /// that points elsewhere is not the import's).
    private func delete(_ table: Table, _ key: [UInt8], ifAt position: UInt64, in transaction: Backend.Transaction)
        throws
    {
        guard let value = try transaction.get(table, key: key), ByteReader.bigEndian(value) == position else { return }
        try transaction.delete(table, key: key)
    }
}
