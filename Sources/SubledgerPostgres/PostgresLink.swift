import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SubledgerStore
import Synchronization

/// One connection to the server, used synchronously: the store's storage seam is synchronous
/// (``StorageBackend``), postgres-nio is not.
///
/// How: every statement is sent with postgres-nio's `EventLoopFuture` interface and the
/// calling thread waits for its answer (`EventLoopFuture.wait()`). The connection's work runs
/// on NIO's own event loop threads (`MultiThreadedEventLoopGroup.singleton`), never on the
/// waiting thread nor on Swift concurrency's cooperative pool, so a caller that blocks (a
/// test task, the group committer's thread) cannot starve the loop it waits for. `wait()`
/// traps when called on an event loop thread: no store call runs on one.
///
/// A link is used by one transaction at a time (its backend hands it out and takes it back).
final class PostgresLink: @unchecked Sendable {
    let connection: PostgresConnection
    private let logger: Logger

    private init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    private static let nextID = Mutex(0)

    /// Connects to `location`'s server and database.
    /// - Throws: ``PostgresBackendError`` naming the server when it cannot be reached or refuses.
    static func connect(_ location: PostgresStoreLocation, logger: Logger) throws -> PostgresLink {
        let id = nextID.withLock { id in
            id += 1
            return id
        }
        let future = PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try location.configuration(), id: id,
            logger: logger)
        do {
            return PostgresLink(connection: try future.wait(), logger: logger)
        } catch {
            throw PostgresBackendError("connecting to \(location)", error)
        }
    }

    /// Whether the connection is gone (the server closed it, or the network did).
    var isClosed: Bool { connection.isClosed }

    /// Runs one statement and waits for all its rows.
    /// - Parameters:
    ///   - query: The statement and its parameters.
    ///   - action: What it does, for the message of a failure.
    /// - Returns: The rows.
    /// - Throws: ``PostgresBackendError`` with the server's message.
    @discardableResult
    func run(_ query: PostgresQuery, _ action: @autoclosure () -> String) throws -> PostgresQueryResult {
        do {
            return try answer(to: query).wait()
        } catch {
            throw PostgresBackendError(action(), error)
        }
    }

    /// The answer to `query`, sent from the connection's event loop once it is seen open there.
    ///
    /// Why: postgres-nio (1.33) writes a query to its channel with no promise for the write; a
    /// channel already closed (the server restarted, or ended the session, between two
    /// statements, before this thread saw it) fails that write unheard, and the query's answer
    /// never comes: `wait()` would wait for ever. On the event loop, a channel seen active
    /// takes the write into its handler at once, and the handler fails every query it holds
    /// when the connection closes.
    private func answer(to query: PostgresQuery) -> EventLoopFuture<PostgresQueryResult> {
        let connection = connection
        let logger = logger
        return connection.eventLoop.flatSubmit {
            guard !connection.isClosed else {
                return connection.eventLoop.makeFailedFuture(PostgresConnectionClosed())
            }
            return connection.query(query, logger: logger)
        }
    }

    /// Runs a statement without parameters.
    @discardableResult
    func run(_ sql: String) throws -> PostgresQueryResult {
        try run(PostgresQuery(unsafeSQL: sql), sql)
    }

    /// Ends the transaction in progress, if any, without its changes.
    /// - Returns: Whether the link is still usable (the rollback went through).
    func rollBack() -> Bool {
        guard !isClosed else { return false }
        do {
            try run("ROLLBACK")
            return true
        } catch {
            return false
        }
    }

    /// Closes the connection without waiting (a link may be freed anywhere, even on an event
    /// loop, where no wait is allowed). The connection is kept until it is closed: postgres-nio
    /// requires a connection to be closed before it is freed.
    func close() {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { [connection] _ in _ = connection }
    }
}

/// A statement not sent: its connection had closed.
struct PostgresConnectionClosed: Error, CustomStringConvertible {
    var description: String { "the connection to the server was closed" }
}

/// A statement that failed: what the store was doing, and what the server or the network said.
struct PostgresBackendError: Error, CustomStringConvertible {
    var action: String
    var reason: String
    /// The server's SQLSTATE, when the server answered (`40001`, `57P01`, ...).
    var sqlState: String?

    init(_ action: String, _ error: any Error) {
        self.action = action
        if let error = error as? PSQLError {
            sqlState = error.serverInfo?[.sqlState]
            if let message = error.serverInfo?[.message] {
                reason = "the server says: \(message) (SQLSTATE \(sqlState ?? "?"))"
            } else if let underlying = error.underlying {
                // A refused TLS handshake, a connection refused: what the network layer said.
                reason = "\(error.code): \(underlying)"
            } else {
                reason = "\(error.code)"
            }
        } else {
            reason = "\(error)"
        }
    }

    var description: String { "PostgreSQL, \(action): \(reason)" }
}
