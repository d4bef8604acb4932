import Foundation

/// How `stress-append` waits before trying a batch again after a failure of the storage: a
/// pause that doubles from 10 ms to 200 ms (a restarting server takes a second or two to
/// accept connections again), for at most the time given.
struct StorageRetry {
    private let deadline: Date
    private var pauseMilliseconds = 10

    /// Retries for `seconds` from now.
    init(seconds: Double) {
        deadline = Date().addingTimeInterval(seconds)
    }

    /// Waits the next pause; `false`, without waiting, once the time is up.
    mutating func waitBeforeNextTry() -> Bool {
        guard Date() < deadline else { return false }
        Thread.sleep(forTimeInterval: Double(pauseMilliseconds) / 1000)
        pauseMilliseconds = min(pauseMilliseconds * 2, 200)
        return true
    }
}
