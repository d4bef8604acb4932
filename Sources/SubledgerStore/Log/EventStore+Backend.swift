/// Opening a store on a backend of another target of this package (issue 15: PostgreSQL, in
/// `SubledgerPostgres`, which depends on a driver the store itself does without).
///
/// The seam is this one function and the `package` storage protocols (``StorageBackend``,
/// ``StorageTransaction``, ``Table``, ``ImportLock/init(releasing:)``): the log, its chain,
/// indexes, Merkle nodes, projection, personal data and import marker run unchanged on the
/// backend's transactions, as they run on LMDB's and the in-memory store's.
extension EventStore {
    /// Opens the store kept by `backend`: stamps an empty one (kind and format, in one write
    /// transaction, as LMDB's open does) or checks the stamp of one that holds a store, then
    /// opens it as ``open(at:options:)`` opens a folder (store id, an interrupted import rolled
    /// back, the stored projection made current; none of it when ``Options/readOnly``).
    ///
    /// ``Options/initialMapSizeBytes``, ``Options/allowForeignOwner`` and
    /// ``Options/openingFormat1ForMigration`` are LMDB's and mean nothing here.
    /// - Parameters:
    ///   - backend: The backend, connected; its transactions must keep ``StorageBackend``'s contract.
    ///   - name: How messages name the store (a URL without its password).
    ///   - options: How to open it.
    /// - Returns: The open store.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/notAStore`` for a stamp of another
    ///   kind, ``EventStoreError/Code/newerFormat`` for a newer one, ``EventStoreError/Code/storage``).
    package static func open<Backend: StorageBackend>(
        backend: Backend, describedAs name: String, options: Options
    ) throws -> EventStore {
        do {
            if !options.readOnly { try stampIfEmpty(backend) }
            try checkStamp(backend, name: name)
            let log = EventLog(
                backend: backend, clock: options.clock, projection: options.projection, logger: options.logger)
            guard !options.readOnly else {
                return try EventStore(log: log, readOnlyPath: name).attaching(options.keyFile)
            }
            try log.ensureStoreID()
            try log.openForWriting()
            return try EventStore(log: log).attaching(options.keyFile)
        } catch {
            throw EventStoreError.storage(error, while: "opening \(name)")
        }
    }

    /// Writes the kind and the format into an empty `meta`; leaves a stamped one alone, so
    /// that two processes opening one new store at once agree (the write is serialised).
    private static func stampIfEmpty<Backend: StorageBackend>(_ backend: Backend) throws {
        try backend.write { transaction in
            guard try transaction.get(.meta, key: StoreKeys.kindKey) == nil else { return }
            try transaction.put(.meta, key: StoreKeys.kindKey, value: StoreKeys.kindValue, mode: .upsert)
            try transaction.put(
                .meta, key: StoreKeys.formatKey, value: StoreKeys.position(StoreFormat.current.rawValue), mode: .upsert)
        }
    }

    /// Refuses a backend whose `meta` is not a subledger store of the format this code writes.
    private static func checkStamp<Backend: StorageBackend>(_ backend: Backend, name: String) throws {
        let (kind, format) = try backend.read { transaction -> ([UInt8]?, UInt64?) in
            (
                try transaction.get(.meta, key: StoreKeys.kindKey).map { Array($0) },
                try transaction.get(.meta, key: StoreKeys.formatKey).flatMap(ByteReader.bigEndian)
            )
        }
        guard kind == StoreKeys.kindValue, let format else {
            throw EventStoreError(.notAStore, "\(name) holds no subledger store (no kind and format stamp in its meta)")
        }
        guard format <= StoreFormat.current.rawValue else {
            throw EventStoreError(
                .newerFormat,
                "\(name) was written by a newer subledger (store format \(format)): upgrade subledger to open it")
        }
        guard format == StoreFormat.current.rawValue else {
            throw EventStoreError(
                .olderFormat, "\(name) is a store of format \(format); this subledger reads and writes format 2")
        }
    }
}
