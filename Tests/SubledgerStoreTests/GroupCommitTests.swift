import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

@Suite("Group commit: concurrent appenders share one transaction")
struct GroupCommitTests {
    /// Queues `count` callers while the committer is held, then releases it: one group.
    private static func inOneGroup(
        _ store: EventStore, _ count: Int, _ body: @escaping @Sendable (Int) async throws -> AppendResult
    ) async throws -> [Result<AppendResult, EventStoreError>] {
        store.holdGroupCommits(true)
        defer { store.holdGroupCommits(false) }
        return try await withThrowingTaskGroup(of: (Int, Result<AppendResult, EventStoreError>).self) { group in
            for caller in 0..<count {
                group.addTask {
                    do { return (caller, .success(try await body(caller))) } catch let error as EventStoreError {
                        return (caller, .failure(error))
                    }
                }
            }
            while store.queuedCoalescedAppends < count { try await Task.sleep(for: .milliseconds(1)) }
            store.holdGroupCommits(false)
            var results = [Result<AppendResult, EventStoreError>?](repeating: nil, count: count)
            for try await (caller, result) in group { results[caller] = result }
            return results.map { $0! }
        }
    }

    @Test(arguments: Backend.allCases)
    func sixtyFourConcurrentAppendersAllLandGapFree(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend, initialMapSizeBytes: 4 << 20)
        let store = fixture.store
        let perCaller = 40
        let landed = try await withThrowingTaskGroup(of: [(EventID, UInt64)].self) { group in
            for caller in 0..<64 {
                group.addTask {
                    var mine: [(EventID, UInt64)] = []
                    for index in 0..<perCaller {
                        let event = paymentEvent("+9891\(caller)", amount: Int64(index + 1))
                        let result = try await store.appendCoalesced([event])
                        #expect(result.positions.count == 1 && result.appendedCount == 1)
                        mine.append((event.eventID, result.positions[0]))
                    }
                    return mine
                }
            }
            var all: [(EventID, UInt64)] = []
            for try await mine in group { all += mine }
            return all
        }
        #expect(landed.count == 64 * perCaller)
        #expect(Set(landed.map(\.1)) == Set(1...UInt64(64 * perCaller)))
        let stored = try store.events(from: 1, limit: 100_000, verifyingHashes: true)
        #expect(stored.map(\.position) == Array(1...UInt64(64 * perCaller)))
        for (id, position) in landed { #expect(stored[Int(position) - 1].eventID == id) }
        for caller in 0..<64 {
            let versions = try store.events(in: .line("+9891\(caller)")).map(\.streamVersion)
            #expect(versions == Array(1...UInt64(perCaller)))
        }
        #expect(try store.verify().isValid)
    }

    @Test(arguments: Backend.allCases)
    func aWrongExpectedVersionFailsOnlyItsCaller(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let store = fixture.store
        try store.append([paymentEvent("+98900", amount: 1)])
        let results = try await Self.inOneGroup(store, 16) { caller in
            if caller == 7 {
                return try await store.appendCoalesced(
                    [paymentEvent("+98900", amount: 2)], expecting: [.line("+98900"): .noStream])
            }
            return try await store.appendCoalesced(
                [paymentEvent("+9891\(caller)", amount: 3)], expecting: [.line("+9891\(caller)"): .noStream])
        }
        for (caller, result) in results.enumerated() {
            switch result {
            case .success(let appended):
                #expect(caller != 7)
                #expect(appended.appendedCount == 1)
            case .failure(let error):
                #expect(caller == 7)
                #expect(error.code == .versionConflict)
                #expect(error.actualVersion == 1)
            }
        }
        #expect(try store.head().position == 16)
        #expect(try store.version(of: .line("+98900")) == 1)
        #expect(try store.verify().isValid)
    }

    @Test(arguments: Backend.allCases)
    func callersOfOneGroupSeeEachOthersVersions(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let store = fixture.store
        // Every caller claims the stream's first version: exactly one wins, in one group.
        let results = try await Self.inOneGroup(store, 8) { caller in
            try await store.appendCoalesced(
                [paymentEvent("+98900", amount: Int64(caller + 1))], expecting: [.line("+98900"): .noStream])
        }
        #expect(results.filter { if case .success = $0 { true } else { false } }.count == 1)
        for case .failure(let error) in results { #expect(error.code == .versionConflict) }
        #expect(try store.version(of: .line("+98900")) == 1)
        // What the benchmark reports of a run: one group of the 8, one event committed.
        let counts = store.groupCommitCounts
        #expect(counts.groups == 1 && counts.callers == 8 && counts.largestGroup == 8)
        #expect(counts.committedEvents == 1)
    }

    @Test(arguments: Backend.allCases)
    func anInvalidEventFailsOnlyItsCaller(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let store = fixture.store
        let results = try await Self.inOneGroup(store, 10) { caller in
            var batch = [paymentEvent("+9891\(caller)", amount: 1), paymentEvent("+9892\(caller)", amount: 2)]
            if caller == 3 { batch[1].type = "" }
            return try await store.appendCoalesced(batch)
        }
        for (caller, result) in results.enumerated() {
            switch result {
            case .success(let appended): #expect(caller != 3 && appended.positions.count == 2)
            case .failure(let error): #expect(caller == 3 && error.code == .invalidEvent)
            }
        }
        #expect(try store.head().position == 18)
        #expect(try store.version(of: .line("+98913")) == 0)
        #expect(try store.verify().isValid)
    }

    @Test(arguments: Backend.allCases)
    func aFailureFoundMidBatchFailsOnlyItsCallerAndRetriesAreIdempotent(_ backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let store = fixture.store
        let shared = paymentEvent("+98900", amount: 1)
        let reused = paymentEvent("+98901", amount: 2, id: shared.eventID)
        // Caller 0 writes `shared`; caller 1 retries it (same fact); caller 2 reuses its id
        // with other content after a good event of its own, which the group must not keep.
        let results = try await Self.inOneGroup(store, 6) { caller in
            switch caller {
            case 0: try await store.appendCoalesced([shared])
            case 1: try await store.appendCoalesced([shared])
            case 2: try await store.appendCoalesced([paymentEvent("+98902", amount: 3), reused])
            default: try await store.appendCoalesced([paymentEvent("+9891\(caller)", amount: 4)])
            }
        }
        guard case .success(let first) = results[0], case .success(let retry) = results[1] else {
            Issue.record("the first writer or its retry failed: \(results)")
            return
        }
        #expect(retry.positions == first.positions && retry.appendedCount == 0)
        guard case .failure(let error) = results[2] else {
            Issue.record("the reused id was accepted")
            return
        }
        #expect(error.code == .eventIDReused)
        for caller in 3..<6 {
            if case .failure(let error) = results[caller] { Issue.record("caller \(caller): \(error)") }
        }
        #expect(try store.head().position == 4)
        #expect(try store.version(of: .line("+98902")) == 0)
        #expect(try store.verify().isValid)
    }

    @Test func coalescedAppendsAreDurableAfterReopen() async throws {
        let fixture = try StoreFixture(.lmdb)
        let store = fixture.store
        let positions = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for caller in 0..<64 {
                group.addTask {
                    try await store.appendCoalesced([paymentEvent("+9891\(caller)", amount: 1)]).positions[0]
                }
            }
            var positions: [UInt64] = []
            for try await position in group { positions.append(position) }
            return positions
        }
        #expect(Set(positions) == Set(1...64))
        try fixture.reopen()
        #expect(try fixture.store.head().position == 64)
        let report = try fixture.store.verify()
        #expect(report.isValid && report.verifiedCount == 64)
    }
}
