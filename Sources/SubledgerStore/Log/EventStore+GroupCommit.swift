extension EventStore {
    /// Appends `events` atomically, as ``append(_:expecting:)`` does, but shares the write
    /// transaction and its fsync with the other callers appending at the same time (group
    /// commit): the way for many concurrent writers of small batches.
    ///
    /// The batch is queued for a single committer. When the committer is idle it starts at
    /// once, with whatever is queued; while it commits, later callers queue for the next
    /// group. A caller therefore waits at most for the commit in flight and its own, never
    /// for a group to fill. A group takes at most 10,000 events or 1,000 callers.
    ///
    /// Each caller's batch succeeds or fails on its own: a version conflict or an invalid
    /// event fails only that caller, and nothing of its batch is written; the others of the
    /// group are committed. The call returns only after the group's transaction committed,
    /// so the positions it returns are durable.
    ///
    /// The outcome is the one ``append(_:expecting:)`` would give with the batches of the
    /// group applied one after the other in the order they were queued. Cancelling the
    /// calling task does not withdraw a batch already queued.
    ///
    /// - Returns: the position of each event, in the order given.
    /// - Throws: ``EventStoreError``, as ``append(_:expecting:)``; nothing of this batch is
    ///   written then.
    /// - Parameters:
    ///   - events: The batch, in the order its events take positions.
    ///   - expecting: The version each named stream must be at before the batch.
    @discardableResult
    public func appendCoalesced(_ events: [ProposedEvent], expecting: [StreamID: ExpectedVersion] = [:]) async throws
        -> AppendResult
    {
        try refuseIfReadOnly("to append \(events.count) events")
        return try await groupCommitter.append(events, expecting: expecting)
    }
}

extension EventStore {
    /// Holds (`true`) or releases (`false`) the group committer, so that a test can queue a
    /// known set of ``appendCoalesced(_:expecting:)`` callers into one group.
    /// - Parameter held: `true` to hold the committer, `false` to let it commit what is queued.
    @_spi(Testing)
    public func holdGroupCommits(_ held: Bool) {
        groupCommitter.hold(held)
    }

    /// How many ``appendCoalesced(_:expecting:)`` callers wait for the next group (tests).
    @_spi(Testing)
    public var queuedCoalescedAppends: Int { groupCommitter.queuedCount }
}

/// What the group committer of a store has done since the store was opened: how many groups
/// it took and how their callers and events were committed (``EventStore/groupCommitCounts``).
/// The callers per group say how well concurrent ``EventStore/appendCoalesced(_:expecting:)``
/// calls share their fsyncs.
public struct GroupCommitCounts: Sendable, Equatable {
    /// The groups taken from the queue, each one write transaction unless abandoned (its
    /// callers are then appended one by one, each in a transaction of its own).
    public var groups = 0
    /// The callers of those groups, refused ones included.
    public var callers = 0
    /// The events the committed batches appended (an idempotent retry's events, already
    /// there, are not counted).
    public var committedEvents = 0
    /// The largest group, in callers.
    public var largestGroup = 0

    /// No group yet.
    public init() {}

    /// Counts one group of callers with `eventCounts` events each and their outcomes.
    mutating func count(_ eventCounts: [Int], outcomes: [Result<AppendResult, any Error>]) {
        groups += 1
        callers += eventCounts.count
        largestGroup = max(largestGroup, eventCounts.count)
        for outcome in outcomes {
            if case .success(let appended) = outcome { committedEvents += appended.appendedCount }
        }
    }
}

extension EventStore {
    /// What the group committer has done since this store was opened (in this process):
    /// groups, callers, committed events, the largest group.
    public var groupCommitCounts: GroupCommitCounts { groupCommitter.committedCounts }
}
