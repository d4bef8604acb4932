public import SubledgerStore
import Synchronization

/// A clock for tests: it returns the instants it is told, so a test can make time jump
/// forward or step back and check that `recordedAt` never decreases.
public final class ManualClock: StoreClock {
    private let current: Mutex<Timestamp>

    /// A clock at `start`.
    /// - Parameter start: The instant `now()` returns until the clock is set or moved.
    public init(_ start: Timestamp) {
        current = Mutex(start)
    }

    /// The instant the clock was last set to or moved to.
    /// - Returns: That instant.
    public func now() -> Timestamp {
        current.withLock { $0 }
    }

    /// Sets the instant `now()` returns, earlier or later.
    /// - Parameter instant: The new instant.
    public func set(_ instant: Timestamp) {
        current.withLock { $0 = instant }
    }

    /// Moves the clock by `milliseconds` (negative steps back).
    /// - Parameter milliseconds: The step.
    public func advance(milliseconds: Int64) {
        current.withLock { $0 = Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + milliseconds) }
    }
}
