import Dispatch
import Logging
public import SubledgerStore

/// The ledger from a service's tasks (issue 12 item 6): `record` and `apply` as `async`
/// overloads of the synchronous ones, with the same names, outcomes and errors.
///
/// Each attempt reads the streams it touches and validates (or decides) on the ledger's
/// `preparationQueue`, never on a thread of Swift's cooperative pool; then its batch joins
/// the store's group commit (``EventStore/appendCoalesced(_:expecting:)``), so that the
/// calls of many tasks share one write transaction and one fsync. A version conflict (another
/// caller's batch came first in the group) reads again and decides again, as the synchronous
/// path does, through the same ``ConflictRetry`` loop. The write transaction never spans an
/// `await`: the group committer begins and ends it within one synchronous step.
///
/// Cancellation: a task cancelled before its batch joins a group commit records nothing and
/// throws ``LedgerError/Code/cancelled``. Once it joined, it completes and the call returns
/// its outcome, cancelled or not (a durable fact is not taken back).
extension Ledger {
    /// Records `facts` as they are, lawful or not, as ``record(_:)`` does, sharing the
    /// commit with other tasks recording at the same time.
    ///
    /// - Parameters:
    ///   - facts: the facts, all recorded in one transaction or none.
    /// - Returns: the positions the facts were recorded at, durable when the call returns.
    /// - Throws: ``LedgerError``: as ``record(_:)``, or ``LedgerError/Code/cancelled`` when
    ///   the task was cancelled before its batch joined a commit; nothing is recorded then.
    @discardableResult
    public func record(_ facts: [LedgerFact]) async throws(LedgerError) -> AppendResult {
        try await sharingCommits(
            "recording \(facts.count) facts", on: facts.map(\.stream.streamID), exhausted: Self.streamsKeptChanging
        ) {
            ledger throws(LedgerError) in try ledger.prepareAppend(facts, judging: false)
        }
    }

    /// Records `facts` as the operator's actions, each judged by the rules in force at its
    /// time, as ``apply(_:)`` does, sharing the commit with other tasks.
    ///
    /// - Parameters:
    ///   - facts: the actions, as facts: all recorded or none.
    /// - Returns: the positions the actions were recorded at, durable when the call returns.
    /// - Throws: ``LedgerError``: as ``apply(_:)`` (a ``LedgerError/Code/ruleViolation``
    ///   naming the rule), or ``LedgerError/Code/cancelled`` when the task was cancelled
    ///   before its batch joined a commit; nothing is recorded then.
    @discardableResult
    public func apply(_ facts: [LedgerFact]) async throws(LedgerError) -> AppendResult {
        try await sharingCommits(
            "applying \(facts.count) actions", on: facts.map(\.stream.streamID), exhausted: Self.streamsKeptChanging
        ) {
            ledger throws(LedgerError) in try ledger.prepareAppend(facts, judging: true)
        }
    }

    /// Decides `action` on `line` at `time` and records its events, as
    /// ``apply(_:to:at:metadata:)`` does, sharing the commit with other tasks.
    ///
    /// - Parameters:
    ///   - action: what the operator does.
    ///   - line: the line it is done to.
    ///   - time: when; no later than 5 minutes after the store's present.
    ///   - metadata: carried by the recorded events.
    /// - Returns: the events recorded, as the store recorded them.
    /// - Throws: ``LedgerError``: as ``apply(_:to:at:metadata:)``, or
    ///   ``LedgerError/Code/cancelled`` when the task was cancelled before its batch joined
    ///   a commit; nothing is recorded then.
    @discardableResult
    public func apply(
        _ action: OperatorAction, to line: LineNumber, at time: Timestamp,
        metadata: [String: String] = [:]
    ) async throws(LedgerError) -> [RecordedFact] {
        let what = "\(action) on line \(line)"
        try loggingRefusal(what) { () throws(LedgerError) in try checkActionTime(time) }
        let exhausted = { Self.lineKeptChanging(line) }
        let appended = try await sharingCommits(what, on: [.line(line.text)], exhausted: exhausted) {
            ledger throws(LedgerError) in try ledger.decide(action, on: line, at: time, metadata: metadata)
        }
        return try await onPreparationQueue { ledger throws(LedgerError) in
            try ledger.recordedFacts(at: appended.positions)
        }
    }

    /// The retry loop of the `async` calls, holding the turns of `streams` (``StreamTurns``):
    /// `prepare` on the preparation queue, then the batch into the store's group commit; a
    /// refusal is logged as the synchronous calls log it.
    func sharingCommits(
        _ what: @autoclosure () -> String, on streams: [StreamID], exhausted: () -> LedgerError,
        _ prepare: @escaping @Sendable (Ledger) throws(LedgerError) -> PreparedAppend
    ) async throws(LedgerError) -> AppendResult {
        let turns = await streamTurns.take(streams)
        defer { streamTurns.giveBack(turns) }
        do {
            return try await ConflictRetry.run(exhausted: exhausted) { () async throws(LedgerError) in
                if Task.isCancelled { throw LedgerError(.cancelled) }
                let prepared = try await onPreparationQueue(prepare)
                if Task.isCancelled { throw LedgerError(.cancelled) }
                return try await prepared.attempt(while: "appending") { events, expectations in
                    try await store.appendCoalesced(events, expecting: expectations)
                }
            }
        } catch {
            if error.code != .cancelled {
                logger.info("refused \(what()): \(error)", metadata: [StoreLogging.eventKey: "ledger.refusal"])
            }
            throw error
        }
    }

    /// Runs `body` on `preparationQueue` and resumes the calling task with its outcome.
    private func onPreparationQueue<Value: Sendable>(
        _ body: @escaping @Sendable (Ledger) throws(LedgerError) -> Value
    ) async throws(LedgerError) -> Value {
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Value, LedgerError>, Never>) in
            preparationQueue.async {
                continuation.resume(returning: Result { () throws(LedgerError) in try body(self) })
            }
        }
        return try outcome.get()
    }
}
