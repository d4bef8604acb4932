/// The last version and hash of each stream an append transaction touches: what the next
/// event of the stream gets as its `streamVersion` and `streamPrevHash` (issue 10, item 2).
///
/// A stream's head is read once per transaction, from the last entry of the `streams`
/// index (its version, and the position it points to) and the hash stored at the end of
/// that position's record; after that, the cache carries it along the transaction's own
/// appends. The cache holds one entry per stream touched, as the versions always did.
struct StreamHeads {
    struct Head: Hashable {
        var version: UInt64
        /// The hash of the event at `version` (``ChainHash/zero`` at version 0).
        var hash: ChainHash
    }

    private var heads: [StreamID: Head] = [:]

    /// The head of `stream` as this transaction sees it.
    mutating func head<Transaction: StorageTransaction>(
        of stream: StreamID, symbols: SymbolTable, in transaction: Transaction
    ) throws -> Head {
        if let head = heads[stream] { return head }
        let head = try Self.read(stream, symbols: symbols, in: transaction)
        heads[stream] = head
        return head
    }

    /// Tells `transaction` that the heads of `streams` not read yet are about to be: their
    /// last index entries, then the records these point to, each kind in one round trip
    /// on a backend that pays one per read (``StorageTransaction/readsAreRoundTrips``).
    func prefetch<Transaction: StorageTransaction>(
        _ streams: some Collection<StreamID>, in transaction: Transaction
    ) throws {
        let unread = streams.filter { heads[$0] == nil }
        guard !unread.isEmpty else { return }
        let bounds = unread.map { StoreKeys.streamVersion($0.keyPrefix, UInt64.max) }
        try transaction.prefetchLast(.streams, atOrBefore: bounds)
        var records: [[UInt8]] = []
        for stream in unread {
            do {
                guard let entry = try Self.lastEntry(of: stream, in: transaction) else { continue }
                records.append(StoreKeys.position(entry.position))
            } catch let error as EventStoreError where error.code == .corrupted {
                continue  // not prefetched: `read` throws it when the head is asked for
            }
        }
        try transaction.prefetch(.events, keys: records)
    }

    /// Whether this transaction has read or advanced the head of `stream`.
    func knows(_ stream: StreamID) -> Bool { heads[stream] != nil }

    /// Gives `stream` the head `head` without reading the index: the head an import's
    /// earlier transactions left, whose index entries are not in the store yet (issue 13).
    mutating func seed(_ stream: StreamID, with head: Head) {
        precondition(heads[stream] == nil, "a stream's head is seeded before this transaction reads it")
        heads[stream] = head
    }

    /// Every head this transaction read or advanced.
    var all: [StreamID: Head] { heads }

    /// Notes the event just appended to `stream`.
    mutating func advance(_ stream: StreamID, to head: Head) {
        precondition(
            head.version == (heads[stream]?.version ?? 0) + 1, "a stream's head advances one version at a time")
        heads[stream] = head
    }

    /// The last entry of `stream` in the `streams` index: its version and the position it
    /// points to; `nil` for a stream with no event.
    /// - Throws: ``EventStoreError`` (`.corrupted`) for an entry whose version or position
    ///   does not parse.
    private static func lastEntry<Transaction: StorageTransaction>(
        of stream: StreamID, in transaction: Transaction
    ) throws -> (version: UInt64, position: UInt64)? {
        let prefix = stream.keyPrefix
        guard let entry = try transaction.last(.streams, atOrBefore: StoreKeys.streamVersion(prefix, UInt64.max)),
            StoreKeys.hasPrefix(entry.key, prefix, totalLength: prefix.count + 8)
        else { return nil }
        guard let version = ByteReader.bigEndian(UnsafeRawBufferPointer(rebasing: entry.key[prefix.count...])),
            let position = ByteReader.bigEndian(entry.value)
        else {
            throw EventStoreError(.corrupted, "the stream index of \(stream) holds a bad entry")
        }
        return (version, position)
    }

    private static func read<Transaction: StorageTransaction>(
        _ stream: StreamID, symbols: SymbolTable, in transaction: Transaction
    ) throws -> Head {
        guard let (version, position) = try lastEntry(of: stream, in: transaction) else {
            return Head(version: 0, hash: .zero)
        }
        guard let record = try transaction.get(.events, key: StoreKeys.position(position)),
            let hash = RecordCodec.storedHash(record)
        else {
            throw EventStoreError.corrupted(
                at: position, "the stream index of \(stream) points to a missing or short record")
        }
        // The next event's streamPrevHash is written for good: the record must be the
        // stream's event at that version, not one an entry read flipped points to (seed 82).
        let header = try? RecordCodec.streamHeader(record)
        let category = symbols.id(of: stream.category).map(UInt64.init)
        guard let header, header.version == version, header.streamID == stream.id,
            category == nil || header.categorySymbol == category
        else {
            throw EventStoreError.corrupted(
                at: position, "the stream index of \(stream) names version \(version), the event is another")
        }
        return Head(version: version, hash: hash)
    }
}
