/// Waiting for commits (issue 15 item 3): how a follower that has read the whole log waits
/// for more without polling it.
extension EventStore {
    /// Returns when a commit moves the log's head beyond `position`, and in any case after
    /// `timeout`: the backstop. Call it after a read found nothing beyond `position`, then
    /// read the log again, whatever woke it: positions come from the log, never from a
    /// wake-up, so a follower never skips one, and a wake-up lost costs at most `timeout`.
    ///
    /// What wakes it:
    /// - every commit of this process that makes new events visible: an append
    ///   (``append(_:expecting:)``, ``appendCoalesced(_:expecting:)``'s group commit, an
    ///   append session) or the last commit of an import (``withImport(_:)``);
    /// - on PostgreSQL, the commits of every process on the store too: each append's
    ///   transaction notifies the store's channel (`pg_notify`, delivered at the commit, in
    ///   commit order), and a connection of this store, opened at the first wait, listens.
    ///   While that connection is down (it is reconnected, and the loss logged), waits end by
    ///   their backstop; when it is back every waiter is woken once, to read what it missed.
    ///
    /// On LMDB and in memory, other processes' commits are seen only by the backstop's read
    /// (``hearsOtherProcessesCommits`` is `false`). Returns at once when the task is cancelled.
    /// - Parameters:
    ///   - position: The last position the caller has read (0 for none).
    ///   - timeout: The longest wait.
    /// - Returns: What ended the wait; a follower may log a backstop that fired while its
    ///   store hears other processes' commits, and otherwise ignore it.
    @discardableResult
    public func waitForHead(beyond position: UInt64, atMost timeout: Duration) async -> HeadWaitOutcome {
        log.watchCommits()
        return await log.headSignal.wait(beyond: position, atMost: max(timeout, .zero))
    }

    /// Whether ``waitForHead(beyond:atMost:)`` is woken by other processes' commits too
    /// (PostgreSQL), not only by this process's (LMDB, memory): a follower picks its backstop
    /// from it.
    public var hearsOtherProcessesCommits: Bool { log.hearsOtherProcessesCommits }
}

/// What the store's waiting asks of its log, whatever the backend.
protocol HeadWaiting {
    /// Fired by the log's commits (and the backend's notifications).
    var headSignal: HeadSignal { get }
    /// Starts the backend's watch of other processes' commits, once.
    func watchCommits()
    /// Whether the backend hears other processes' commits.
    var hearsOtherProcessesCommits: Bool { get }
}

extension EventLog {
    /// Starts the backend's watch of other processes' commits, once (``StorageBackend/watchCommits(into:)``).
    func watchCommits() { backend.watchCommits(into: headSignal) }

    /// Whether the backend hears other processes' commits.
    var hearsOtherProcessesCommits: Bool { backend.hearsOtherProcessesCommits }
}
