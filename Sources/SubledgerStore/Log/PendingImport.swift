/// The marker of an import in progress (issue 13 item 1), kept in `meta` while an import
/// writes its events in bounded transactions beyond the store's visible head.
///
/// While it is there, every reader stops at ``visibleHead``, the position before the
/// import's first (``firstPosition`` - 1), and every other writer is refused with
/// ``EventStoreError/Code/importInProgress``. The import's last transaction removes it:
/// that commit makes all the import's events visible at once.
struct PendingImport: Equatable {
    /// The position of the import's first event.
    var firstPosition: UInt64
    /// The import's id, for the log and for the refusal of other writers.
    var importID: EventID
    /// When the import began, by the store's clock.
    var startedAt: Timestamp

    static let key = Array("import.pending".utf8)

    /// The last position readers may see while the import runs.
    var visibleHead: UInt64 { firstPosition - 1 }

    /// The marker stored in `transaction`, or `nil` when no import is in progress.
    /// - Throws: ``EventStoreError/Code/corrupted`` when the stored marker is malformed.
    /// The marker is sealed (``CheckedValue``): a flipped `firstPosition` would hide committed
    /// events from every reader and have the rollback at the next open remove them. A marker
    /// of the unsealed 32 bytes (written before markers carried a checksum) is read as it is.
    static func read(in transaction: some StorageTransaction) throws -> PendingImport? {
        guard let stored = try transaction.get(.meta, key: key) else { return nil }
        let value = Array(
            try CheckedValue.open(stored, key: key, payloadLength: 32, what: "the store's pending-import marker"))
        func word(at offset: Int) -> UInt64? {
            value.withUnsafeBytes { ByteReader.bigEndian(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + 8])) }
        }
        guard let first = word(at: 0), let high = word(at: 8), let low = word(at: 16), let started = word(at: 24),
            first >= 1
        else {
            throw EventStoreError(.corrupted, "the store's pending-import marker is malformed")
        }
        let id = EventID(high: high, low: low)
        return PendingImport(
            firstPosition: first, importID: id,
            startedAt: Timestamp(millisecondsSinceEpoch: Int64(bitPattern: started)))
    }

    /// Stores the marker in `transaction`.
    func write(in transaction: some StorageTransaction) throws {
        var value = StoreKeys.position(firstPosition)
        value += importID.bytes
        ByteWriter.appendBigEndian(UInt64(bitPattern: startedAt.millisecondsSinceEpoch), to: &value)
        try transaction.put(.meta, key: Self.key, value: CheckedValue.sealed(value, key: Self.key), mode: .upsert)
    }

    /// Removes the marker from `transaction`: the import's events become visible at its commit.
    static func remove(in transaction: some StorageTransaction) throws {
        try transaction.delete(.meta, key: key)
    }

    /// The refusal of another writer while this import runs.
    func refusal(of action: String) -> EventStoreError {
        EventStoreError(
            .importInProgress,
            "an import (\(importID)) is in progress from position \(firstPosition), begun at \(startedAt): refusing \(action); nothing was written",
            position: firstPosition)
    }

    /// The last position a reader of `transaction` sees: the position before a pending
    /// import's first, else the last of the log (0 when it is empty).
    /// - Throws: ``EventStoreError/Code/corrupted`` when the last key or the marker is malformed.
    static func visibleHead(in transaction: some StorageTransaction) throws -> UInt64 {
        if let pending = try read(in: transaction) { return pending.visibleHead }
        return try lastPosition(in: transaction)
    }

    /// The last position stored in `transaction`, visible or not (0 for an empty log).
    static func lastPosition(in transaction: some StorageTransaction) throws -> UInt64 {
        guard let entry = try transaction.last(.events, atOrBefore: nil) else { return 0 }
        guard let position = ByteReader.bigEndian(entry.key) else {
            throw EventStoreError(.corrupted, "the last key of the log is not a position")
        }
        return position
    }
}

/// What a reader hides while an import is pending: the positions past the visible head
/// that the import wrote. Made only when a marker is there (``bound(in:)``): without
/// one, readers read as they always did, and an index entry pointing past the log's end
/// is the corruption their checks report. With one, an entry past the visible head but
/// within what the log stores is the import's and is hidden; one past the log's end is
/// still corruption, never a silently shorter read.
struct ReaderBound {
    /// The last position readers see.
    let visibleHead: UInt64
    /// The last position stored (the import's last written event).
    let lastStored: UInt64

    /// The bound of `transaction`, or `nil` when no import is pending.
    /// - Throws: ``EventStoreError/Code/corrupted`` when the marker or the last key is malformed.
    static func bound(in transaction: some StorageTransaction) throws -> ReaderBound? {
        guard let pending = try PendingImport.read(in: transaction) else { return nil }
        return ReaderBound(
            visibleHead: pending.visibleHead, lastStored: try PendingImport.lastPosition(in: transaction))
    }

    /// Whether the index entry pointing at `position` is hidden (a pending import's).
    /// - Throws: ``EventStoreError/Code/corrupted`` when `position` is past what the log stores.
    func hides(_ position: UInt64, naming what: @autoclosure () -> String) throws -> Bool {
        guard position > visibleHead else { return false }
        guard position <= lastStored else {
            throw EventStoreError.corrupted(at: position, "\(what()) points past the end of the log")
        }
        return true
    }
}
