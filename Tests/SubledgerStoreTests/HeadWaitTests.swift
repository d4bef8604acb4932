import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// Issue 15 item 3 on LMDB and in memory: a reader caught up at the head waits for a commit
/// (``EventStore/waitForHead(beyond:atMost:)``) and is woken by this process's appends, well
/// before its backstop; it reads the log again and finds exactly what was appended. Each
/// wait says what ended it (``HeadWaitOutcome``): the tests require a wake-up, not the
/// backstop, and run on an executor of their own (``DedicatedExecutor``).
@Suite("Waiting for the head: woken by this process's commits")
struct HeadWaitTests {
    static let local: [Backend] = [.lmdb, .inMemory]
    /// Far longer than any wake-up: a test that waits for it has failed.
    static let backstop = Duration.seconds(30)

    /// Waits beyond `position` in a task of its own, then reads what is there.
    static func waiter(_ store: EventStore, beyond position: UInt64)
        -> Task<(HeadWaitOutcome, Duration, [RecordedEvent]), any Error>
    {
        DedicatedExecutor.detached {
            let started = ContinuousClock.now
            let outcome = await store.waitForHead(beyond: position, atMost: backstop)
            let waited = ContinuousClock.now - started
            return (outcome, waited, try store.events(from: position + 1))
        }
    }

    @Test(arguments: local) func aWaiterIsWokenByAnAppendOfThisProcess(_ backend: Backend) async throws {
        try await DedicatedExecutor.run {
            let fixture = try StoreFixture(backend)
            try fixture.store.append([paymentEvent("+989121", amount: 1)])
            let waiting = Self.waiter(fixture.store, beyond: 1)
            try await Task.sleep(for: .milliseconds(100))
            let appended = [paymentEvent("+989121", amount: 2), paymentEvent("+989122", amount: 3)]
            try fixture.store.append(appended)
            let (outcome, waited, events) = try await waiting.value
            #expect(outcome == .woken, "woken by the commit, not the backstop: waited \(waited)")
            #expect(events.map(\.eventID) == appended.map(\.eventID))
            #expect(events.map(\.position) == [2, 3])
        }
    }

    @Test(arguments: local) func aGroupCommitWakesAWaiter(_ backend: Backend) async throws {
        try await DedicatedExecutor.run {
            let fixture = try StoreFixture(backend)
            let waiting = Self.waiter(fixture.store, beyond: 0)
            try await Task.sleep(for: .milliseconds(100))
            let event = paymentEvent("+989121", amount: 1)
            try await fixture.store.appendCoalesced([event])
            let (outcome, waited, events) = try await waiting.value
            #expect(outcome == .woken, "waited \(waited)")
            #expect(events.map(\.eventID) == [event.eventID])
        }
    }

    /// An import's own transactions are invisible: only its last commit wakes, and what the
    /// woken reader reads then is the whole import.
    @Test(arguments: local) func anImportWakesAWaiterOnlyWhenItIsVisible(_ backend: Backend) async throws {
        try await DedicatedExecutor.run {
            let fixture = try StoreFixture(backend)
            let waiting = Self.waiter(fixture.store, beyond: 0)
            try await Task.sleep(for: .milliseconds(100))
            let imported = (1...6).map { paymentEvent("+98912\($0 % 2)", amount: Int64($0)) }
            try fixture.store.withImport { session in
                for pair in stride(from: 0, to: imported.count, by: 2) {
                    try session.append(Array(imported[pair...pair + 1]))
                }
            }
            let (outcome, waited, events) = try await waiting.value
            #expect(outcome == .woken, "waited \(waited)")
            #expect(events.map(\.eventID) == imported.map(\.eventID), "woken once the import is visible, all of it")
        }
    }

    /// A commit between the reader's read and its wait is not lost: the wait returns at once.
    @Test(arguments: local) func aCommitBeforeTheWaitEndsItAtOnce(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let read = try fixture.store.events(from: 1)
        #expect(read.isEmpty)
        try fixture.store.append([paymentEvent("+989121", amount: 1)])
        let outcome = await DedicatedExecutor.run {
            await fixture.store.waitForHead(beyond: 0, atMost: Self.backstop)
        }
        #expect(outcome == .woken)
    }

    @Test(arguments: local) func withoutACommitTheWaitEndsByItsBackstop(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+989121", amount: 1)])
        let (outcome, waited) = await DedicatedExecutor.run {
            let started = ContinuousClock.now
            let outcome = await fixture.store.waitForHead(beyond: 1, atMost: .milliseconds(150))
            return (outcome, ContinuousClock.now - started)
        }
        #expect(outcome == .timedOut && waited >= .milliseconds(140), "waited \(waited)")
        #expect(!fixture.store.hearsOtherProcessesCommits)
    }

    @Test func aCancelledWaitEndsAtOnce() async throws {
        try await DedicatedExecutor.run {
            let store = EventStore.inMemory()
            let waiting = DedicatedExecutor.detached {
                await store.waitForHead(beyond: 0, atMost: Self.backstop)
            }
            try await Task.sleep(for: .milliseconds(50))
            waiting.cancel()
            #expect(try await waiting.value == .cancelled)
        }
    }

    /// Issue 15 item 3's figure: from an append's return to a caught-up follower having the
    /// event, in this process (the subscription polled every 20 ms before).
    @Test func latencyFromAnAppendToAFollowerOfThisProcess() async throws {
        try await DedicatedExecutor.run {
            let fixture = try StoreFixture(.lmdb)
            let measured = try await CommitLatency.measure(
                appendingThrough: fixture.store, followedBy: fixture.store, rounds: 30)
            print("commit to follower, LMDB, this process: \(CommitLatency.summary(measured.rounds))")
            #expect(measured.timedOutWaits == 0, "every delivery woken by its commit, none by the backstop")
        }
    }
}
