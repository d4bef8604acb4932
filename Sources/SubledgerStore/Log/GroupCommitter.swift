import Dispatch
import Synchronization

/// Group commit: the batches of many concurrent callers committed together in one write
/// transaction (one fsync), each caller's batch still succeeding or failing on its own.
///
/// Callers queue their batch and suspend. One committer, on a serial dispatch queue (never
/// a Swift concurrency thread, and never across an `await`), takes everything queued, up to
/// ``maximumEvents`` events or ``maximumCallers`` callers, and runs it in one append session.
/// At most `queuedCallersMaximum` callers (``StoreLimits/groupCommitQueuedCallers``) are
/// queued at once: a caller beyond them suspends until a group is taken, so a burst of
/// writers holds a bounded number of batches in memory.
/// While that commit is in flight the next callers queue, so the groups grow with the load
/// and nobody waits for a group to fill: the committer starts as soon as it is idle and a
/// request is queued. Callers are resumed only after the transaction committed.
///
/// Isolation of callers inside the one transaction: before a caller's batch is appended,
/// its events are validated and its expected versions checked against the session's view.
/// A caller that fails there gets its error and nothing of it is written. An admitted batch
/// can then fail only for reasons found mid-way (an event id reused with other content, a
/// `recordedAt` out of order, an oversized record), after some of its events may already be
/// in the transaction; the whole group is then abandoned and every caller of it is appended
/// alone, in its own transaction, and gets exactly the outcome of ``EventStore/append(_:expecting:)``.
final class GroupCommitter: Sendable {
    /// The most events one group transaction takes (a single batch larger is taken alone).
    static let maximumEvents = StoreLimits.groupCommitEvents
    /// The most callers one group transaction takes.
    static let maximumCallers = StoreLimits.groupCommitCallers

    private struct Request {
        let events: [ProposedEvent]
        let expectations: [StreamID: ExpectedVersion]
        let continuation: CheckedContinuation<AppendResult, any Error>
    }

    private struct State: ~Copyable {
        var queue: [Request] = []
        var head = 0
        var isCommitting = false
        /// Tests hold the committer to gather a known group.
        var isHeld = false
        /// Callers queued or admitted to queue: at most `queuedCallersMaximum`.
        var admitted = 0
        /// Callers waiting for room in the queue, in arrival order.
        var waitingForRoom: [CheckedContinuation<Void, Never>] = []
        var waitingHead = 0
    }

    private let log: any EventLogProtocol
    private let state = Mutex(State())
    /// What the committer has committed so far (``EventStore/groupCommitCounts``).
    private let counts = Mutex(GroupCommitCounts())
    private let committerQueue = DispatchQueue(label: "subledger.group-commit", qos: .userInitiated)
    /// The most callers queued at once (``StoreLimits/groupCommitQueuedCallers``).
    let queuedCallersMaximum: Int

    init(log: any EventLogProtocol, queuedCallersMaximum: Int = StoreLimits.groupCommitQueuedCallers) {
        precondition(queuedCallersMaximum >= 1, "the group commit's queue holds at least one caller")
        self.log = log
        self.queuedCallersMaximum = queuedCallersMaximum
    }

    /// Queues `events` for the next group and returns once that group is durable; waits
    /// first while `queuedCallersMaximum` callers are queued.
    func append(_ events: [ProposedEvent], expecting expectations: [StreamID: ExpectedVersion]) async throws
        -> AppendResult
    {
        await admission()
        return try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<AppendResult, any Error>) in
            let startCommitter = state.withLock { state in
                state.queue.append(Request(events: events, expectations: expectations, continuation: continuation))
                guard !state.isCommitting, !state.isHeld else { return false }
                state.isCommitting = true
                return true
            }
            if startCommitter { committerQueue.async { self.drain() } }
        }
    }

    /// Stops (`true`) or restarts (`false`) the committer between groups (tests).
    func hold(_ held: Bool) {
        let startCommitter = state.withLock { state in
            state.isHeld = held
            guard !held, !state.isCommitting, state.head < state.queue.count else { return false }
            state.isCommitting = true
            return true
        }
        if startCommitter { committerQueue.async { self.drain() } }
    }

    /// The groups committed so far, their callers and events.
    var committedCounts: GroupCommitCounts { counts.withLock { $0 } }

    /// How many requests wait for a group (tests).
    var queuedCount: Int { state.withLock { $0.queue.count - $0.head } }

    /// How many callers wait for room in the queue (tests).
    var waitingForRoomCount: Int { state.withLock { $0.waitingForRoom.count - $0.waitingHead } }

    /// Returns once the caller has a place in the queue: at once while fewer than
    /// `queuedCallersMaximum` are admitted, else when a taken group frees one.
    private func admission() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                guard state.admitted < queuedCallersMaximum else {
                    state.waitingForRoom.append(continuation)
                    return false
                }
                state.admitted += 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// Frees the places of `count` callers whose group was taken, handing each to the
    /// longest waiting caller if any; returns the callers to resume (outside the lock).
    private func release(_ count: Int, in state: inout State) -> [CheckedContinuation<Void, Never>] {
        precondition(state.admitted >= count, "a group holds only admitted callers")
        let waiting = state.waitingForRoom.count - state.waitingHead
        let handedOn = min(count, waiting)
        let resumed = Array(state.waitingForRoom[state.waitingHead..<state.waitingHead + handedOn])
        state.waitingHead += handedOn
        if state.waitingHead == state.waitingForRoom.count {
            state.waitingForRoom.removeAll(keepingCapacity: true)
            state.waitingHead = 0
        }
        state.admitted -= count - handedOn
        precondition(state.admitted <= queuedCallersMaximum, "never more callers admitted than the queue holds")
        precondition(state.admitted >= state.queue.count - state.head, "every queued caller was admitted")
        return resumed
    }

    /// Commits groups until the queue is empty, then goes idle.
    private func drain() {
        while true {
            let (group, admittedNext): ([Request], [CheckedContinuation<Void, Never>]) = state.withLock { state in
                guard state.head < state.queue.count, !state.isHeld else {
                    state.queue.removeAll(keepingCapacity: true)
                    state.head = 0
                    state.isCommitting = false
                    return ([], [])
                }
                var end = state.head
                var eventCount = 0
                while end < state.queue.count, end - state.head < Self.maximumCallers {
                    let count = state.queue[end].events.count
                    if end > state.head, eventCount + count > Self.maximumEvents { break }
                    eventCount += count
                    end += 1
                }
                let group = Array(state.queue[state.head..<end])
                state.head = end
                if state.head > 4096, state.head * 2 > state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                return (group, release(group.count, in: &state))
            }
            for caller in admittedNext { caller.resume() }
            if group.isEmpty { return }
            let outcomes = commit(group)
            counts.withLock { $0.count(group.map(\.events.count), outcomes: outcomes) }
            for (request, outcome) in zip(group, outcomes) { request.continuation.resume(with: outcome) }
        }
    }

    /// An admitted batch failed mid-way: the group is abandoned and retried caller by caller.
    private struct AbandonGroup: Error {}

    /// The outcome of each request of `group`, in order; durable when the call returns.
    private func commit(_ group: [Request]) -> [Result<AppendResult, any Error>] {
        if group.count == 1 {
            return [Result { try log.append(group[0].events, expecting: group[0].expectations) }]
        }
        do {
            return try log.withAppendSession { session in
                // The body may run again (the map grew): every outcome is decided afresh.
                var outcomes: [Result<AppendResult, any Error>] = []
                outcomes.reserveCapacity(group.count)
                // One round trip per kind of read for the whole group on PostgreSQL, not per caller.
                try session.prefetchReads(of: group.flatMap(\.events))
                for request in group {
                    if let refusal = try Self.refusal(of: request, in: session) {
                        outcomes.append(.failure(refusal))
                        continue
                    }
                    do {
                        outcomes.append(.success(try session.append(request.events, expecting: request.expectations)))
                    } catch {
                        throw AbandonGroup()
                    }
                }
                return outcomes
            }
        } catch {
            // Abandoned, or the transaction itself failed: nothing of the group was written.
            return group.map { request in Result { try log.append(request.events, expecting: request.expectations) } }
        }
    }

    /// Why `request` would fail before anything of it is written, as
    /// ``EventStore/append(_:expecting:)`` alone would say; `nil` when it is admitted.
    private static func refusal(of request: Request, in session: AppendSession) throws -> EventStoreError? {
        for (index, event) in request.events.enumerated() {
            if let problem = StoreLimits.problem(of: event) {
                return EventStoreError(
                    .invalidEvent, "event \(index + 1) of the batch (\(event.type)): \(problem); nothing was written",
                    stream: event.stream)
            }
        }
        // Expectations are checked against the stream's version before the batch, alone too:
        // a stream's version changes only by this batch's own new events, after its check.
        for (stream, expected) in request.expectations where expected != .any {
            let version = try session.version(of: stream)
            if !expected.accepts(currentVersion: version) {
                return EventStoreError.versionConflict(stream, expected: expected, actual: version)
            }
        }
        return nil
    }
}
