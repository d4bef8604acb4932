import Foundation
import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Issue 9, item 10: following has backpressure. A follower reads the next chunk of the
/// log only when its consumer has taken the previous one, so a slow consumer of a long
/// log holds at most one chunk; it still sees what is appended after it started, and it
/// ends when its task is cancelled.
@Suite("Following the committed facts")
struct FollowTests {
    static let line: LineNumber = "+989121234567"

    /// A ledger over a store that keeps no projection: the log takes the payments as they
    /// are (the follower reads the log, not the states).
    static func ledgerWithoutProjections() -> Ledger { Ledger(store: .inMemory()) }

    /// `count` payments on one line, appended in batches, starting at `first`.
    static func appendPayments(_ count: Int, to ledger: Ledger, first: Int = 0) throws {
        var batch: [ProposedEvent] = []
        for index in first..<(first + count) {
            let fact = LedgerFact.line(
                line, .at("2025-01-01T00:00:00Z").adding(milliseconds: Int64(index) * 1000),
                .paymentReceived(PaymentReceived(paymentID: "P-\(index)", amount: 1000, method: "card")))
            batch.append(fact.proposedEvent())
            if batch.count == 500 {
                try ledger.store.append(batch)
                batch = []
            }
        }
        if !batch.isEmpty { try ledger.store.append(batch) }
    }

    @Test func aSlowFollowerOfALongLogHoldsAtMostOneChunk() async throws {
        let ledger = Self.ledgerWithoutProjections()
        try Self.appendPayments(5_000, to: ledger)
        let chunkSize = 64
        var iterator = ledger.follow(from: 1).reading(atMost: chunkSize).makeAsyncIterator()
        var taken = 0
        var largestBuffer = 0
        while taken < 5_000, let fact = try await iterator.next() {
            taken += 1
            #expect(fact.position == UInt64(taken))
            // What was read and not taken is bounded, whatever the pace of the consumer.
            largestBuffer = max(largestBuffer, iterator.bufferedCount)
            #expect(iterator.readCount - taken <= chunkSize, "read \(iterator.readCount) events for \(taken) taken")
            #expect(iterator.bufferedCount == iterator.readCount - taken)
            if taken % 1000 == 0 { try await Task.sleep(for: .milliseconds(20)) }  // a slow consumer
        }
        #expect(taken == 5_000)
        #expect(largestBuffer == chunkSize - 1, "the follower reads one chunk at a time")
        #expect(iterator.readCount == 5_000)
    }

    @Test func theDefaultChunkBoundsTheBuffer() async throws {
        let ledger = Self.ledgerWithoutProjections()
        try Self.appendPayments(3_000, to: ledger)
        var iterator = ledger.follow(from: 1).makeAsyncIterator()
        _ = try await iterator.next()
        #expect(iterator.readCount == FollowedFacts.chunkSize)
        #expect(iterator.bufferedCount == FollowedFacts.chunkSize - 1)
    }

    @Test func aFollowerSeesEventsAppendedAfterItStartedAndEndsWhenCancelled() async throws {
        let ledger = Self.ledgerWithoutProjections()
        try Self.appendPayments(10, to: ledger)
        let seen = PositionsSeen()
        let follower = Task {
            for try await fact in ledger.follow(from: 5, pollInterval: .milliseconds(5)).reading(atMost: 4) {
                seen.add(fact.position)
            }
            return "ended"
        }
        try await seen.wait(until: 10)
        try Self.appendPayments(7, to: ledger, first: 10)
        try await seen.wait(until: 17)
        follower.cancel()
        let outcome = try await follower.value
        #expect(outcome == "ended")
        #expect(seen.positions == Array(5...17))
    }

    @Test func aFollowerOfAStoreOnDiskReadsWhatAnotherWriterAppends() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "subledger-follow-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledger = Ledger(store: try EventStore.open(at: folder))
        try Self.appendPayments(3, to: ledger)
        var iterator = ledger.follow(from: 1, pollInterval: .milliseconds(5)).makeAsyncIterator()
        for expected in 1...3 { #expect(try await iterator.next()?.position == UInt64(expected)) }
        try Self.appendPayments(1, to: ledger, first: 3)
        #expect(try await iterator.next()?.position == 4)
    }
}

/// The positions a follower task has seen, shared with the test that waits for them.
final class PositionsSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [UInt64] = []

    var positions: [UInt64] { lock.withLock { seen } }

    func add(_ position: UInt64) { lock.withLock { seen.append(position) } }

    /// Waits (up to 10 s) until `position` has been seen.
    func wait(until position: UInt64) async throws {
        for _ in 0..<2000 {
            if positions.last.map({ $0 >= position }) == true { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("position \(position) was not seen in 10 s (seen \(positions.last ?? 0))")
    }
}
