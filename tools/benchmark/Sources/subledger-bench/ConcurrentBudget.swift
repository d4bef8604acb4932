import Synchronization

/// How long the writers of a concurrent row append, and how many events they appended: each
/// writer asks before each append whether the deadline has passed, and counts the events of
/// each append that returned. The row's events are the count; its time, the wall time until
/// the last writer is done (its last append may end a little after the deadline).
final class ConcurrentBudget: Sendable {
    /// When the writers stop starting appends.
    let deadline: ContinuousClock.Instant
    private let appended = Atomic<Int>(0)

    /// A budget of `seconds` from now: make it right before the timed writers start.
    init(seconds: Int) {
        deadline = ContinuousClock.now + .seconds(seconds)
    }

    /// Whether a writer may start another append.
    var allowsAnother: Bool { ContinuousClock.now < deadline }

    /// Counts `events` appended (durable) by one call.
    func count(_ events: Int) { appended.add(events, ordering: .relaxed) }

    /// The events appended so far.
    var appendedEvents: Int { appended.load(ordering: .relaxed) }
}
