public import SubledgerStore

extension Ledger {
    /// The committed facts from `position` on, as they are committed: once caught up, the
    /// sequence waits for a commit (``EventStore/waitForHead(beyond:atMost:)``: woken by this
    /// process's appends, and on PostgreSQL by every process's), and reads the store again
    /// after `pollInterval` at the latest (the backstop: other processes' appends to LMDB).
    /// It never ends by itself; it ends when the task iterating it is cancelled.
    ///
    /// Following has backpressure: the next chunk of at most ``FollowedFacts/chunkSize``
    /// events is read (in one short read transaction) only when the consumer has taken
    /// the previous one, so a slow consumer following a long log from position 1 holds
    /// one chunk in memory, not the backlog.
    /// - Parameters:
    ///   - position: the first position to read; 1 (the default) for the whole log, a position past
    ///     the head for only what is committed later.
    ///   - pollInterval: the longest wait for a commit before reading again once caught up.
    /// - Returns: the sequence; nothing is read until it is iterated.
    public func follow(from position: UInt64 = 1, pollInterval: Duration = .milliseconds(50)) -> FollowedFacts {
        FollowedFacts(store: store, start: position, pollInterval: pollInterval, chunkSize: FollowedFacts.chunkSize)
    }
}

/// The committed facts of a store from a position on, read as they are taken
/// (``Ledger/follow(from:pollInterval:)``).
///
/// Each iterator reads the log itself, in chunks of at most ``chunkSize`` events, each in
/// its own short read transaction, and only when the facts it read before have all been
/// taken: nothing is read ahead of the consumer beyond one chunk, and no task runs
/// behind it.
public struct FollowedFacts: AsyncSequence, Sendable {
    /// Each element is a fact as the store recorded it.
    public typealias Element = RecordedFact
    /// A failure is the store's error, or the ``FactError`` of an event that is not a ledger fact.
    public typealias Failure = any Error

    /// The most events one read takes from the log, and so the most an iterator holds
    /// that its consumer has not taken yet.
    public static let chunkSize = 1024

    let store: EventStore
    let start: UInt64
    let pollInterval: Duration
    let chunkSize: Int

    init(store: EventStore, start: UInt64, pollInterval: Duration, chunkSize: Int) {
        precondition(chunkSize >= 1, "a follower reads at least one event at a time")
        self.store = store
        self.start = Swift.max(start, 1)
        self.pollInterval = pollInterval
        self.chunkSize = chunkSize
    }

    /// The same facts, read at most `chunkSize` events at a time (at least 1).
    /// - Parameter chunkSize: the most events one read takes; values below 1 count as 1.
    /// - Returns: a sequence of the same facts.
    public func reading(atMost chunkSize: Int) -> FollowedFacts {
        FollowedFacts(store: store, start: start, pollInterval: pollInterval, chunkSize: Swift.max(chunkSize, 1))
    }

    /// - Returns: an iterator that starts at the sequence's position.
    public func makeAsyncIterator() -> Iterator {
        Iterator(facts: self)
    }

    /// Reads the log as its facts are taken.
    public struct Iterator: AsyncIteratorProtocol {
        private let facts: FollowedFacts
        /// The events read and not yet taken, from `taken` on.
        private var chunk: [RecordedEvent] = []
        private var taken = 0
        /// The position of the next event to read (each read checks that it links to the
        /// event stored before it).
        private var nextPosition: UInt64
        private var finished = false

        /// How many events this iterator has read from the log so far.
        public private(set) var readCount = 0

        init(facts: FollowedFacts) {
            self.facts = facts
            nextPosition = facts.start
        }

        /// How many events were read from the log and not yet taken by the consumer: at
        /// most ``FollowedFacts/chunkSize`` (or the size given to
        /// ``FollowedFacts/reading(atMost:)``).
        public var bufferedCount: Int { chunk.count - taken }

        /// The next committed fact; waits for a commit when the log has no more;
        /// `nil` once the task is cancelled. Throws when an event does not read (a damaged
        /// store, a fact of no known type), after which it returns `nil`.
        /// - Returns: the next fact; `nil` once the task is cancelled or after a throw.
        /// - Throws: the store's error when the log cannot be read, or the ``FactError`` of an event
        ///   that is not a ledger fact.
        public mutating func next() async throws -> RecordedFact? {
            while !finished {
                if taken < chunk.count {
                    let event = chunk[taken]
                    taken += 1
                    do { return try RecordedFact(event) } catch { finished = true; throw error }
                }
                guard !Task.isCancelled else { break }
                chunk = []
                taken = 0
                do {
                    chunk = try facts.store.events(from: nextPosition, limit: facts.chunkSize)
                } catch {
                    finished = true
                    throw error
                }
                readCount += chunk.count
                if let last = chunk.last {
                    nextPosition = last.position + 1
                } else {
                    await facts.store.waitForHead(beyond: nextPosition - 1, atMost: facts.pollInterval)
                }
            }
            finished = true
            chunk = []
            return nil
        }
    }
}
