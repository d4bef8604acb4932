import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// Issue 15 item 3 on LMDB and in memory: a reader caught up at the head waits for a commit
/// (``EventStore/waitForHead(beyond:atMost:)``) and is woken by this process's appends, well
/// before its backstop; it reads the log again and finds exactly what was appended.
@Suite("Waiting for the head: woken by this process's commits")
struct HeadWaitTests {
    static let local: [Backend] = [.lmdb, .inMemory]
    /// Far longer than any wake-up: a test that waits for it has failed.
    static let backstop = Duration.seconds(30)

    /// Waits beyond `position` in a task of its own, then reads what is there.
    static func waiter(_ store: EventStore, beyond position: UInt64) -> Task<(Duration, [RecordedEvent]), any Error> {
        Task.detached {
            let started = ContinuousClock.now
            await store.waitForHead(beyond: position, atMost: backstop)
            let waited = ContinuousClock.now - started
            return (waited, try store.events(from: position + 1))
        }
    }

    @Test(arguments: local) func aWaiterIsWokenByAnAppendOfThisProcess(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+989121", amount: 1)])
        let waiting = Self.waiter(fixture.store, beyond: 1)
        try await Task.sleep(for: .milliseconds(100))
        let appended = [paymentEvent("+989121", amount: 2), paymentEvent("+989122", amount: 3)]
        try fixture.store.append(appended)
        let (waited, events) = try await waiting.value
        #expect(waited < .seconds(2), "woken by the commit, not the backstop: waited \(waited)")
        #expect(events.map(\.eventID) == appended.map(\.eventID))
        #expect(events.map(\.position) == [2, 3])
    }

    @Test(arguments: local) func aGroupCommitWakesAWaiter(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let waiting = Self.waiter(fixture.store, beyond: 0)
        try await Task.sleep(for: .milliseconds(100))
        let event = paymentEvent("+989121", amount: 1)
        try await fixture.store.appendCoalesced([event])
        let (waited, events) = try await waiting.value
        #expect(waited < .seconds(2), "waited \(waited)")
        #expect(events.map(\.eventID) == [event.eventID])
    }

    /// An import's own transactions are invisible: only its last commit wakes, and what the
    /// woken reader reads then is the whole import.
    @Test(arguments: local) func anImportWakesAWaiterOnlyWhenItIsVisible(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let waiting = Self.waiter(fixture.store, beyond: 0)
        try await Task.sleep(for: .milliseconds(100))
        let imported = (1...6).map { paymentEvent("+98912\($0 % 2)", amount: Int64($0)) }
        try fixture.store.withImport { session in
            for pair in stride(from: 0, to: imported.count, by: 2) {
                try session.append(Array(imported[pair...pair + 1]))
            }
        }
        let (waited, events) = try await waiting.value
        #expect(waited < .seconds(2), "waited \(waited)")
        #expect(events.map(\.eventID) == imported.map(\.eventID), "woken once the import is visible, all of it")
    }

    /// A commit between the reader's read and its wait is not lost: the wait returns at once.
    @Test(arguments: local) func aCommitBeforeTheWaitEndsItAtOnce(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let read = try fixture.store.events(from: 1)
        #expect(read.isEmpty)
        try fixture.store.append([paymentEvent("+989121", amount: 1)])
        let started = ContinuousClock.now
        await fixture.store.waitForHead(beyond: 0, atMost: Self.backstop)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test(arguments: local) func withoutACommitTheWaitEndsByItsBackstop(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+989121", amount: 1)])
        let started = ContinuousClock.now
        await fixture.store.waitForHead(beyond: 1, atMost: .milliseconds(150))
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(140) && waited < .seconds(5), "waited \(waited)")
        #expect(!fixture.store.hearsOtherProcessesCommits)
    }

    @Test func aCancelledWaitEndsAtOnce() async throws {
        let store = EventStore.inMemory()
        let waiting = Task.detached {
            let started = ContinuousClock.now
            await store.waitForHead(beyond: 0, atMost: Self.backstop)
            return ContinuousClock.now - started
        }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value < .seconds(2))
    }

    /// Issue 15 item 3's figure: from an append's return to a caught-up follower having the
    /// event, in this process (the subscription polled every 20 ms before).
    @Test func latencyFromAnAppendToAFollowerOfThisProcess() async throws {
        let fixture = try StoreFixture(.lmdb)
        let latencies = try await CommitLatency.measure(
            appendingThrough: fixture.store, followedBy: fixture.store, rounds: 30)
        print("commit to follower, LMDB, this process: \(CommitLatency.summary(latencies))")
        #expect(CommitLatency.median(latencies) < .milliseconds(200))
    }
}
