import Synchronization

/// Wakes the readers that wait for the log's head to pass a position (issue 15 item 3):
/// fired after each commit that moved the visible head, with the new head, by this process's
/// appends and, on PostgreSQL, by the notifications of every process's appends.
///
/// A wake-up is a hint, never a position to deliver: a woken reader reads the log again and
/// takes what it finds there. So a wake-up lost or early costs a read or a wait of the
/// caller's backstop, never an event, and a duplicate costs nothing.
///
/// The head it remembers (``latestHead``) closes the race between a reader's read and its
/// wait: a commit that lands after the read found nothing and before the wait registers has
/// already raised it, and the wait returns at once. It only grows: the log never shrinks.
package final class HeadSignal: Sendable {
    private struct Waiter {
        var beyond: UInt64
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State: ~Copyable {
        var latestHead: UInt64 = 0
        /// One per waiting reader: bounded by the readers (a service's subscriptions are
        /// bounded by its connections).
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A signal that has seen no commit yet.
    package init() {}

    /// The greatest head a commit announced so far (0 before any).
    package var latestHead: UInt64 { state.withLock { $0.latestHead } }

    /// How many readers wait now (tests).
    package var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// A commit made `position` the head: wakes every reader waiting for a head beyond a
    /// position before it.
    /// - Parameter position: The new head (a hint: readers read the log for what is there).
    package func headMoved(to position: UInt64) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.latestHead = max(state.latestHead, position)
            let due = state.waiters.filter { $0.value.beyond < position }
            for id in due.keys { state.waiters[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Wakes every waiting reader, whatever it waits for: what committed while the signal
    /// could not hear (a listener reconnected) is found by their next read.
    package func wakeAll() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.waiters = [:] }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns when a commit moves the head beyond `position` (at once if one did already),
    /// when every reader is woken (``wakeAll()``), after `timeout`, or when the task is
    /// cancelled, whichever comes first.
    /// - Parameters:
    ///   - position: The head the caller has read up to.
    ///   - timeout: The longest wait: the caller's backstop.
    /// - Returns: What ended the wait: the first of the two to end, which ends the other.
    package func wait(beyond position: UInt64, atMost timeout: Duration) async -> HeadWaitOutcome {
        precondition(timeout >= .zero, "a wait lasts zero or more")
        // The timeout is a cancellation: the first child to end ends the other.
        return await withTaskGroup(of: HeadWaitOutcome.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .cancelled
                }
            }
            group.addTask {
                await self.waitUntilWoken(beyond: position)
                return Task.isCancelled ? .cancelled : .woken
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
    }

    private func waitUntilWoken(beyond position: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock that `headMoved` and the cancellation take: a commit
                // or a cancellation either came before (returns now) or finds the waiter.
                let now = state.withLock { state -> Bool in
                    guard state.latestHead <= position, !Task.isCancelled else { return true }
                    state.waiters[id] = Waiter(beyond: position, continuation: continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }
}
