import Foundation
import Testing
@_spi(Testing) @testable import SubledgerStore
import SubledgerStoreTesting

/// Issue 12, item 5: every bound of the store in ``StoreLimits``, their relations checked;
/// the group commit's queue bounded (a caller waits while it is full); a stream read in
/// chunks of a stated size.
@Suite("The store's bounds, in one place")
struct StoreWideLimitsTests {
    @Test("given the bounds, then each relation between them holds, and the code uses the named ones")
    func relations() {
        #expect(StoreLimits.relationsHold)
        #expect(StoreLimits.recordBytes == 1 << 20, "an event's record: 1 MiB")
        #expect(StoreLimits.exportedEventBytes <= StoreLimits.importLineBytes, "every export line can be imported")
        #expect(
            StoreLimits.importLineBytes < StoreLimits.verifiedLineBytes,
            "verify reads past what import takes, to name the line")
        #expect(StoreLimits.streamIDBytes + StoreLimits.streamCategoryBytes + 2 + 16 <= StoreLimits.lmdbKeyBytes)
        #expect(
            StoreLimits.groupCommitCallers <= StoreLimits.groupCommitQueuedCallers, "a full group fits in the queue")
        #expect(GroupCommitter.maximumEvents == StoreLimits.groupCommitEvents)
        #expect(GroupCommitter.maximumCallers == StoreLimits.groupCommitCallers)
        #expect(LMDBEnvironment.mapSizeLimitBytes == StoreLimits.lmdbMapBytes)
    }

    @Test(
        "given a queue of two, when a third caller appends while the committer is held, then it waits for room and lands after"
    )
    func groupCommitQueueIsBounded() async throws {
        let log = EventLog(backend: InMemoryBackend(), clock: ManualClock(.at("2024-03-01T10:00:00Z")))
        let committer = GroupCommitter(log: log, queuedCallersMaximum: 2)
        committer.hold(true)
        try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for caller in 0..<3 {
                group.addTask {
                    try await committer.append([paymentEvent("+98912000\(caller)", amount: 1)], expecting: [:])
                }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while committer.queuedCount + committer.waitingForRoomCount < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            #expect(committer.queuedCount == 2, "the queue holds its bound, no more")
            #expect(committer.waitingForRoomCount == 1, "the caller past the bound waits")
            committer.hold(false)
            var positions: [UInt64] = []
            for try await result in group { positions += result.positions }
            #expect(positions.sorted() == [1, 2, 3], "every caller lands, the waiting one too")
        }
        #expect(committer.queuedCount == 0 && committer.waitingForRoomCount == 0)
    }

    @Test(arguments: Backend.allCases)
    func aStreamIsReadInChunksOfTheStatedSize(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let store = fixture.store
        let line = "+989121234567"
        try store.append((1...9).map { paymentEvent(line, amount: Int64($0)) })
        for chunkSize in [1, 2, 3, 4, 8, 9, 10] {
            var versions: [UInt64] = []
            try store.forEachEvent(in: .line(line), chunkSize: chunkSize) { versions.append($0.streamVersion) }
            #expect(versions == Array(1...9), "chunks of \(chunkSize): every event once, in order")
        }
        var fromFour: [UInt64] = []
        try store.forEachEvent(in: .line(line), from: 4, chunkSize: 4) { fromFour.append($0.streamVersion) }
        #expect(fromFour == Array(4...9))
        #expect(try store.events(in: .line(line)).map(\.streamVersion) == Array(1...9))
    }
}
