import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// The conformance suite: every test body runs against every backend.
@Suite("Event store conformance")
struct EventStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func positionsAndVersionsAreGapFree(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let first = try fixture.store.append([paymentEvent("+98911", amount: 1), paymentEvent("+98912", amount: 2)])
        let second = try fixture.store.append([paymentEvent("+98911", amount: 3)])
        #expect(first.positions == [1, 2])
        #expect(second.positions == [3])
        let all = try fixture.store.events(from: 1)
        #expect(all.map(\.position) == [1, 2, 3])
        #expect(all.map(\.streamVersion) == [1, 1, 2])
        #expect(try fixture.store.version(of: .line("+98911")) == 2)
        #expect(try fixture.store.version(of: .line("+98913")) == 0)
    }

    @Test(arguments: Backend.allCases)
    func versionConflictNamesStreamAndWritesNothing(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1)])
        let error = #expect(throws: EventStoreError.self) {
            try fixture.store.append(
                [paymentEvent("+98912", amount: 2), paymentEvent("+98911", amount: 3)],
                expecting: [.line("+98911"): .exactly(5)])
        }
        #expect(error?.code == .versionConflict)
        #expect(error?.stream == .line("+98911"))
        #expect(error?.expectedVersion == .exactly(5))
        #expect(error?.actualVersion == 1)
        #expect(error?.message.contains("+98911") == true)
        #expect(try fixture.store.head().position == 1)
        #expect(try fixture.store.version(of: .line("+98912")) == 0)
    }

    @Test(arguments: Backend.allCases)
    func expectedVersionsNoStreamAndExactly(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1)], expecting: [.line("+98911"): .noStream])
        #expect(throws: EventStoreError.self) {
            try fixture.store.append([paymentEvent("+98911", amount: 2)], expecting: [.line("+98911"): .noStream])
        }
        try fixture.store.append([paymentEvent("+98911", amount: 2)], expecting: [.line("+98911"): .exactly(1)])
        // An expectation on a stream without events in the batch is still checked.
        #expect(throws: EventStoreError.self) {
            try fixture.store.append([paymentEvent("+98912", amount: 3)], expecting: [.line("+98911"): .exactly(1)])
        }
        #expect(try fixture.store.head().position == 2)
    }

    @Test(arguments: Backend.allCases)
    func retryByEventIDReturnsOriginalPositionAndWritesNothing(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let event = paymentEvent("+98911", amount: 100)
        try fixture.store.append([paymentEvent("+98912", amount: 1)])
        let original = try fixture.store.append([event])
        fixture.clock.advance(milliseconds: 5000)
        let retry = try fixture.store.append([event], expecting: [.line("+98911"): .noStream])
        #expect(original.positions == [2])
        #expect(retry.positions == [2])
        #expect(retry.appendedCount == 0)
        #expect(try fixture.store.head().position == 2)
        // The same id twice in one batch is one event.
        let twice = paymentEvent("+98913", amount: 7)
        let batch = try fixture.store.append([twice, twice])
        #expect(batch.positions == [3, 3])
        #expect(batch.appendedCount == 1)
    }

    @Test(arguments: Backend.allCases)
    func reusedEventIDWithOtherContentIsRefused(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let id = EventID.random()
        try fixture.store.append([paymentEvent("+98911", amount: 100, id: id)])
        let error = #expect(throws: EventStoreError.self) {
            try fixture.store.append([paymentEvent("+98912", amount: 5), paymentEvent("+98911", amount: 999, id: id)])
        }
        #expect(error?.code == .eventIDReused)
        #expect(error?.position == 1)
        #expect(try fixture.store.head().position == 1)
    }

    @Test(arguments: Backend.allCases)
    func recordedAtNeverDecreasesWhenTheClockStepsBack(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1)])
        fixture.clock.advance(milliseconds: -60_000)
        try fixture.store.append([paymentEvent("+98911", amount: 2)])
        let events = try fixture.store.events(from: 1)
        #expect(events[1].recordedAt >= events[0].recordedAt)
        #expect(events[1].recordedAt == events[0].recordedAt)
    }

    @Test(arguments: Backend.allCases)
    func importedRecordedAtMustNotGoBackNorBeInTheFuture(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend, start: .at("2025-01-01T00:00:00Z"))
        var early = paymentEvent("+98911", amount: 1)
        early.recordedAt = .at("2024-06-01T00:00:00Z")
        try fixture.store.append([early])
        var earlier = paymentEvent("+98911", amount: 2)
        earlier.recordedAt = .at("2024-05-01T00:00:00Z")
        #expect { try fixture.store.append([earlier]) } throws: {
            ($0 as? EventStoreError)?.code == .recordedAtOutOfOrder
        }
        var future = paymentEvent("+98911", amount: 3)
        future.recordedAt = .at("2026-01-01T00:00:00Z")
        #expect { try fixture.store.append([future]) } throws: {
            ($0 as? EventStoreError)?.code == .recordedAtOutOfOrder
        }
        #expect(try fixture.store.events(from: 1).map(\.recordedAt) == [.at("2024-06-01T00:00:00Z")])
    }

    @Test(arguments: Backend.allCases)
    func readsOneStreamFromAVersionAndByTime(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let times = ["2024-01-05T00:00:00Z", "2024-02-05T00:00:00Z", "2024-03-05T00:00:00Z", "2024-04-05T00:00:00Z"]
        for (index, time) in times.enumerated() {
            try fixture.store.append([
                paymentEvent("+98911", amount: Int64(index + 1), at: time),
                paymentEvent("+989111", amount: 50, at: time),
            ])
        }
        let fromThree = try fixture.store.events(in: .line("+98911"), from: 3)
        #expect(fromThree.map(\.streamVersion) == [3, 4])
        #expect(fromThree.allSatisfy { $0.stream == .line("+98911") })
        let february = try fixture.store.events(
            in: .line("+98911"), occurredFrom: .at("2024-02-01T00:00:00Z"),
            to: .at("2024-04-05T00:00:00Z"))
        #expect(february.map(\.data["amount"]) == [.integer(2), .integer(3)])
        #expect(try fixture.store.events(in: .line("+98919")).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func chunkedReadOfTheWholeLogSeesEveryEventOnce(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        for batch in 0..<10 {
            try fixture.store.append((0..<25).map { paymentEvent("+9891\(batch % 3)", amount: Int64($0 + 1)) })
        }
        var seen: [UInt64] = []
        try fixture.store.forEachEvent(from: 1, chunkSize: 7) { seen.append($0.position) }
        #expect(seen == Array(1...250))
        var tail: [UInt64] = []
        try fixture.store.forEachEvent(from: 240, chunkSize: 4) { tail.append($0.position) }
        #expect(tail == Array(240...250))
    }

    @Test(arguments: Backend.allCases)
    func reopenKeepsEverythingAndTheChainGoesOn(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1), paymentEvent("+98912", amount: 2)])
        let headBefore = try fixture.store.head()
        try fixture.reopen()
        #expect(try fixture.store.head() == headBefore)
        try fixture.store.append([paymentEvent("+98911", amount: 3)], expecting: [.line("+98911"): .exactly(1)])
        let events = try fixture.store.events(from: 1)
        #expect(events.count == 3)
        #expect(events[2].previousHash == headBefore.hash)
        #expect(try fixture.store.verify().isValid)
    }

    @Test(arguments: Backend.allCases)
    func hashChainFollowsTheInterchangeDefinition(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1), paymentEvent("+98912", amount: 2)])
        try fixture.store.append([paymentEvent("+98911", amount: 3)])
        let events = try fixture.store.events(from: 1)
        #expect(events[0].previousHash == .zero)
        for (index, event) in events.enumerated() {
            #expect(EventJSON.computeHash(of: event) == event.hash)
            if index > 0 { #expect(event.previousHash == events[index - 1].hash) }
        }
        let report = try fixture.store.verify()
        #expect(report.isValid)
        #expect(report.verifiedCount == 3)
        #expect(report.headHash == events[2].hash)
    }

    @Test(arguments: Backend.allCases, [0, 10, 40, 60])
    func aCorruptedValueIsDetectedAtItsPosition(_ backend: Backend, byteOffset: Int) throws {
        let fixture = try StoreFixture(backend)
        for amount in 1...6 { try fixture.store.append([paymentEvent("+98911", amount: Int64(amount) * 1000)]) }
        try fixture.store.corruptStoredEvent(at: 4, byteOffset: byteOffset, mask: 0x04)
        let report = try fixture.store.verify()
        #expect(report.firstBadPosition == 4)
        #expect(report.verifiedCount == 3)
        #expect(report.headPosition == 3)
        let error = #expect(throws: EventStoreError.self) { try fixture.store.events(from: 1) }
        #expect(error?.position == 4)
        // Reading around it still works, and the store refuses to chain onto a bad head.
        #expect(try fixture.store.events(from: 1, limit: 3).count == 3)
        try fixture.store.corruptStoredEvent(at: 6, byteOffset: byteOffset, mask: 0x04)
        #expect(throws: EventStoreError.self) { try fixture.store.append([paymentEvent("+98911", amount: 1)]) }
    }

    @Test(arguments: Backend.allCases)
    func invalidStreamsAreRefusedWithTheirReason(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let error = #expect(throws: EventStoreError.self) {
            try fixture.store.append([paymentEvent("+98911", amount: 1), paymentEvent("", amount: 2)])
        }
        #expect(error?.code == .invalidEvent)
        #expect(error?.message.contains("event 2") == true)
        #expect(try fixture.store.head().position == 0)
    }
}

@Suite("What each read checks")
struct ReadCheckTests {
    @Test(arguments: Backend.allCases)
    func everyReadChecksTheChecksumAndVerifyRecomputesTheHash(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        for amount in 1...5 { try fixture.store.append([paymentEvent("+98911", amount: Int64(amount) * 1000)]) }
        // A flipped bit anywhere in a record: the fast read (checksum and links) names it.
        for offset in [1, 30, 70, 100] {
            let copy = try StoreFixture(backend)
            for amount in 1...5 { try copy.store.append([paymentEvent("+98911", amount: Int64(amount) * 1000)]) }
            try copy.store.corruptStoredEvent(at: 3, byteOffset: offset, mask: 0x10)
            let error = #expect(throws: EventStoreError.self) { try copy.store.events(from: 1) }
            #expect(error?.position == 3, "offset \(offset)")
            #expect(try copy.store.verify().firstBadPosition == 3)
        }
        let fast = try fixture.store.events(from: 1)
        let full = try fixture.store.events(from: 1, verifyingHashes: true)
        #expect(fast == full)
    }
}

@Suite("Read limits")
struct ReadLimitTests {
    @Test(arguments: Backend.allCases)
    func aLimitOfZeroReadsNothingAndAChunkOfZeroStillReadsAll(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1), paymentEvent("+98911", amount: 2)])
        #expect(try fixture.store.events(from: 1, limit: 0).isEmpty)
        #expect(try fixture.store.events(in: .line("+98911"), limit: 0).isEmpty)
        #expect(try fixture.store.events(in: .line("+98911"), limit: 1).count == 1)
        var seen = 0
        try fixture.store.forEachEvent(chunkSize: 0) { _ in seen += 1 }
        #expect(seen == 2)
    }
}
