import Foundation
import Testing

@testable import SubledgerStore

/// The stored projection's catch-up folds many decoded chunks in one write transaction
/// (issue 13: fewer transactions rewrite the projection's pages fewer times), up to its
/// bound, and gives the records a fold with the events gives.
@Suite("The projection's catch-up: bounded write transactions of many decoded chunks")
struct ProjectionCatchUpTests {
    /// A store with the projection, 300 events appended beside it by a writer without it
    /// (the same environment, as an import's events are before the catch-up).
    private func storeBehindTheLog(_ folder: String) throws -> (store: EventStore, log: EventLog<LMDBBackend>) {
        let projected = try StoredProjectionTests.open(.lmdb, folder: folder)
        let plain = try EventStore.open(at: folder)
        for batch in 0..<3 {
            try plain.append(
                (1...100).map { index in paymentEvent("+9891\(index % 3 + 1)", amount: Int64(batch * 100 + index)) })
        }
        #expect(try !projected.projectionValue(for: AmountTotals.key(.line("+98911"))).isCurrent)
        let log = try #require(projected.log as? EventLog<LMDBBackend>)
        return (projected, log)
    }

    @Test func decodedChunksShareOneTransactionUpToTheBound() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, log) = try storeBehindTheLog(folder)
        let environment = log.backend.environment
        let before = environment.lastCommittedTransactionID
        try log.openProjection(decodedAtOnce: 16, perTransaction: 1_000)
        // 300 events in chunks of 16: one commit, not one per chunk.
        #expect(environment.lastCommittedTransactionID - before == 1)
        try expectProjectionMatchesTheLog(store, streams: StoredProjectionTests.streams)
        #expect(try store.rebuildProjection().identicalToPrevious)
    }

    @Test func aTransactionFoldsNoMoreThanItsBound() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, log) = try storeBehindTheLog(folder)
        let environment = log.backend.environment
        let before = environment.lastCommittedTransactionID
        try log.openProjection(decodedAtOnce: 7, perTransaction: 128)
        // 300 events, at most 128 per transaction: three commits.
        #expect(environment.lastCommittedTransactionID - before == 3)
        try expectProjectionMatchesTheLog(store, streams: StoredProjectionTests.streams)
        #expect(try store.rebuildProjection().identicalToPrevious)
    }
}

/// After an import, a projection that holds nothing yet (a new store's) is rebuilt, the
/// faster fold of the whole log (issue 13); one with records catches up.
@Suite("The projection after an import: rebuilt from nothing, else caught up")
struct ProjectionAfterImportTests {
    private static let events = (1...300).map { index in paymentEvent("+9891\(index % 3 + 1)", amount: Int64(index)) }

    @Test func aNewStoresProjectionIsRebuiltAndMatchesTheLog() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StoredProjectionTests.open(.lmdb, folder: folder)
        let log = try #require(store.log as? EventLog<LMDBBackend>)
        let marker = try log.beginImport(id: .random())
        try log.append(Array(Self.events[..<150]), expecting: [:], importing: marker, runs: nil)
        try log.append(Array(Self.events[150...]), expecting: [:], importing: marker, runs: nil)
        try log.makeImportVisible(marker)
        #expect(try log.settleAfterImport() == .rebuilt)
        try expectProjectionMatchesTheLog(store, streams: StoredProjectionTests.streams)
        #expect(try store.rebuildProjection().identicalToPrevious)
    }

    @Test func aProjectionWithRecordsCatchesUp() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StoredProjectionTests.open(.lmdb, folder: folder)
        try store.append([paymentEvent("+98911", amount: 7)])
        let log = try #require(store.log as? EventLog<LMDBBackend>)
        let marker = try log.beginImport(id: .random())
        try log.append(Self.events, expecting: [:], importing: marker, runs: nil)
        try log.makeImportVisible(marker)
        #expect(try log.settleAfterImport() == .caughtUp)
        try expectProjectionMatchesTheLog(store, streams: StoredProjectionTests.streams)
        #expect(try store.rebuildProjection().identicalToPrevious)
    }
}
