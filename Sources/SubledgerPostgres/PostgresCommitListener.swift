import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SubledgerStore

/// The connection that listens for a store's commits (issue 15 item 3): `LISTEN` on the
/// store's channel (``PostgresSchema/notifyChannel``), on a connection of its own, and every
/// notification (a commit's new head, sent by the append's transaction with `pg_notify`)
/// wakes the readers waiting in this process (``HeadSignal``).
///
/// Opened at the first reader's wait, it lives as long as its backend. When the connection
/// drops (the server restarted, the session was terminated), waiters go on ending by their
/// backstop, the loss is logged, and it connects again, waiting a little longer after each
/// failure (``reconnectDelayMaximum`` at most). Once it listens again it wakes every waiter:
/// what committed meanwhile was not heard, and their next read finds it.
///
/// A notification's payload only says whom to wake: readers take positions from the log.
final class PostgresCommitListener: Sendable {
    /// The first wait before connecting again after a failure; doubled after each.
    static let reconnectDelayMinimum = Duration.milliseconds(50)
    /// The longest wait before connecting again.
    static let reconnectDelayMaximum = Duration.seconds(2)

    private let task: Task<Void, Never>

    /// Starts listening on `channel` of `location`'s database, in a task of its own.
    /// - Parameters:
    ///   - location: The server and database.
    ///   - channel: The store's channel.
    ///   - signal: What each notification wakes.
    ///   - logger: Where the connection's losses and returns are logged.
    init(location: PostgresStoreLocation, channel: String, signal: HeadSignal, logger: Logger) {
        precondition(!channel.isEmpty && channel.utf8.count <= 63, "a channel is an identifier of 63 bytes at most")
        // Off the cooperative pool: callers that block its threads must not hold back the
        // notifications that wake them.
        let executor = DedicatedExecutor(label: "subledger.commit-listener")
        task = Task.detached(executorPreference: executor) {
            await Self.run(location: location, channel: channel, signal: signal, logger: logger)
        }
    }

    /// Stops listening and closes the connection (the backend is gone).
    func stop() { task.cancel() }

    private static func run(location: PostgresStoreLocation, channel: String, signal: HeadSignal, logger: Logger) async
    {
        var delay = reconnectDelayMinimum
        while !Task.isCancelled {
            var heard = false
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try location.configuration(),
                    id: 0, logger: logger)
                // Closed, and its close awaited, however the listening ends: a connection
                // released unclosed is a fault of the driver.
                let listening: Result<Void, any Error>
                do {
                    try await connection.listen(on: channel) { notifications in
                        heard = true
                        logger.info(
                            "listening for the commits of \(location)",
                            metadata: [StoreLogging.eventKey: "store.listening", "channel": "\(channel)"])
                        // Whatever committed before the LISTEN took effect was not heard.
                        signal.wakeAll()
                        for try await notification in notifications {
                            if let head = UInt64(notification.payload) {
                                signal.headMoved(to: head)
                            } else {
                                signal.wakeAll()
                            }
                        }
                    }
                    listening = .success(())
                } catch {
                    listening = .failure(error)
                }
                try? await connection.close()
                try listening.get()
            } catch {
                guard !Task.isCancelled else { return }
                let reason = String(reflecting: error)
                logger.warning(
                    """
                    the connection listening for the commits of \(location) is lost (\(reason)): \
                    readers wait for their backstop until it is back
                    """,
                    metadata: [StoreLogging.eventKey: "store.listenerLost", "channel": "\(channel)"])
            }
            // Readers may have waited through the loss: they read again now.
            signal.wakeAll()
            delay = heard ? reconnectDelayMinimum : min(delay * 2, reconnectDelayMaximum)
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }
}
