/// The store's identity: a random UUID kept in `meta`, named in every checkpoint's origin
/// (`subledger/<id>`) and in the store's key file, so that a checkpoint or a key file of
/// one store is never taken for another's.
extension EventLog {
    /// Gives the store an id when it has none (a new store, or one made before ids): one
    /// write transaction that keeps an id already there.
    func ensureStoreID() throws {
        let present = try wrapped("reading the store's id") {
            try backend.read { transaction in try transaction.get(.meta, key: StoreKeys.storeIDKey) != nil }
        }
        // An open of a store that has its id writes nothing (no commit, no fsync).
        guard !present else { return }
        try wrapped("giving the store its id") {
            try backend.write { transaction in
                let id = CheckedValue.sealed(EventID.random().description.utf8, key: StoreKeys.storeIDKey)
                _ = try transaction.put(.meta, key: StoreKeys.storeIDKey, value: id, mode: .insertOnly)
            }
        }
    }

    /// The id kept in `meta`, with its checksum (``CheckedValue``; a store given its id before
    /// ids carried one has the 36 bytes alone): an id read flipped would still look like a
    /// UUID, and a checkpoint would be signed for another store's origin (the simulator's
    /// seed 23 with every table corrupted, docs/testing.md).
    /// - Throws: ``EventStoreError`` when the store has none (a store opened read-only that
    ///   was never opened for writing since ids were introduced), it does not match its
    ///   checksum, or it is not a UUID.
    func storeID() throws -> String {
        let bytes = try wrapped("reading the store's id") {
            try backend.read { transaction in try transaction.get(.meta, key: StoreKeys.storeIDKey).map { Array($0) } }
        }
        guard let bytes else {
            throw EventStoreError(
                .notAStore,
                "the store has no id yet: open it once for writing (any command that records) to give it one")
        }
        let payload = try CheckedValue.open(
            bytes, key: StoreKeys.storeIDKey, payloadLength: 36, what: "the store's id in its meta table")
        let text = String(decoding: payload, as: UTF8.self)
        guard EventID(text) != nil else {
            throw EventStoreError(.corrupted, "the store's id in its meta table is not a UUID")
        }
        return text
    }
}

extension EventStore {
    /// The store's id: a lowercase UUID made when the store was created, the origin of its
    /// checkpoints (`subledger/<id>`) and the owner named in its key file.
    /// - Returns: The id, 36 characters.
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/notAStore`` when the store has no id
    ///   yet (never opened for writing), ``EventStoreError/Code/corrupted`` when the stored id is not
    ///   a UUID, ``EventStoreError/Code/storage`` when it cannot be read.
    public func storeID() throws -> String {
        try log.storeID()
    }
}
