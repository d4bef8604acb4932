/// The one retry-on-conflict loop (the Decider's concurrency: append with the expected
/// versions; on a version conflict, fold the other writer's events in and decide again).
/// Every writer that decides on what it read goes through it, so all give up after the same
/// ``StoreLimits/conflictRetryAttempts`` attempts with the error they name.
///
/// ```swift
/// let result = try ConflictRetry.run(exhausted: { MyError.busy }) { () throws(MyError) in
///     let state = try load()
///     do { return .finished(try store.append(decide(state), expecting: versions)) }
///     catch let error as EventStoreError where error.code == .versionConflict { return .conflicted }
/// }
/// ```
public enum ConflictRetry {
    /// What one attempt came to.
    public enum Attempt<Value> {
        /// It appended (or decided that nothing is to be appended): `run` returns this.
        case finished(Value)
        /// Another writer moved a stream it read: read again and decide again.
        case conflicted
    }

    /// Runs `attempt` until it finishes, at most `attempts` times; throws `exhausted()` when
    /// every attempt conflicted, and whatever `attempt` throws at once.
    /// - Parameters:
    ///   - attempts: The most attempts, at least 1 (a precondition).
    ///   - exhausted: Makes the error thrown when every attempt conflicted.
    ///   - attempt: Reads, decides and appends once.
    /// - Returns: The value of the first attempt that finished.
    /// - Throws: What `attempt` throws, at once; `exhausted()` after `attempts` conflicts.
    public static func run<Value, Failure: Error>(
        attempts: Int = StoreLimits.conflictRetryAttempts,
        exhausted: () -> Failure,
        _ attempt: () throws(Failure) -> Attempt<Value>
    ) throws(Failure) -> Value {
        precondition(attempts >= 1, "a retry loop makes at least one attempt")
        for _ in 0..<attempts {
            switch try attempt() {
            case .finished(let value): return value
            case .conflicted: continue
            }
        }
        throw exhausted()
    }

    /// Runs `attempt` as ``run(attempts:exhausted:_:)`` does, for an attempt that awaits
    /// (a commit shared with other callers, ``EventStore/appendCoalesced(_:expecting:)``).
    /// - Parameters:
    ///   - attempts: The most attempts, at least 1 (a precondition).
    ///   - exhausted: Makes the error thrown when every attempt conflicted.
    ///   - attempt: Reads, decides and appends once.
    /// - Returns: The value of the first attempt that finished.
    /// - Throws: What `attempt` throws, at once; `exhausted()` after `attempts` conflicts.
    public static func run<Value, Failure: Error>(
        attempts: Int = StoreLimits.conflictRetryAttempts,
        exhausted: () -> Failure,
        _ attempt: () async throws(Failure) -> Attempt<Value>
    ) async throws(Failure) -> Value {
        precondition(attempts >= 1, "a retry loop makes at least one attempt")
        for _ in 0..<attempts {
            switch try await attempt() {
            case .finished(let value): return value
            case .conflicted: continue
            }
        }
        throw exhausted()
    }
}
