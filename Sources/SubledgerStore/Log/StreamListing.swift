/// Listing the streams of one category (issue 13): the store knows streams by category and
/// id only; the caller names the category (the ledger's `line`, for instance).
protocol StreamListing {
    /// Up to `limit` ids of the streams of `category` that hold an event, after `after`
    /// (from the first when `nil`), in the byte order of their UTF-8 ids, read in one short
    /// read transaction.
    func streamIDs(category: String, after: String?, limit: Int) throws -> [String]
}

extension EventLog: StreamListing {
    func streamIDs(category: String, after: String?, limit: Int) throws -> [String] {
        guard limit > 0 else { return [] }
        var categoryPrefix = Array(category.utf8)
        categoryPrefix.append(0)
        return try wrapped("listing the \(category) streams") {
            try backend.read { transaction in
                var ids: [String] = []
                var probe = Self.probe(after: after, category: category, in: categoryPrefix)
                while ids.count < limit, let id = try Self.firstID(from: probe, in: categoryPrefix, transaction) {
                    ids.append(id)
                    probe = Self.probe(after: id, category: category, in: categoryPrefix)
                }
                return ids
            }
        }
    }

    /// The key just past every entry of stream `id`: its ``StreamID/keyPrefix`` and eight
    /// bytes 0xFF (the version) sort after each of its entries and before the next stream's,
    /// since ids hold no NUL.
    private static func probe(after id: String?, category: String, in categoryPrefix: [UInt8]) -> [UInt8] {
        guard let id else { return categoryPrefix }
        return StreamID(category: category, id: id).keyPrefix + repeatElement(0xFF, count: 8)
    }

    /// The id of the first stream of the category at or after `probe`, or `nil` past the last.
    private static func firstID(
        from probe: [UInt8], in categoryPrefix: [UInt8], _ transaction: Backend.Transaction
    ) throws -> String? {
        var found: String?
        try transaction.scan(.streams, from: probe) { entry in
            guard entry.key.count > categoryPrefix.count + 9,
                entry.key.prefix(categoryPrefix.count).elementsEqual(categoryPrefix)
            else { return false }
            let id = entry.key[categoryPrefix.count..<(entry.key.count - 9)]
            found = String(decoding: UnsafeRawBufferPointer(rebasing: id), as: UTF8.self)
            return false
        }
        return found
    }
}

extension EventStore {
    /// Calls `body` with the id of every stream of `category` that holds an event, in the
    /// byte order of their UTF-8 ids, listing `chunkSize` ids at a time, each chunk in its own
    /// short read transaction; `body` runs outside them. Memory holds one chunk of ids.
    /// A stream first written during the listing is listed when its id sorts after the
    /// chunk being read.
    /// - Parameters:
    ///   - category: the streams' category, such as the ledger's `line`.
    ///   - chunkSize: how many ids one read transaction lists (at least one).
    ///   - body: called with each id, in order.
    /// - Throws: ``EventStoreError`` when the store cannot be read, or what `body` throws.
    public func forEachStreamID(
        category: String, chunkSize: Int = StoreLimits.streamReadChunkEvents, _ body: (String) throws -> Void
    ) throws {
        precondition(chunkSize >= 1, "a chunk holds at least one id")
        var after: String?
        while true {
            let chunk = try log.streamIDs(category: category, after: after, limit: chunkSize)
            for id in chunk { try body(id) }
            guard let last = chunk.last, chunk.count == chunkSize else { return }
            after = last
        }
    }
}
