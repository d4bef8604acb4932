import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting
import SubledgerPostgres

/// A toy projection: per stream, the number of events and the sum of their `amount`,
/// keyed by the stream's name. An amount of -1 makes the fold fail (a fact it refuses).
struct AmountTotals: StoredProjection {
    var identity = "test.amount-totals.1"
    /// Multiplies every amount: a changed fold under the same identity (a rebuild must see it).
    var factor: Int64 = 1

    struct Refused: Error {}

    static func key(_ stream: StreamID) -> [UInt8] { Array("\(stream)".utf8) }

    static func encode(count: Int64, sum: Int64) -> [UInt8] {
        withUnsafeBytes(of: count.bigEndian, Array.init) + withUnsafeBytes(of: sum.bigEndian, Array.init)
    }

    static func decode(_ bytes: [UInt8]) -> (count: Int64, sum: Int64) {
        let count = bytes[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let sum = bytes[8..<16].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return (count, sum)
    }

    func amount(_ event: RecordedEvent) throws -> Int64 {
        let amount = event.data["amount"]?.integerValue ?? 0
        if amount == -1 { throw Refused() }
        return amount * factor
    }

    func fold(_ events: [RecordedEvent], into records: some ProjectionRecords) throws {
        for event in events {
            let key = Self.key(event.stream)
            let (count, sum) = try records.value(for: key).map(Self.decode) ?? (0, 0)
            try records.setValue(Self.encode(count: count + 1, sum: sum + amount(event)), for: key)
        }
    }

    func makeRebuild() -> Rebuild { Rebuild(projection: self) }

    struct Rebuild: ProjectionRebuild {
        let projection: AmountTotals
        var totals: [[UInt8]: (count: Int64, sum: Int64)] = [:]

        mutating func fold(_ events: [RecordedEvent]) throws {
            for event in events {
                let key = AmountTotals.key(event.stream)
                let (count, sum) = totals[key] ?? (0, 0)
                totals[key] = (count + 1, sum + (try projection.amount(event)))
            }
        }

        func records(_ write: ([UInt8], [UInt8]) throws -> Void) throws {
            for (key, total) in totals.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                try write(key, AmountTotals.encode(count: total.count, sum: total.sum))
            }
        }
    }
}

/// What the log says the totals are: the fold the projection must agree with.
private func totalsFromTheLog(_ store: EventStore) throws -> [StreamID: (count: Int64, sum: Int64)] {
    var totals: [StreamID: (count: Int64, sum: Int64)] = [:]
    try store.forEachEvent { event in
        let (count, sum) = totals[event.stream] ?? (0, 0)
        totals[event.stream] = (count + 1, sum + (event.data["amount"]?.integerValue ?? 0))
    }
    return totals
}

func expectProjectionMatchesTheLog(
    _ store: EventStore, streams: [StreamID], sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let expected = try totalsFromTheLog(store)
    for stream in streams {
        let read = try store.projectionValue(for: AmountTotals.key(stream))
        #expect(read.isCurrent, "\(stream)", sourceLocation: sourceLocation)
        let stored = read.value.map(AmountTotals.decode)
        #expect(
            stored?.count == expected[stream]?.count && stored?.sum == expected[stream]?.sum,
            "\(stream): stored \(String(describing: stored)), the log says \(String(describing: expected[stream]))",
            sourceLocation: sourceLocation)
    }
}

@Suite("Stored projections: folded with the events, caught up, rebuilt byte for byte")
struct StoredProjectionTests {
    static let streams: [StreamID] = ["+98911", "+98912", "+98913"].map { .line($0) }

    static func open(_ backend: Backend, folder: String, projection: AmountTotals = AmountTotals()) throws -> EventStore
    {
        switch backend {
        case .lmdb:
            try EventStore.open(at: folder, options: .init(initialMapSizeBytes: 1 << 20, projection: projection))
        case .inMemory: EventStore.inMemory(projection: projection)
        case .postgres:
            try EventStore.open(
                postgres: try PostgresTestServer.storeURL(for: folder), options: .init(projection: projection))
        }
    }

    @Test(arguments: Backend.allCases)
    func everyAppendFoldsIntoTheProjectionInItsTransaction(_ backend: Backend) throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Self.open(backend, folder: folder)
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_PROJECTION_SEED")
        print("stored projection test: seed \(seed) (SUBLEDGER_PROJECTION_SEED replays it)")
        var random = SeededRandom(seed: seed)
        for round in 0..<40 {
            let events = (0..<(random.below(5) + 1)).map { _ in
                paymentEvent("+9891\(random.below(3) + 1)", amount: Int64(random.below(1000)))
            }
            if round % 3 == 0 {
                try store.withAppendSession { session in
                    try session.append(Array(events.prefix(2)))
                    try session.append(Array(events.dropFirst(2)))
                }
            } else {
                try store.append(events)
            }
        }
        try expectProjectionMatchesTheLog(store, streams: Self.streams)
        // An idempotent retry is not folded twice.
        let retried = paymentEvent("+98911", amount: 7)
        try store.append([retried])
        try store.append([retried])
        try expectProjectionMatchesTheLog(store, streams: Self.streams)
        #expect(try store.projectionValue(for: AmountTotals.key(.line("+98999"))).value == nil)
    }

    @Test(arguments: Backend.allCases)
    func aFoldThatFailsAbortsTheAppendAndWritesNothing(_ backend: Backend) throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Self.open(backend, folder: folder)
        try store.append([paymentEvent("+98911", amount: 5)])
        let head = try store.head()
        #expect(throws: (any Error).self) {
            try store.append([paymentEvent("+98912", amount: 3), paymentEvent("+98911", amount: -1)])
        }
        #expect(try store.head() == head)
        try expectProjectionMatchesTheLog(store, streams: Self.streams)
    }

    @Test(arguments: Backend.allCases)
    func aRebuildWritesTheSameBytesAndSaysSo(_ backend: Backend) throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Self.open(backend, folder: folder)
        for amount in 1...30 { try store.append([paymentEvent("+9891\(amount % 3 + 1)", amount: Int64(amount))]) }
        let report = try store.rebuildProjection()
        #expect(report.eventsFolded == 30 && report.checkpoint == 30)
        #expect(report.recordsWritten == 3 && report.previousRecords == 3)
        #expect(report.identicalToPrevious)
        try expectProjectionMatchesTheLog(store, streams: Self.streams)
    }

    @Test func aRebuildByAChangedFoldIsReportedAsDifferent() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try Self.open(.lmdb, folder: folder)
            for amount in 1...10 { try store.append([paymentEvent("+98911", amount: Int64(amount))]) }
        }
        // The same identity, another fold: the stored records are taken as current at open…
        let changed = try Self.open(.lmdb, folder: folder, projection: AmountTotals(factor: 2))
        #expect(
            AmountTotals.decode(try #require(try changed.projectionValue(for: AmountTotals.key(.line("+98911"))).value))
                .sum == 55)
        // …and a rebuild finds that they differ from what the fold gives now.
        let report = try changed.rebuildProjection()
        #expect(!report.identicalToPrevious)
        #expect(
            AmountTotals.decode(try #require(try changed.projectionValue(for: AmountTotals.key(.line("+98911"))).value))
                .sum == 110)
    }

    @Test func aStoreWrittenWithoutTheProjectionCatchesUpWhenOpenedWithIt() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let plain = try EventStore.open(at: folder)
            for amount in 1...25 { try plain.append([paymentEvent("+9891\(amount % 3 + 1)", amount: Int64(amount))]) }
        }
        let store = try Self.open(.lmdb, folder: folder)
        try expectProjectionMatchesTheLog(store, streams: Self.streams)
        #expect(try store.rebuildProjection().identicalToPrevious)
    }

    @Test func appendsByAWriterWithoutTheProjectionAreFoldedByTheNextWriterWithIt() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let projected = try Self.open(.lmdb, folder: folder)
        try projected.append([paymentEvent("+98911", amount: 1)])
        // The same environment (one per path per process), a log without the projection.
        let plain = try EventStore.open(at: folder)
        try plain.append([paymentEvent("+98912", amount: 2), paymentEvent("+98911", amount: 3)])
        #expect(try !projected.projectionValue(for: AmountTotals.key(.line("+98911"))).isCurrent)
        try projected.append([paymentEvent("+98913", amount: 4)])
        try expectProjectionMatchesTheLog(projected, streams: Self.streams)
    }

    @Test func anotherIdentityIsRebuiltAtOpen() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try Self.open(
                .lmdb, folder: folder, projection: AmountTotals(identity: "test.amount-totals.0", factor: 3))
            for amount in 1...10 { try store.append([paymentEvent("+98911", amount: Int64(amount))]) }
        }
        let store = try Self.open(.lmdb, folder: folder)
        try expectProjectionMatchesTheLog(store, streams: [.line("+98911")])
    }

    @Test func aFailedCommitLeavesTheProjectionAsItWas() throws {
        let faults = StorageFaults()
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try EventStore.openFaultInjecting(
            at: folder, options: .init(projection: AmountTotals()), faults: faults)
        try store.append([paymentEvent("+98911", amount: 5)])
        faults.arm(.commit, occurrence: 1)
        #expect(throws: EventStoreError.self) { try store.append([paymentEvent("+98911", amount: 6)]) }
        try expectProjectionMatchesTheLog(store, streams: Self.streams)
        try store.append([paymentEvent("+98911", amount: 7)])
        try expectProjectionMatchesTheLog(store, streams: Self.streams)
    }
}

/// A store made before the projections existed has no `projections` table and no
/// checkpoint: opening it creates the table and folds the log into it.
@Suite("A store made before the stored projections")
struct StoreWithoutProjectionTableTests {
    /// A Python child (ctypes over liblmdb) that deletes the `projections` table and the
    /// checkpoint from the store in `argv[1]`, as the previous version left stores.
    static let dropProjections = #"""
        import ctypes, sys
        lmdb = ctypes.CDLL("liblmdb.so.0")
        class Val(ctypes.Structure):
            _fields_ = [("size", ctypes.c_size_t), ("data", ctypes.c_void_p)]
        env = ctypes.c_void_p()
        assert lmdb.mdb_env_create(ctypes.byref(env)) == 0
        lmdb.mdb_env_set_maxdbs(env, 16)
        assert lmdb.mdb_env_open(env, sys.argv[1].encode(), 0, 0o600) == 0
        txn = ctypes.c_void_p()
        assert lmdb.mdb_txn_begin(env, None, 0, ctypes.byref(txn)) == 0
        dbi = ctypes.c_uint()
        assert lmdb.mdb_dbi_open(txn, b"projections", 0, ctypes.byref(dbi)) == 0
        assert lmdb.mdb_drop(txn, dbi, 1) == 0
        meta = ctypes.c_uint()
        assert lmdb.mdb_dbi_open(txn, b"meta", 0, ctypes.byref(meta)) == 0
        for name in (b"projection.identity", b"projection.checkpoint"):
            buffer = ctypes.create_string_buffer(name, len(name))
            key = Val(len(name), ctypes.cast(buffer, ctypes.c_void_p))
            assert lmdb.mdb_del(txn, meta, ctypes.byref(key), None) == 0
        missing = ctypes.c_uint()
        assert lmdb.mdb_dbi_open(txn, b"projections", 0, ctypes.byref(missing)) == -30798  # MDB_NOTFOUND
        assert lmdb.mdb_txn_commit(txn) == 0
        print("dropped", flush=True)
        """#

    @Test func openingItCreatesTheTableAndFoldsTheLog() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try EventStore.open(at: folder, options: .init(projection: AmountTotals()))
            for amount in 1...12 { try store.append([paymentEvent("+9891\(amount % 3 + 1)", amount: Int64(amount))]) }
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", "-c", Self.dropProjections, folder]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        child.waitUntilExit()
        #expect(child.terminationStatus == 0)
        #expect(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).hasPrefix("dropped"))

        let store = try EventStore.open(at: folder, options: .init(projection: AmountTotals()))
        try expectProjectionMatchesTheLog(store, streams: StoredProjectionTests.streams)
        #expect(try store.verify().verifiedCount == 12)
    }
}
