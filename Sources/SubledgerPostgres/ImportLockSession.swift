import PostgresNIO

/// The session that holds a backend's import lock (a session advisory lock, issue 15 item 5),
/// on which every write transaction of the backend runs while the lock is held: an import's
/// marker, each of its bounded transactions, the commit that makes it visible, and the
/// rollback of an interrupted one.
///
/// Why one session: the lock is the session's. Had the import written on another connection,
/// a cut that ended the lock's session between two of its transactions would let the import
/// go on (its writer connected again) without the lock, while another process, finding the
/// lock free, rolled its rows back. A write here never connects again: once the session is
/// gone (the server or the network ended it, or a failed statement left it unusable), every
/// later write throws ``ImportLockLost`` and the import stops; what it wrote is rolled back
/// by whoever takes the lock next (the importer itself, on a new session, when it still can).
///
/// Used under the backend's writer lock only.
final class ImportLockSession: @unchecked Sendable {
    let link: PostgresLink
    /// The server process of the session (`pg_backend_pid()`), for the messages.
    let serverProcess: Int64
    private var isLost = false

    init(link: PostgresLink, serverProcess: Int64) {
        self.link = link
        self.serverProcess = serverProcess
    }

    /// Whether the session still holds the lock, as far as this process knows: not found
    /// ended, nor left unusable by a failed statement.
    var isHeld: Bool { !isLost && !link.isClosed }

    /// Runs `body` in a write transaction on this session, as ``PostgresBackend/write(_:)`` does.
    /// - Parameters:
    ///   - backend: The backend whose lock this session holds.
    ///   - body: Reads and writes through the transaction.
    /// - Returns: What `body` returned, once committed.
    /// - Throws: ``ImportLockLost`` when the session is gone, or is when the transaction ends;
    ///   what `body` threw otherwise (the transaction rolled back, the session still holding the lock).
    func write<R>(for backend: PostgresBackend, _ body: (PostgresTransaction) throws -> R) throws -> R {
        guard isHeld else { throw lose(because: nil) }
        do {
            try link.run("BEGIN")
        } catch {
            throw lose(because: error)
        }
        do {
            return try backend.transact(on: link, body)
        } catch {
            guard link.rollBack() else {
                // Lost in COMMIT, the transaction may have committed: the message must not say it did not.
                let inCommit = (error as? PostgresBackendError)?.action == "COMMIT"
                throw lose(because: error, inCommit: inCommit)
            }
            throw error
        }
    }

    /// Forgets the session for good (its lock is the server's to release), and says why.
    private func lose(because cause: (any Error)?, inCommit: Bool = false) -> ImportLockLost {
        isLost = true
        link.close()
        return ImportLockLost(serverProcess: serverProcess, cause: cause.map { "\($0)" }, inCommit: inCommit)
    }
}

/// A write refused: the session holding the import lock is gone, and an import never goes on
/// on another session.
struct ImportLockLost: Error, CustomStringConvertible {
    var serverProcess: Int64
    var cause: String?
    /// Whether the session ended during a `COMMIT`, whose outcome is then unknown.
    var inCommit = false

    var description: String {
        "PostgreSQL: the session holding the import lock (server process \(serverProcess)) ended"
            + (cause.map { " (\($0))" } ?? "")
            + (inCommit
                ? ": whether its last transaction committed is unknown; an import is visible only if "
                    + "that was the commit making it so (the head then holds it), else nothing was imported"
                : ": an import writes on that session only, so it stops here and nothing was imported")
    }
}
