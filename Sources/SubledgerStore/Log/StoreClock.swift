#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where the store reads the time it records as `recordedAt`. Injected, so tests can make
/// a clock that steps back; the store never lets `recordedAt` decrease whatever the clock.
public protocol StoreClock: Sendable {
    /// The current instant.
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemClock: StoreClock {
    /// The system's clock.
    public init() {}

    /// The current instant of `CLOCK_REALTIME`, truncated to the millisecond.
    /// - Returns: The instant.
    public func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(millisecondsSinceEpoch: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }
}
