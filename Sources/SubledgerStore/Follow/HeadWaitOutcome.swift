/// How a wait for the head (``EventStore/waitForHead(beyond:atMost:)``) ended. Whatever it
/// says, the caller reads the log again: positions come from the log, never from a wake-up.
public enum HeadWaitOutcome: Sendable, Equatable {
    /// A commit moved the head beyond the position (or had already), or the store's
    /// listener came back after a loss and woke every waiter to read what it missed.
    case woken
    /// The backstop: the whole timeout passed without a wake-up.
    case timedOut
    /// The waiting task was cancelled.
    case cancelled
}
