#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A one-line progress bar on standard error, with the rate in events per second and the
/// time left. Made only when standard error is a terminal: redirected to a file or a pipe,
/// it prints nothing at all.
final class ProgressBar {
    private let phase: String
    private let totalBytes: Int?
    private let started: Double
    private var lastDrawn: Double
    private var callsSinceClockRead = 0
    private var hasDrawn = false

    /// A bar for one pass over `totalBytes` bytes, or `nil` when standard error is not a terminal.
    static func onTerminal(phase: String, totalBytes: Int?) -> ProgressBar? {
        isatty(STDERR_FILENO) == 1 ? ProgressBar(phase: phase, totalBytes: totalBytes) : nil
    }

    private init(phase: String, totalBytes: Int?) {
        self.phase = phase
        self.totalBytes = totalBytes
        started = Self.seconds()
        lastDrawn = started
    }

    /// Notes the progress; redraws at most ten times a second.
    func update(bytes: Int, events: Int) {
        callsSinceClockRead += 1
        guard callsSinceClockRead >= 256 else { return }
        callsSinceClockRead = 0
        let now = Self.seconds()
        guard now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        draw(bytes: bytes, events: events, elapsed: now - started)
    }

    /// Clears the bar's line.
    func finish() {
        if hasDrawn { StandardError.write("\r\u{1B}[K") }
    }

    private func draw(bytes: Int, events: Int, elapsed: Double) {
        let rate = elapsed > 0 ? Double(events) / elapsed : 0
        var text = "\r\u{1B}[K\(phase)"
        if let totalBytes, totalBytes > 0 {
            let fraction = min(1, Double(bytes) / Double(totalBytes))
            let width = 24
            let filled = Int(fraction * Double(width))
            text += " [" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "]"
            text += " \(Int(fraction * 100))%"
            if bytes > 0, fraction < 1 {
                let left = elapsed * Double(totalBytes - bytes) / Double(bytes)
                text += "  \(Self.duration(left)) left"
            }
        }
        text += "  \(Amount.grouped(Int64(events))) events  \(Amount.grouped(Int64(rate))) events/s"
        StandardError.write(text)
        hasDrawn = true
    }

    private static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        let hours = whole / 3600
        let minutes = (whole / 60) % 60
        let rest = whole % 60
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" : "\(minutes):\(twoDigits(rest))"
    }

    private static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
