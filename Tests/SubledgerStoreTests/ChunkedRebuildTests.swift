import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// A projection whose rebuild refuses chunks out of order and can fail at a position: the
/// rebuild's two readers must hand the chunks over in order, and a failure in any chunk
/// must come out of the rebuild and leave the stored records as they were.
struct InOrderCount: StoredProjection {
    var identity = "test.in-order-count.1"
    var failAt: UInt64?

    struct OutOfOrder: Error { var expected: UInt64, got: UInt64? }
    struct Planted: Error {}

    func fold(_ events: [RecordedEvent], into records: some ProjectionRecords) throws {
        let count =
            try records.value(for: [1]).map { AmountTotals.decode($0 + [UInt8](repeating: 0, count: 8)).count } ?? 0
        try records.setValue(Array(AmountTotals.encode(count: count + Int64(events.count), sum: 0).prefix(8)), for: [1])
    }

    func makeRebuild() -> Rebuild { Rebuild(failAt: failAt) }

    struct Rebuild: ProjectionRebuild {
        var failAt: UInt64?
        var next: UInt64 = 1

        static func prepare(_ events: [RecordedEvent]) throws -> [UInt64] { events.map(\.position) }

        mutating func fold(_ positions: [UInt64]) throws {
            for position in positions {
                guard position == next else { throw OutOfOrder(expected: next, got: position) }
                if position == failAt { throw Planted() }
                next += 1
            }
        }

        func records(_ write: ([UInt8], [UInt8]) throws -> Void) throws {
            try write([1], Array(AmountTotals.encode(count: Int64(next - 1), sum: 0).prefix(8)))
        }
    }
}

/// A projection whose appends write a byte per event and whose rebuild writes 2 KiB, and
/// whose rebuild refuses to hand its records out twice: the rebuild's write outgrows a map
/// sized by the appends, and after the map grew the rebuild must start over, folding the
/// log again into a new rebuild (issue 13: `records` lets go of what it hands out).
struct LargeRecordsOnce: StoredProjection {
    var identity = "test.large-records-once.1"
    static let recordBytes = 2048

    struct HandedOutTwice: Error {}

    static func record(_ position: UInt64) -> (key: [UInt8], value: [UInt8]) {
        let value = [UInt8](repeating: UInt8(position % 251), count: recordBytes)
        return (withUnsafeBytes(of: position.bigEndian, Array.init), value)
    }

    func fold(_ events: [RecordedEvent], into records: some ProjectionRecords) throws {
        for event in events {
            let (key, value) = Self.record(event.position)
            try records.setValue(Array(value.prefix(1)), for: key)
        }
    }

    func makeRebuild() -> Rebuild { Rebuild() }

    struct Rebuild: ProjectionRebuild {
        var positions: [UInt64] = []
        var handedOut = false

        mutating func fold(_ events: [RecordedEvent]) throws { positions += events.map(\.position) }

        mutating func records(_ write: ([UInt8], [UInt8]) throws -> Void) throws {
            guard !handedOut else { throw HandedOutTwice() }
            handedOut = true
            for position in positions {
                let (key, value) = LargeRecordsOnce.record(position)
                try write(key, value)
            }
            positions = []
        }
    }
}

@Suite("Rebuilds over many chunks")
struct ChunkedRebuildTests {
    @Test("given a rebuild whose records outgrow the map, when the write is tried again, then the rebuild starts over and every record is there")
    func aWriteTriedAgainStartsTheRebuildOver() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let events = 3000
        let (logger, handler) = StoreLoggingTests.capturing()
        let store = try EventStore.open(
            at: folder, options: .init(initialMapSizeBytes: 64 << 10, projection: LargeRecordsOnce(), logger: logger))
        try store.withAppendSession { session in
            for batch in 0..<(events / 500) {
                try session.append((0..<500).map { paymentEvent("+9891\(($0 + batch) % 3)", amount: Int64($0)) })
            }
        }
        let growthsBefore = StoreLoggingTests.entries(handler, "store.mapGrowth").count
        let report = try store.rebuildProjection()
        #expect(
            StoreLoggingTests.entries(handler, "store.mapGrowth").count > growthsBefore,
            "the rebuild's write outgrew the map: the test needs it to be tried again")
        #expect(report.eventsFolded == UInt64(events) && report.recordsWritten == events)
        for position: UInt64 in [1, 1500, UInt64(events)] {
            let (key, value) = LargeRecordsOnce.record(position)
            let stored = try store.projectionValue(for: key)
            #expect(stored.isCurrent && stored.value == value, "the record of position \(position)")
        }
    }

    @Test func chunksAreFoldedInOrderAndAFailureAnywhereWritesNothing() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let events = 70_000  // more than four chunks of the rebuild's reads
        do {
            let store = try EventStore.open(
                at: folder, options: .init(initialMapSizeBytes: 64 << 20, projection: InOrderCount()))
            try store.withAppendSession { session in
                for batch in 0..<(events / 1000) {
                    try session.append((0..<1000).map { paymentEvent("+9891\(($0 + batch) % 7)", amount: Int64($0)) })
                }
            }
            let report = try store.rebuildProjection()
            #expect(report.eventsFolded == UInt64(events))
            #expect(report.identicalToPrevious)
        }
        for failAt: UInt64 in [1, 16_384, 16_385, 40_000, UInt64(events)] {
            let failing = try EventStore.open(at: folder, options: .init(projection: InOrderCount(failAt: failAt)))
            #expect(throws: (any Error).self, "failing at \(failAt)") { try failing.rebuildProjection() }
            let stored = try failing.projectionValue(for: [1])
            #expect(
                stored.isCurrent && stored.value == Array(AmountTotals.encode(count: Int64(events), sum: 0).prefix(8)))
        }
    }

    @Test func readingInChunksOnTwoCoresGivesTheLogInOrderAndNamesACorruptedRecord() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try EventStore.open(at: folder, options: .init(initialMapSizeBytes: 64 << 20))
        try store.withAppendSession { session in
            for batch in 0..<9 {
                try session.append((0..<1000).map { paymentEvent("+9891\(($0 + batch) % 5)", amount: Int64($0)) })
            }
        }
        var sequential: [ChainHash] = []
        try store.forEachEvent { sequential.append($0.hash) }
        var chunked: [ChainHash] = []
        try store.forEachChunk(chunkSize: 1000, prepare: { $0.map(\.hash) }) { chunked += $0 }
        #expect(chunked == sequential)
        #expect(chunked.count == 9000)

        try store.corruptStoredEvent(at: 6543, byteOffset: 20)
        let error = #expect(throws: EventStoreError.self) {
            try store.forEachChunk(chunkSize: 1000, prepare: { $0.count }) { _ in }
        }
        #expect(error?.position == 6543, "\(String(describing: error))")
    }
}

@Suite("What the review found: sessions, new stores, failed chunked reads")
struct ProjectionReviewTests {
    /// A batch that fails half-way ends its session: the caller's catch does not let the
    /// session commit the half-written batch, nor anything else.
    @Test(arguments: Backend.allCases)
    func aCaughtFailureInASessionStillWritesNothing(_ backend: Backend) throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StoredProjectionTests.open(backend, folder: folder)
        try store.append([paymentEvent("+98911", amount: 1)])
        let head = try store.head()
        let error = #expect(throws: EventStoreError.self) {
            try store.withAppendSession { session in
                try session.append([paymentEvent("+98912", amount: 2)])
                do {
                    try session.append(
                        [paymentEvent("+98913", amount: 3), paymentEvent("+98911", amount: 4)],
                        expecting: [.line("+98911"): .exactly(7)])
                } catch {}  // caught: the session must still abort
                var refusedLater = false
                do { try session.append([paymentEvent("+98914", amount: 5)]) } catch { refusedLater = true }
                #expect(refusedLater, "a session whose batch failed takes no more appends")
            }
        }
        #expect(error?.code == .versionConflict, "\(String(describing: error))")
        #expect(try store.head() == head)
        try expectProjectionMatchesTheLog(store, streams: StoredProjectionTests.streams)
    }

    /// A new store opened with the projection gets its checkpoint at once, so that the
    /// appends of a writer without it are folded by the next writer with it.
    @Test func aNewStoreStartsItsCheckpointSoPlainWritersAreCaughtUp() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let projected = try StoredProjectionTests.open(.lmdb, folder: folder)
        #expect(try projected.projectionValue(for: AmountTotals.key(.line("+98911"))).isCurrent)
        let plain = try EventStore.open(at: folder)
        try plain.append([paymentEvent("+98911", amount: 2)])
        try projected.append([paymentEvent("+98912", amount: 3)])
        try expectProjectionMatchesTheLog(projected, streams: StoredProjectionTests.streams)
    }

    /// A chunked read that fails while a worker is ahead stops both workers and throws
    /// (it once could trap freeing a semaphore below its starting count).
    @Test func aFailureInAChunkedReadIsThrownWhateverTheWorkersWereDoing() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try EventStore.open(at: folder, options: .init(initialMapSizeBytes: 16 << 20))
        try store.withAppendSession { session in
            for batch in 0..<20 {
                try session.append((0..<500).map { paymentEvent("+9891\($0 % 3)", amount: Int64(batch)) })
            }
        }
        struct Planted: Error {}
        for failingChunk in [0, 1, 5, 18, 19] {
            for slowConsumer in [false, true] {
                #expect(throws: Planted.self) {
                    try store.forEachChunk(
                        chunkSize: 500,
                        prepare: { events in
                            if events.first?.position == UInt64(failingChunk * 500 + 1) { throw Planted() }
                            return events.count
                        }
                    ) { _ in if slowConsumer { usleep(2_000) } }
                }
                var consumed = 0
                #expect(throws: Planted.self) {
                    try store.forEachChunk(chunkSize: 500, prepare: { $0.count }) { count in
                        consumed += 1
                        if consumed == failingChunk + 1 { throw Planted() }
                    }
                }
            }
        }
    }
}
