extension EventStore {
    /// Creates, in the folder `path`, a store of format 1 (as subledger wrote before
    /// issue 10: records of tag 2, hashes without `streamPrevHash`) and returns it open for
    /// appending: how tests make the stores that ``EventStoreError/Code/olderFormat`` refuses
    /// and `subledger migrate` reads. Close it before opening the folder again.
    ///
    /// - Throws: ``EventStoreError/Code/invalidEvent`` when the folder already holds events.
    /// - Parameters:
    ///   - path: The folder of the new store.
    ///   - options: As for ``open(at:options:)``.
    /// - Returns: The store of format 1, open for appending.
    @_spi(Testing)
    public static func creatingFormat1ForTesting(at path: String, options: Options = Options()) throws -> EventStore {
        do {
            let backend = try LMDBBackend.open(
                path: path, initialMapSizeBytes: options.initialMapSizeBytes,
                allowForeignOwner: options.allowForeignOwner)
            let log = EventLog(backend: backend, clock: options.clock, format: .one)
            guard try log.head().position == 0 else {
                throw EventStoreError(.invalidEvent, "\(path) already holds events: a store of format 1 is made empty")
            }
            try backend.restamp(.one)
            return EventStore(log: log)
        } catch {
            throw EventStoreError.storage(error, while: "creating a store of format 1 at \(path)")
        }
    }
}
