import Foundation
import SubledgerStore

/// Measures how long an event takes from its append to a caught-up follower that waits for
/// commits (``EventStore/waitForHead(beyond:atMost:)``), as the server's subscription does.
enum CommitLatency {
    /// The follower failed, or delivered another position than the one appended.
    struct FollowerLost: Error {}

    /// What one round measured: from the append's call, and from its return, to delivery.
    struct Round {
        var fromCall: Duration
        var fromReturn: Duration
    }

    /// The rounds, and how many of the follower's waits ended by their backstop, not a wake-up.
    struct Measurement {
        var rounds: [Round]
        var timedOutWaits: Int
    }

    /// Appends one event per round through `writer` while a follower of `reader` reads the
    /// log; each round waits until the follower has its event. The follower runs on
    /// ``DedicatedExecutor``, as the caller should.
    static func measure(appendingThrough writer: EventStore, followedBy reader: EventStore, rounds: Int) async throws
        -> Measurement
    {
        let start = try reader.head().position
        let (arrivals, continuation) = AsyncStream.makeStream(of: (UInt64, ContinuousClock.Instant).self)
        let timedOutWaits = SharedCount()
        let follower = DedicatedExecutor.detached {
            // A follower that fails ends the stream: the round waiting for it fails, not hangs.
            defer { continuation.finish() }
            var next = start + 1
            while !Task.isCancelled {
                let events = try reader.events(from: next)
                for event in events { continuation.yield((event.position, .now)) }
                if let last = events.last { next = last.position + 1; continue }
                if await reader.waitForHead(beyond: next - 1, atMost: .seconds(30)) == .timedOut {
                    timedOutWaits.value += 1
                }
            }
        }
        defer { follower.cancel() }
        var iterator = arrivals.makeAsyncIterator()
        // The follower's first wait may end when its listener connects: let it settle.
        try await Task.sleep(for: .milliseconds(300))
        var measured: [Round] = []
        for round in 0..<rounds {
            let called = ContinuousClock.now
            let position = try writer.append([paymentEvent("+989120", amount: Int64(round))]).headPosition
            let returned = ContinuousClock.now
            guard let arrival = await iterator.next(), arrival.0 == position else { throw FollowerLost() }
            measured.append(Round(fromCall: arrival.1 - called, fromReturn: max(arrival.1 - returned, .zero)))
            try await Task.sleep(for: .milliseconds(5))
        }
        return Measurement(rounds: measured, timedOutWaits: timedOutWaits.value)
    }

    /// The medians and the worst, in milliseconds.
    static func summary(_ rounds: [Round]) -> String {
        func milliseconds(_ duration: Duration) -> String {
            String(
                format: "%.2f ms",
                Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)
        }
        let fromCall = rounds.map(\.fromCall).sorted()
        let fromReturn = rounds.map(\.fromReturn).sorted()
        return "append call to delivery median \(milliseconds(fromCall[fromCall.count / 2])), "
            + "worst \(milliseconds(fromCall.last!)); append return to delivery median "
            + "\(milliseconds(fromReturn[fromReturn.count / 2])), over \(rounds.count) appends"
    }
}
