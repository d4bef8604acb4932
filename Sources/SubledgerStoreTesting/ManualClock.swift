public import SubledgerStore
import Synchronization

/// A clock for tests: it returns the instants it is told, so a test can make time jump
/// forward or step back and check that `recordedAt` never decreases.
public final class ManualClock: StoreClock {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp) {
        current = Mutex(start)
    }

    public func now() -> Timestamp {
        current.withLock { $0 }
    }

    /// Sets the instant `now()` returns, earlier or later.
    public func set(_ instant: Timestamp) {
        current.withLock { $0 = instant }
    }

    /// Moves the clock by `milliseconds` (negative steps back).
    public func advance(milliseconds: Int64) {
        current.withLock { $0 = Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + milliseconds) }
    }
}
