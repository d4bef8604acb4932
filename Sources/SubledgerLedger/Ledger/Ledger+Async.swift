import Dispatch
public import SubledgerStore
import Synchronization

/// The ledger from a service's tasks (issue 12 item 6): `record` and `apply` as `async`
/// overloads of the synchronous ones, with the same names, outcomes and errors.
///
/// The blocking part of a write (reading the streams, validating, the write transaction and
/// its fsync) runs on the ledger's own serial writer queue (`writerQueue`), never on a
/// thread of Swift's cooperative pool: the calling task suspends and is resumed through a
/// continuation once the commit is durable (or refused). The write transaction never spans
/// an `await`: it begins and ends within one synchronous call on the writer queue.
///
/// Cancellation: a task cancelled before its commit starts on the writer queue records
/// nothing and throws ``LedgerError/Code/cancelled``. Once the commit started it completes
/// and the call returns its outcome, cancelled or not (a durable fact is not taken back).
extension Ledger {
    /// Records `facts` as they are, lawful or not, as ``record(_:)`` does, off the
    /// cooperative pool (on `writerQueue`).
    ///
    /// - Parameters:
    ///   - facts: the facts, all recorded in one transaction or none.
    /// - Returns: the positions the facts were recorded at, durable when the call returns.
    /// - Throws: ``LedgerError``: as ``record(_:)``, or ``LedgerError/Code/cancelled`` when
    ///   the task was cancelled before the commit started; nothing is recorded then.
    @discardableResult
    public func record(_ facts: [LedgerFact]) async throws(LedgerError) -> AppendResult {
        try await onWriterQueue { ledger throws(LedgerError) in try ledger.record(facts) }
    }

    /// Records `facts` as the operator's actions, each judged by the rules in force at its
    /// time, as ``apply(_:)`` does, off the cooperative pool (on `writerQueue`).
    ///
    /// - Parameters:
    ///   - facts: the actions, as facts: all recorded or none.
    /// - Returns: the positions the actions were recorded at, durable when the call returns.
    /// - Throws: ``LedgerError``: as ``apply(_:)`` (a ``LedgerError/Code/ruleViolation``
    ///   naming the rule), or ``LedgerError/Code/cancelled`` when the task was cancelled
    ///   before the commit started; nothing is recorded then.
    @discardableResult
    public func apply(_ facts: [LedgerFact]) async throws(LedgerError) -> AppendResult {
        try await onWriterQueue { ledger throws(LedgerError) in try ledger.apply(facts) }
    }

    /// Decides `action` on `line` at `time` and records its events, as
    /// ``apply(_:to:at:metadata:)`` does, off the cooperative pool (on `writerQueue`).
    ///
    /// - Parameters:
    ///   - action: what the operator does.
    ///   - line: the line it is done to.
    ///   - time: when; no later than 5 minutes after the store's present.
    ///   - metadata: carried by the recorded events.
    /// - Returns: the events recorded, as the store recorded them.
    /// - Throws: ``LedgerError``: as ``apply(_:to:at:metadata:)``, or
    ///   ``LedgerError/Code/cancelled`` when the task was cancelled before the commit
    ///   started; nothing is recorded then.
    @discardableResult
    public func apply(
        _ action: OperatorAction, to line: LineNumber, at time: Timestamp,
        metadata: [String: String] = [:]
    ) async throws(LedgerError) -> [RecordedFact] {
        try await onWriterQueue { ledger throws(LedgerError) in
            try ledger.apply(action, to: line, at: time, metadata: metadata)
        }
    }

    /// Runs `write` on `writerQueue` and resumes the calling task with its outcome; throws
    /// ``LedgerError/Code/cancelled`` without running it when the task is cancelled first.
    func onWriterQueue<Value: Sendable>(
        _ write: @escaping @Sendable (Ledger) throws(LedgerError) -> Value
    ) async throws(LedgerError) -> Value {
        if Task.isCancelled { throw LedgerError(.cancelled) }
        let start = CommitStart()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, LedgerError>, Never>) in
                writerQueue.async {
                    guard start.begin() else {
                        return continuation.resume(returning: .failure(LedgerError(.cancelled)))
                    }
                    continuation.resume(returning: Result { () throws(LedgerError) in try write(self) })
                }
            }
        } onCancel: {
            start.cancel()
        }
        return try outcome.get()
    }
}

/// Whether a queued write began before its task was cancelled: the first of ``begin()``
/// and ``cancel()`` wins, under a lock.
private final class CommitStart: Sendable {
    private enum Phase { case queued, begun, cancelled }
    private let phase = Mutex(Phase.queued)

    /// Marks the write begun; `false` when the task was cancelled first (nothing is written then).
    func begin() -> Bool {
        phase.withLock { phase in
            guard phase == .queued else { return false }
            phase = .begun
            return true
        }
    }

    /// Marks the task cancelled; a write already begun is not affected.
    func cancel() {
        phase.withLock { phase in if phase == .queued { phase = .cancelled } }
    }
}
