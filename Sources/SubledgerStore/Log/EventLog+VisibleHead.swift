/// The log as its readers see it: up to the visible head, which stops before a pending
/// import's events (``PendingImport``, issue 13 item 1).
extension EventLog {
    /// The version of the stream of key prefix `prefix` at the visible head: the version of
    /// its last event at or before that position (0 when it has none there). The stream's
    /// index entries are in position order, so the walk back passes only a pending import's.
    static func version(of prefix: [UInt8], in transaction: Backend.Transaction) throws -> UInt64 {
        guard let bound = try ReaderBound.bound(in: transaction) else {
            return try lastIndexedVersion(of: prefix, in: transaction)
        }
        var probe = StoreKeys.streamVersion(prefix, UInt64.max)
        while let entry = try transaction.last(.streams, atOrBefore: probe),
            StoreKeys.hasPrefix(entry.key, prefix, totalLength: prefix.count + 8)
        {
            let version = ByteReader.bigEndian(UnsafeRawBufferPointer(rebasing: entry.key[prefix.count...])) ?? 0
            guard let position = ByteReader.bigEndian(entry.value) else {
                throw EventStoreError(.corrupted, "the stream index entry of version \(version) is not a position")
            }
            if try !bound.hides(position, naming: "the stream index entry of version \(version)") {
                return version
            }
            guard version > 1 else { return 0 }
            probe = StoreKeys.streamVersion(prefix, version - 1)
        }
        return 0
    }

    /// The version of the last entry of the stream of key prefix `prefix` in the stream
    /// index, visible or not (0 when it has none).
    static func lastIndexedVersion(of prefix: [UInt8], in transaction: Backend.Transaction) throws -> UInt64 {
        guard let entry = try transaction.last(.streams, atOrBefore: StoreKeys.streamVersion(prefix, UInt64.max)),
            StoreKeys.hasPrefix(entry.key, prefix, totalLength: prefix.count + 8)
        else { return 0 }
        return ByteReader.bigEndian(UnsafeRawBufferPointer(rebasing: entry.key[prefix.count...])) ?? 0
    }

    /// The last visible position and its hash (0 and ``ChainHash/zero`` for an empty log).
    func head() throws -> (position: UInt64, hash: ChainHash) {
        try wrapped("reading the head of the log") {
            try backend.read { transaction in
                // Without a pending import, the last record, whatever its key: a bad one is reported.
                let limit = try ReaderBound.bound(in: transaction).map { StoreKeys.position($0.visibleHead) }
                guard limit != StoreKeys.position(0), let entry = try transaction.last(.events, atOrBefore: limit)
                else { return (0, .zero) }
                guard let position = ByteReader.bigEndian(entry.key), let hash = RecordCodec.storedHash(entry.value)
                else {
                    throw EventStoreError(.corrupted, "the last event of the log is corrupted")
                }
                return (position, hash)
            }
        }
    }

    /// The event recorded under `id`, if any.
    func event(withID id: EventID) throws -> RecordedEvent? {
        try wrapped("looking up event \(id)") {
            try backend.read { transaction in
                guard let value = try transaction.get(.eventIDs, key: StoreKeys.eventID(id)) else { return nil }
                guard let position = ByteReader.bigEndian(value) else {
                    throw EventStoreError(.corrupted, "the event id index is corrupted for \(id)")
                }
                if try ReaderBound.bound(in: transaction)?.hides(position, naming: "the event id index of \(id)") == true {
                    return nil
                }
                guard let bytes = try transaction.get(.events, key: StoreKeys.position(position)) else {
                    throw EventStoreError.corrupted(at: position, "the event id index points to a missing event")
                }
                var symbols = symbolsSnapshot
                var scratch: [UInt8] = []
                let event = try decode(bytes, position: position, symbols: &symbols, in: transaction, scratch: &scratch)
                try event.checkIndexed(as: id)
                return event
            }
        }
    }

    /// The current version of `stream` (0 when it has no event).
    func version(of stream: StreamID) throws -> UInt64 {
        try wrapped("reading the version of \(stream)") {
            try backend.read { transaction in try Self.version(of: stream.keyPrefix, in: transaction) }
        }
    }
}
