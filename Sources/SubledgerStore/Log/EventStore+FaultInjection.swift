extension EventStore {
    /// A store in memory whose storage fails as `faults` is armed (tests of I/O errors).
    ///
    /// Every injected failure must come out of the store as an ``EventStoreError`` of code
    /// ``EventStoreError/Code/storage`` and leave the store exactly as it was before the
    /// failed transaction.
    /// - Parameters:
    ///   - faults: The faults to inject, armed by the test.
    ///   - clock: The clock of `recordedAt`.
    ///   - projection: The projection the store keeps, if any.
    /// - Returns: An empty store in memory.
    @_spi(Testing)
    public static func faultInjecting(
        _ faults: StorageFaults, clock: any StoreClock = SystemClock(), projection: (any StoredProjection)? = nil
    ) -> EventStore {
        let log = EventLog(
            backend: FaultInjectingBackend(wrapping: InMemoryBackend(), faults: faults), clock: clock,
            projection: projection)
        // Unarmed faults let this write pass; a store without an id would refuse every checkpoint.
        _ = try? log.ensureStoreID()
        log.personalDataKeys.keyFile = (try? log.storeID()).map(StoreKeyFile.inMemory(storeID:))
        return EventStore(log: log)
    }

    /// The LMDB store in the folder `path`, opened as ``open(at:options:)`` opens it, whose
    /// storage fails as `faults` is armed (tests of I/O errors on the real engine).
    /// - Parameters:
    ///   - path: The store's folder.
    ///   - options: As for ``open(at:options:)``.
    ///   - faults: The faults to inject, armed by the test.
    /// - Returns: The open store.
    /// - Throws: ``EventStoreError`` as ``open(at:options:)`` does.
    @_spi(Testing)
    public static func openFaultInjecting(at path: String, options: Options = Options(), faults: StorageFaults) throws
        -> EventStore
    {
        do {
            let backend = try LMDBBackend.open(
                path: path, initialMapSizeBytes: options.initialMapSizeBytes,
                allowForeignOwner: options.allowForeignOwner)
            let log = EventLog(
                backend: FaultInjectingBackend(wrapping: backend, faults: faults), clock: options.clock,
                projection: options.projection)
            try log.ensureStoreID()
            try log.openForWriting()
            return try EventStore(log: log).attaching(options.keyFile)
        } catch {
            throw EventStoreError.storage(error, while: "opening \(path)")
        }
    }
}
