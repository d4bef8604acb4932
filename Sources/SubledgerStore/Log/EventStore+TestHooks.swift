/// Hooks for tests of tamper detection and format refusal: they write what no store
/// would, to show that the store notices.
extension EventStore {
    /// Flips bits of one byte of the stored event at `position` (tests of tamper detection).
    /// - Parameters:
    ///   - position: The event's position.
    ///   - byteOffset: The byte of its record to change, from 0.
    ///   - mask: The bits to flip.
    /// - Throws: ``EventStoreError`` when there is no such event or byte, or the write fails.
    @_spi(Testing)
    public func corruptStoredEvent(at position: UInt64, byteOffset: Int, mask: UInt8 = 0x01) throws {
        try log.corrupt(position: position, byteOffset: byteOffset, mask: mask)
    }

    /// Deletes the table of stored projections from an LMDB store, making it a store of
    /// before that table existed (tests of reading such a store). Close the store after.
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/storage`` for a store in memory or a
    ///   failed write.
    @_spi(Testing)
    public func deleteStoredProjectionTable() throws {
        guard let log = log as? EventLog<LMDBBackend> else {
            throw EventStoreError(.storage, "only a store on disk has tables to delete")
        }
        try log.backend.write { transaction in try transaction.deleteTable(.projections) }
    }

    /// Stamps the store with another format version (tests of format refusal).
    /// - Parameter version: The format version to write in the store's meta table.
    /// - Throws: ``EventStoreError`` when the write fails.
    @_spi(Testing)
    public func stampFormatVersion(_ version: UInt64) throws {
        try log.stampFormat(version)
    }
}
