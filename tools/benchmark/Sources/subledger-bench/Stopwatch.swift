#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Times the parts that count: wall time on the monotonic clock (`ContinuousClock`,
/// CLOCK_MONOTONIC on Linux) and this process's CPU time (CLOCK_PROCESS_CPUTIME_ID, user
/// and system), which other processes on the machine do not inflate.
struct Stopwatch {
    private let clock = ContinuousClock()
    private(set) var elapsed: Duration = .zero
    private(set) var cpu: Duration = .zero

    /// Runs `body` and adds its wall and CPU time.
    mutating func measure<R>(_ body: () throws -> R) rethrows -> R {
        let cpuStart = Self.processCPUTime()
        let start = clock.now
        defer {
            elapsed += clock.now - start
            cpu += Self.processCPUTime() - cpuStart
        }
        return try body()
    }

    var seconds: Double { elapsed.seconds }
    var cpuSeconds: Double { cpu.seconds }

    static func processCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
