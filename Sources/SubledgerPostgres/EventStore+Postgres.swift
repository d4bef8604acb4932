public import SubledgerStore

/// A store on PostgreSQL (issue 15).
extension EventStore {
    /// Opens the store kept in PostgreSQL at `url`, creating its schema and tables when they
    /// are missing (not when ``EventStore/Options/readOnly``). Several processes, on several
    /// hosts, may open one store and append at once: their writes take turns on the store's
    /// head row, and positions stay gap-free in commit order (``PostgresBackend``).
    ///
    /// ``EventStore/Options/initialMapSizeBytes`` and ``EventStore/Options/allowForeignOwner``
    /// are LMDB's and mean nothing here; the key file (``EventStore/Options/keyFile``) stays a
    /// file outside the database, as the master key must.
    /// - Parameters:
    ///   - url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]` (``PostgresStoreLocation``).
    ///   - options: How to open it.
    /// - Returns: The open store.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/notAStore`` for a bad URL or, read-only,
    ///   no store there; ``EventStoreError/Code/storage`` when the server cannot be reached or refuses).
    public static func open(postgres url: String, options: Options = Options()) throws -> EventStore {
        try open(postgres: try PostgresStoreLocation(url: url), options: options)
    }

    /// Opens the store kept in PostgreSQL at `location`, as ``open(postgres:options:)-(String,_)``
    /// opens a URL's.
    /// - Parameters:
    ///   - location: The server, database and schema.
    ///   - options: How to open it.
    /// - Returns: The open store.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/notAStore`` read-only with no store there,
    ///   ``EventStoreError/Code/storage`` when the server cannot be reached or refuses).
    public static func open(postgres location: PostgresStoreLocation, options: Options = Options()) throws
        -> EventStore
    {
        do {
            let backend = try PostgresBackend.connect(location, readOnly: options.readOnly, logger: options.logger)
            return try open(backend: backend, describedAs: location.description, options: options)
        } catch {
            throw EventStoreError.storage(error, while: "opening \(location)")
        }
    }
}
