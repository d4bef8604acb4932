import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerPostgres
import SubledgerStoreTesting

/// Issue 15 item 3 on PostgreSQL: each append's transaction notifies the store's channel,
/// and a connection of every other store opened on it (another process) listens, so that a
/// reader waiting at the head is woken by any process's commit well before its backstop,
/// never skips a position, and hears again once its listener is killed and reconnected.
@Suite("PostgreSQL: readers woken by every process's commits")
struct PostgresCommitNotificationTests {
    /// Far longer than any wake-up: a test that waits for it has failed.
    static let backstop = Duration.seconds(30)

    /// A store of its own on the test server, opened through its backend (for the listener's hooks).
    static func open(_ url: String) throws -> (EventStore, PostgresBackend) {
        let location = try PostgresStoreLocation(url: url)
        let backend = try PostgresBackend.connect(location, readOnly: false, logger: StoreLogging.silent)
        return (try EventStore.open(backend: backend, describedAs: location.description, options: .init()), backend)
    }

    /// Reads `store` from `position + 1`, waiting for commits while there is nothing, until
    /// it has `count` events: what it read and how many of its waits ended by the backstop.
    static func follow(_ store: EventStore, after position: UInt64, until count: Int) async throws
        -> (events: [RecordedEvent], timedOutWaits: Int)
    {
        let started = ContinuousClock.now
        var events: [RecordedEvent] = []
        var next = position + 1
        var timedOutWaits = 0
        while events.count < count, ContinuousClock.now - started < .seconds(60) {
            let read = try store.events(from: next)
            events += read
            if let last = read.last { next = last.position + 1; continue }
            if await store.waitForHead(beyond: next - 1, atMost: backstop) == .timedOut { timedOutWaits += 1 }
        }
        return (events, timedOutWaits)
    }

    /// Waits until `count` sessions listen on the store's channel (a listener connects
    /// in the background): `false` after 10 s.
    static func listeners(of backend: PostgresBackend, reach count: Int) async throws -> Bool {
        for _ in 0..<200 {
            if try backend.listeningSessions(terminating: false) >= count { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func aWaiterIsWokenByAnAppendOfAnotherStoreOnTheSameDatabase() async throws {
        try await DedicatedExecutor.run {
            let url = try PostgresTestServer.newStoreURL()
            let (reader, readerBackend) = try Self.open(url)
            let writer = try EventStore.open(postgres: url)
            #expect(reader.hearsOtherProcessesCommits)
            let following = DedicatedExecutor.detached { try await Self.follow(reader, after: 0, until: 3) }
            #expect(try await Self.listeners(of: readerBackend, reach: 1), "the reader's first wait starts its listener")
            try await Task.sleep(for: .milliseconds(100))
            let appended = (1...3).map { paymentEvent("+98912\($0)", amount: Int64($0)) }
            try writer.append(appended)
            let (events, timedOutWaits) = try await following.value
            #expect(timedOutWaits == 0, "woken by the notification, not the 30 s backstop")
            #expect(events.map(\.eventID) == appended.map(\.eventID), "exactly the appended events")
            #expect(events.map(\.position) == [1, 2, 3])
        }
    }

    /// The listener runs off the cooperative pool: with every thread of the pool blocked (as
    /// a caller's synchronous store calls block them), another store's commit still wakes a
    /// waiter that runs elsewhere.
    @Test func aBlockedTaskPoolDoesNotHoldBackTheListener() async throws {
        try await DedicatedExecutor.run {
            let url = try PostgresTestServer.newStoreURL()
            let (reader, readerBackend) = try Self.open(url)
            let writer = try EventStore.open(postgres: url)
            let release = DispatchSemaphore(value: 0)
            let width = ProcessInfo.processInfo.activeProcessorCount
            let blocked = SharedCount()
            for _ in 0..<width {
                Task.detached {
                    blocked.value += 1
                    release.wait()
                }
            }
            defer { for _ in 0..<width { release.signal() } }
            // Until they all block the pool, or 5 s: a pool that other tests hold is blocked too.
            let deadline = ContinuousClock.now + .seconds(5)
            while blocked.value < width, ContinuousClock.now < deadline { usleep(1_000) }
            let following = DedicatedExecutor.detached { try await Self.follow(reader, after: 0, until: 1) }
            #expect(try await Self.listeners(of: readerBackend, reach: 1), "the listener connects meanwhile")
            let event = paymentEvent("+989121", amount: 1)
            try writer.append([event])
            let (events, timedOutWaits) = try await following.value
            #expect(timedOutWaits == 0, "woken by the notification, not the 30 s backstop")
            #expect(events.map(\.eventID) == [event.eventID])
        }
    }

    /// Many writers of four other stores append at once; one follower delivers every position
    /// once, in order, without a gap, and is done soon after the last commit.
    @Test func aFollowerOfManyConcurrentAppendsSeesEveryPositionOnceInOrder() async throws {
        try await DedicatedExecutor.run {
            let url = try PostgresTestServer.newStoreURL()
            let (reader, _) = try Self.open(url)
            let writers = try (0..<4).map { _ in try EventStore.open(postgres: url) }
            let writerThreads = 8
            let batches = 25
            let acknowledged = PostgresConcurrencyTests.Acknowledged()
            let expected = SharedCount()
            let following = DedicatedExecutor.detached { () -> [RecordedEvent] in
                var events: [RecordedEvent] = []
                var next: UInt64 = 1
                // Until every writer is done and the follower has the head they left.
                while true {
                    let target = expected.value
                    if target > 0, events.count >= target { return events }
                    let read = try reader.events(from: next, limit: 7)
                    events += read
                    if let last = read.last { next = last.position + 1; continue }
                    await reader.waitForHead(beyond: next - 1, atMost: .milliseconds(target > 0 ? 200 : 30_000))
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            // Threads of their own: the writers block on their round trips, not the task pool.
            let group = DispatchGroup()
            for writer in 0..<writerThreads {
                group.enter()
                Thread {
                    PostgresConcurrencyTests.write(
                        writers[writer % writers.count], writer: writer, batches: batches, into: acknowledged)
                    group.leave()
                }.start()
            }
            await withCheckedContinuation { continuation in group.notify(queue: .global()) { continuation.resume() } }
            #expect(acknowledged.failures.isEmpty, "\(acknowledged.failures)")
            let head = try writers[0].head().position
            expected.value = Int(head)
            let delivered = try await following.value
            #expect(delivered.map(\.position) == Array(1...head), "every position once, in order, no gap")
            #expect(delivered.count == acknowledged.events.count)
            let landed = Dictionary(
                acknowledged.events.map { ($0.position, $0.id) }, uniquingKeysWith: { first, _ in first })
            #expect(delivered.allSatisfy { landed[$0.position] == $0.eventID }, "each position the event acknowledged there")
        }
    }

    /// The listener's session is terminated: waits end by their backstop meanwhile, the
    /// listener connects again, and the next commit wakes a waiter again.
    @Test func aKilledListenerIsReconnectedAndWakesWaitersAgain() async throws {
        try await DedicatedExecutor.run {
            let url = try PostgresTestServer.newStoreURL()
            let (reader, readerBackend) = try Self.open(url)
            let writer = try EventStore.open(postgres: url)
            await reader.waitForHead(beyond: 0, atMost: .milliseconds(10))
            #expect(try await Self.listeners(of: readerBackend, reach: 1))
            #expect(try readerBackend.listeningSessions(terminating: true) == 1, "the listener's session ended")
            // A wait during the loss still ends, by its backstop at the latest.
            await reader.waitForHead(beyond: 0, atMost: .milliseconds(300))
            #expect(try await Self.listeners(of: readerBackend, reach: 1), "the listener is back")
            let following = DedicatedExecutor.detached { try await Self.follow(reader, after: 0, until: 1) }
            try await Task.sleep(for: .milliseconds(200))
            let event = paymentEvent("+989121", amount: 1)
            try writer.append([event])
            let (events, timedOutWaits) = try await following.value
            #expect(timedOutWaits == 0, "heard again after the reconnection, not by the 30 s backstop")
            #expect(events.map(\.eventID) == [event.eventID])
        }
    }

    @Test func aLongSchemaNameGetsAChannelOf63BytesOfItsOwn() throws {
        let server = try PostgresTestServer.url()
        let long = String(repeating: "s", count: 60)
        let first = try PostgresBackend.connect(
            try PostgresStoreLocation(url: server + "?schema=" + long + "abc"), readOnly: false,
            logger: StoreLogging.silent)
        let second = try PostgresBackend.connect(
            try PostgresStoreLocation(url: server + "?schema=" + long + "abd"), readOnly: false,
            logger: StoreLogging.silent)
        #expect(first.notifyChannel.utf8.count == 63 && second.notifyChannel.utf8.count == 63)
        #expect(first.notifyChannel != second.notifyChannel)
        #expect(first.notifyChannel.hasPrefix("subledger_sss"))
    }

    /// Issue 15 item 3's figure: from an append of another store (another process) to a
    /// caught-up follower having the event (the subscription polled every 20 ms before).
    @Test func latencyFromAnAppendOfAnotherStoreToAFollower() async throws {
        try await DedicatedExecutor.run {
            let url = try PostgresTestServer.newStoreURL()
            let (reader, _) = try Self.open(url)
            let writer = try EventStore.open(postgres: url)
            let measured = try await CommitLatency.measure(appendingThrough: writer, followedBy: reader, rounds: 30)
            print("commit to follower, PostgreSQL, another store: \(CommitLatency.summary(measured.rounds))")
            #expect(measured.timedOutWaits == 0, "every delivery woken by the notification, none by the backstop")
        }
    }
}

/// A count shared between tasks: how many events a follower is to deliver, how many waits
/// timed out.
final class SharedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int {
        get { lock.withLock { count } }
        set { lock.withLock { count = newValue } }
    }
}
