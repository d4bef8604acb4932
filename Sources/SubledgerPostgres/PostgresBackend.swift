package import Logging
import PostgresNIO
package import SubledgerStore

/// The store's key-value backend on PostgreSQL (issue 15): each of the store's tables a table
/// of one schema (``PostgresSchema``), so that the log's one implementation (positions, chain,
/// indexes, Merkle nodes, projection, personal data, import marker) runs on it unchanged and
/// passes the conformance suite that LMDB and the in-memory store pass.
///
/// - A write transaction runs on the backend's one writer connection, READ COMMITTED, and
///   first locks the schema's head row: writers of every process and host take turns there,
///   and each statement after the lock sees every transaction committed before it. Within
///   this process writers take turns on the writer connection first (LMDB's one writer).
/// - A read transaction runs REPEATABLE READ, READ ONLY, on a connection of a small pool:
///   one snapshot for the transaction, as an LMDB read transaction has.
/// - The import lock is a session advisory lock, held on a connection of its own for the
///   import's life: released when the import ends or its process dies (the server ends the
///   session), as `flock` is on LMDB. While it is held, every write runs on that session and
///   never on another (``ImportLockSession``): an import whose session is gone stops.
package final class PostgresBackend: StorageBackend, @unchecked Sendable {
    /// The backend's transactions: statements on one connection.
    package typealias Transaction = PostgresTransaction

    let location: PostgresStoreLocation
    let schema: PostgresSchema
    let logger: Logger
    /// Held for the whole of a write transaction; guards `writer`.
    private let writerLock = Lock()
    private var writer: PostgresLink?
    /// The session of the import lock this backend holds, while it holds one: its writes run
    /// there then. Guarded by `writerLock`.
    private var importLockSession: ImportLockSession?
    /// Guards `idleReaders`.
    private let readersLock = Lock()
    private var idleReaders: [PostgresLink] = []
    /// The most idle read connections kept; more are closed when given back.
    private static let idleReadersKept = 4
    /// Guards `listener`.
    private let listenerLock = Lock()
    /// Listens for the store's commits, from the first wait of a reader on.
    private var listener: PostgresCommitListener?

    private init(location: PostgresStoreLocation, logger: Logger) {
        self.location = location
        schema = PostgresSchema(location.schema)
        self.logger = logger
    }

    /// Connects to the store at `location`; unless `readOnly`, creates its schema and tables
    /// when they are missing (a read-only open creates nothing and refuses a missing store).
    /// - Parameters:
    ///   - location: The server, database and schema.
    ///   - readOnly: Whether to create nothing.
    ///   - logger: Where postgres-nio logs.
    /// - Returns: The backend, its writer connection open.
    /// - Throws: ``EventStoreError/Code/notAStore`` (read-only, no store there),
    ///   ``PostgresBackendError`` when the server cannot be reached or refuses.
    package static func connect(_ location: PostgresStoreLocation, readOnly: Bool, logger: Logger) throws
        -> PostgresBackend
    {
        let backend = PostgresBackend(location: location, logger: logger)
        try backend.writerLock.withLock {
            let link = try backend.writerLink()
            if readOnly {
                let exists = try link.run(PostgresQuery(unsafeSQL: backend.schema.exists), "looking for the store")
                guard try exists.first?.decode(Bool.self) == true else {
                    throw EventStoreError(.notAStore, "\(location) holds no subledger store: there is nothing to read")
                }
                return
            }
            try link.run("BEGIN")
            do {
                try link.run(PostgresSchema.creationLock)
                for statement in backend.schema.creation { try link.run(statement) }
                try link.run("COMMIT")
            } catch {
                _ = link.rollBack()
                throw error
            }
        }
        return backend
    }

    deinit {
        listener?.stop()
        writer?.close()
        for link in idleReaders { link.close() }
    }

    /// Runs `body` in a REPEATABLE READ, READ ONLY transaction on a pooled connection.
    /// - Parameter body: Reads through the transaction.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw; ``PostgresBackendError`` when a statement fails.
    package func read<R>(_ body: (PostgresTransaction) throws -> R) throws -> R {
        var link = try takeReader()
        do {
            try link.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        } catch {
            // A pooled connection the server ended while it was idle: nothing was sent, so a new one is tried once.
            link.close()
            link = try PostgresLink.connect(location, logger: logger)
            try link.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        }
        var reusable = false
        defer { reusable ? giveBack(link) : link.close() }
        do {
            let result = try body(PostgresTransaction(link: link, schema: schema))
            try link.run("COMMIT")
            reusable = true
            return result
        } catch {
            reusable = link.rollBack()
            throw error
        }
    }

    /// Runs `body` in a write transaction that first locks the head row, and commits it
    /// (its pending writes flushed) when `body` returns; rolls it back when anything throws.
    /// - Parameter body: Reads and writes through the transaction.
    /// - Returns: What `body` returned, once committed.
    /// - Throws: What `body` threw; ``PostgresBackendError`` when a statement or the commit fails.
    package func write<R>(_ body: (PostgresTransaction) throws -> R) throws -> R {
        try writerLock.withLock {
            // While this backend holds the import lock, every write runs on the lock's session.
            if let importLockSession { return try importLockSession.write(for: self, body) }
            let link = try writerLink()
            do {
                try link.run("BEGIN")
            } catch {
                // A writer the server ended while it was idle: the next write connects again.
                dropWriter()
                throw error
            }
            do {
                return try transact(on: link, body)
            } catch {
                if !link.rollBack() { dropWriter() }
                throw error
            }
        }
    }

    /// The body of a write transaction begun on `link`: the head row locked, `body`, its
    /// pending writes flushed, the commit.
    func transact<R>(on link: PostgresLink, _ body: (PostgresTransaction) throws -> R) throws -> R {
        try link.run(PostgresQuery(unsafeSQL: schema.lockHead), "locking the head of \(location)")
        let transaction = PostgresTransaction(link: link, schema: schema)
        let result = try body(transaction)
        try transaction.flushAll()
        if let head = transaction.announcedHead { try notify(head, on: link) }
        try link.run("COMMIT")
        return result
    }

    /// Notifies the store's channel that the transaction in progress on `link` makes `head`
    /// visible: its listeners hear it when the transaction commits (``PostgresCommitListener``).
    private func notify(_ head: UInt64, on link: PostgresLink) throws {
        var binds = PostgresBindings(capacity: 2)
        binds.append(schema.notifyChannel)
        binds.append(String(head))
        try link.run(PostgresQuery(unsafeSQL: PostgresSchema.notify, binds: binds), "notifying the head \(head)")
    }

    /// Starts, once, the connection that listens for the store's commits (``PostgresCommitListener``).
    /// - Parameter signal: The signal of the log's readers, woken by each notification.
    package func watchCommits(into signal: HeadSignal) {
        listenerLock.withLock {
            guard listener == nil else { return }
            listener = PostgresCommitListener(
                location: location, channel: schema.notifyChannel, signal: signal, logger: logger)
        }
    }

    /// `true`: every process's commits are notified on the store's channel.
    package var hearsOtherProcessesCommits: Bool { true }

    /// A session advisory lock on a connection of its own, taken without waiting. Until it is
    /// released every write of this backend runs on that session, never on another
    /// (``ImportLockSession``): an import stops when the session holding its lock is gone.
    /// - Returns: The lock, or `nil` when another session holds it (an import is running).
    /// - Throws: ``PostgresBackendError`` when the server cannot be reached.
    package func takeImportLock() throws -> ImportLock? {
        let link = try PostgresLink.connect(location, logger: logger)
        var binds = PostgresBindings()
        binds.append(schema.importLockKey)
        let taken = try link.run(
            PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(hashtext($1)), pg_backend_pid()::int8", binds: binds),
            "taking the import lock")
        guard let row = taken.first, case let (true, serverProcess) = try row.decode((Bool, Int64).self) else {
            link.close()
            return nil
        }
        let session = ImportLockSession(link: link, serverProcess: serverProcess)
        writerLock.withLock { importLockSession = session }
        return ImportLock(releasing: { [weak self, binds] in
            // Under the writer lock: no write is using the session while it is unlocked and closed.
            let release = {
                if self?.importLockSession === session { self?.importLockSession = nil }
                // Unlocked before the connection closes, so that the next import finds it free at once.
                _ = try? link.run(
                    PostgresQuery(unsafeSQL: "SELECT pg_advisory_unlock(hashtext($1))", binds: binds),
                    "releasing the import lock")
                link.close()
            }
            if let self { self.writerLock.withLock(release) } else { release() }
        }, isHeld: { [weak self] in self?.writerLock.withLock { session.isHeld } ?? false })
    }

    /// The writer connection, connected again when the server or the network closed it.
    /// Called under `writerLock`.
    private func writerLink() throws -> PostgresLink {
        if let writer, !writer.isClosed { return writer }
        writer?.close()
        let link = try PostgresLink.connect(location, logger: logger)
        writer = link
        return link
    }

    /// Forgets a writer connection left in an unknown state. Called under `writerLock`.
    private func dropWriter() {
        writer?.close()
        writer = nil
    }

    private func takeReader() throws -> PostgresLink {
        let idle = readersLock.withLock { idleReaders.popLast() }
        if let idle, !idle.isClosed { return idle }
        idle?.close()
        return try PostgresLink.connect(location, logger: logger)
    }

    private func giveBack(_ link: PostgresLink) {
        let kept = readersLock.withLock { () -> Bool in
            guard idleReaders.count < Self.idleReadersKept else { return false }
            idleReaders.append(link)
            return true
        }
        if !kept { link.close() }
    }
}
