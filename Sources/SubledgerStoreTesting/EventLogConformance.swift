public import SubledgerStore

/// The conformance suite of the storage seam (``EventLogStorage``, issue 12 item 3): each
/// check asserts one clause of its contract on a fresh, empty log and throws a
/// ``ConformanceFailure`` naming what did not hold. LMDB and the in-memory store run it
/// (`EventLogConformanceTests`); a second backend (PostgreSQL, issue 15 item 4) runs the
/// same checks from its own tests:
///
/// ```swift
/// @Test(arguments: EventLogConformance.checks)
/// func conformance(_ check: EventLogConformance.Check) throws {
///     try check.run(on: makeEmptyLog())
/// }
/// ```
///
/// The checks use one category of stream, `account`: the store names none (issue 12 item 3).
public enum EventLogConformance {
    /// One clause of the contract, checked on an empty log.
    public struct Check: Sendable, CustomStringConvertible {
        /// What the check asserts, in a few words.
        public let name: String
        let body: @Sendable (any EventLogStorage) throws -> Void

        /// Runs the check on `storage`, which must hold no event yet.
        ///
        /// - Parameter storage: The backend under test, holding no event.
        /// - Throws: ``ConformanceFailure`` when the contract does not hold; any error of
        ///   `storage` that the contract does not expect, as it was thrown.
        public func run(on storage: any EventLogStorage) throws {
            let head = try storage.head()
            try expect(
                head.position == 0 && head.hash == .zero,
                "the log given to the check is not empty (head \(head.position))")
            do { try body(storage) } catch var failure as ConformanceFailure {
                failure.check = name
                throw failure
            }
        }

        /// The check's name.
        public var description: String { name }
    }

    /// Every check of the suite.
    public static let checks: [Check] = [
        Check(name: "an empty log has no event and its head is zero", body: emptyLog),
        Check(name: "positions and stream versions are gap-free, in the order given", body: gapFree),
        Check(
            name: "expected versions: noStream, exactly, any, and on streams the batch does not touch",
            body: expectedVersions),
        Check(name: "a version conflict refuses the whole batch and names the stream", body: conflictRefusedWhole),
        Check(name: "a retry by event id gets its original position and writes nothing", body: idempotentRetry),
        Check(name: "an event id reused with other content refuses the whole batch", body: reusedEventID),
        Check(name: "ranges of the log and of a stream: every position of the range up to the head", body: ranges),
        Check(name: "the hash chain of the log and of each stream, recordedAt never decreasing", body: chain),
        Check(name: "an event beyond the bounds of StoreLimits refuses the whole batch", body: invalidEvent),
        Check(name: "a recordedAt given for import may not go back nor lie in the future", body: givenRecordedAt),
    ]

    // MARK: The checks

    static func emptyLog(_ log: any EventLogStorage) throws {
        try expect(try log.events(at: 0..<10).isEmpty, "events(at: 0..<10) of an empty log is not empty")
        try expect(try log.events(in: account("A"), versions: 1..<10).isEmpty, "an empty log has events in a stream")
        try expect(try log.version(of: account("A")) == 0, "a stream without events is not at version 0")
        try expect(try log.event(withID: .random()) == nil, "an empty log finds an event by id")
    }

    static func gapFree(_ log: any EventLogStorage) throws {
        let first = try log.append([deposit("A", 1), deposit("B", 2)], expecting: [:])
        let second = try log.append([deposit("A", 3)], expecting: [:])
        try expect(
            first.positions == [1, 2] && first.appendedCount == 2 && first.headPosition == 2,
            "first batch: \(first)")
        try expect(
            second.positions == [3] && second.appendedCount == 1 && second.headPosition == 3,
            "second batch: \(second)")
        let events = try log.events(at: 1..<4)
        try expect(events.map(\.position) == [1, 2, 3], "positions \(events.map(\.position))")
        try expect(events.map(\.streamVersion) == [1, 1, 2], "stream versions \(events.map(\.streamVersion))")
        try expect(events.map(\.data) == [1, 2, 3].map(amount), "the events are not in the order given")
        try expect(try log.version(of: account("A")) == 2 && log.version(of: account("B")) == 1, "versions of A and B")
        try expect(try log.version(of: account("C")) == 0, "a stream without events is not at version 0")
        let head = try log.head()
        try expect(head.position == 3 && head.hash == events[2].hash, "the head is not the last event")
    }

    static func expectedVersions(_ log: any EventLogStorage) throws {
        try log.append([deposit("A", 1)], expecting: [account("A"): .noStream])
        try refusal(.versionConflict, "noStream on a stream with an event") {
            try log.append([deposit("A", 2)], expecting: [account("A"): .noStream])
        }
        try log.append([deposit("A", 2)], expecting: [account("A"): .exactly(1)])
        try log.append([deposit("A", 3)], expecting: [account("A"): .any])
        try refusal(.versionConflict, "exactly(2) on a stream at version 3, the batch holding another stream's event") {
            try log.append([deposit("B", 4)], expecting: [account("A"): .exactly(2)])
        }
        try log.append([deposit("B", 4)], expecting: [account("A"): .exactly(3), account("B"): .noStream])
        let head = try log.head().position
        try expect(head == 4, "head \(head) after four accepted appends")
        try expect(
            try log.version(of: account("B")) == 1,
            "B was written by a refused batch, or not by an accepted one")
    }

    static func conflictRefusedWhole(_ log: any EventLogStorage) throws {
        try log.append([deposit("A", 1)], expecting: [:])
        let other = deposit("B", 2)
        let error = try refusal(.versionConflict, "exactly(5) on a stream at version 1") {
            try log.append([other, deposit("A", 3)], expecting: [account("A"): .exactly(5)])
        }
        try expect(error.stream == account("A"), "the conflict names \(String(describing: error.stream)), not A")
        try expect(
            error.expectedVersion == .exactly(5) && error.actualVersion == 1,
            "the conflict expects \(String(describing: error.expectedVersion)), "
                + "found \(String(describing: error.actualVersion))")
        try expect(try log.head().position == 1, "a refused batch moved the head")
        try expect(try log.version(of: account("B")) == 0, "a refused batch wrote the event before the conflict")
        try expect(try log.event(withID: other.eventID) == nil, "a refused batch's event is found by its id")
    }

    static func idempotentRetry(_ log: any EventLogStorage) throws {
        try log.append([deposit("B", 1)], expecting: [:])
        let event = deposit("A", 100)
        let original = try log.append([event], expecting: [:])
        let retry = try log.append([event], expecting: [account("A"): .noStream])
        try expect(
            original.positions == [2] && retry.positions == [2],
            "original \(original.positions), retry \(retry.positions)")
        try expect(retry.appendedCount == 0 && retry.headPosition == 2, "the retry wrote: \(retry)")
        try expect(
            try log.head().position == 2 && log.version(of: account("A")) == 1,
            "the retry moved the head or the stream")
        let recorded = try log.event(withID: event.eventID)
        try expect(recorded == (try log.events(at: 2..<3).first), "event(withID:) is not the event at its position")
        let twice = deposit("C", 7)
        let batch = try log.append([twice, deposit("C", 8), twice], expecting: [:])
        try expect(
            batch.positions == [3, 4, 3] && batch.appendedCount == 2, "the same id twice in one batch: \(batch)")
    }

    static func reusedEventID(_ log: any EventLogStorage) throws {
        let id = EventID.random()
        try log.append([deposit("A", 100, id: id)], expecting: [:])
        let before = deposit("B", 5)
        let error = try refusal(.eventIDReused, "the id of position 1 with another amount") {
            try log.append([before, deposit("A", 999, id: id)], expecting: [:])
        }
        try expect(error.position == 1, "the refusal names position \(String(describing: error.position)), not 1")
        try expect(
            try log.head().position == 1 && log.event(withID: before.eventID) == nil,
            "a refused batch wrote something")
    }

    static func ranges(_ log: any EventLogStorage) throws {
        for amount in 1...10 { try log.append([deposit(amount % 2 == 0 ? "A" : "B", Int64(amount))], expecting: [:]) }
        let positionRanges: [(Range<UInt64>, [UInt64])] = [
            (3..<7, [3, 4, 5, 6]), (0..<3, [1, 2]), (8..<100, [8, 9, 10]), (5..<5, []), (11..<20, []),
            (1..<UInt64.max, Array(1...10)),
        ]
        for (range, expected) in positionRanges {
            let positions = try log.events(at: range).map(\.position)
            try expect(positions == expected, "events(at: \(range)): positions \(positions), not \(expected)")
        }
        let versionRanges: [(Range<UInt64>, [UInt64])] = [
            (2..<4, [2, 3]), (0..<2, [1]), (3..<100, [3, 4, 5]), (6..<9, []), (2..<2, []),
        ]
        for (range, expected) in versionRanges {
            let events = try log.events(in: account("A"), versions: range)
            try expect(events.allSatisfy { $0.stream == account("A") }, "a stream's range holds another stream's event")
            let versions = events.map(\.streamVersion)
            try expect(versions == expected, "events(in: A, versions: \(range)): \(versions), not \(expected)")
        }
        let evens = try log.events(in: account("A"), versions: 1..<6).map(\.position)
        try expect(evens == [2, 4, 6, 8, 10], "stream A's positions \(evens)")
    }

    static func chain(_ log: any EventLogStorage) throws {
        try log.append([deposit("A", 1), deposit("B", 2)], expecting: [:])
        try log.append([deposit("A", 3)], expecting: [:])
        try log.append([deposit("B", 4), deposit("A", 5)], expecting: [:])
        let events = try log.events(at: 1..<6)
        var lastInStream: [StreamID: ChainHash] = [:]
        for (index, event) in events.enumerated() {
            try expect(
                EventJSON.computeHash(of: event) == event.hash,
                "position \(event.position): its hash is not interchange.md's")
            try expect(
                event.previousHash == (index == 0 ? .zero : events[index - 1].hash),
                "position \(event.position): prevHash")
            try expect(
                event.streamPreviousHash == lastInStream[event.stream, default: .zero],
                "position \(event.position): streamPrevHash")
            if index > 0 {
                try expect(
                    event.recordedAt >= events[index - 1].recordedAt,
                    "position \(event.position): recordedAt went back")
            }
            lastInStream[event.stream] = event.hash
        }
        try expect(try log.head().hash == events[4].hash, "the head's hash is not the last event's")
    }

    static func invalidEvent(_ log: any EventLogStorage) throws {
        let valid = deposit("A", 1)
        var reserved = deposit("A", 2)
        reserved.stream = StreamID(category: "hash", id: "A")
        let untyped = ProposedEvent(type: "", stream: account("A"), occurredAt: valid.occurredAt, data: [:])
        let batches = [[valid, deposit("", 2)], [valid, reserved], [valid, untyped]]
        for batch in batches {
            let error = try refusal(.invalidEvent, "an empty stream id, a reserved category or an empty type") {
                try log.append(batch, expecting: [:])
            }
            try expect(
                error.message.contains("event 2"),
                "the refusal does not name the batch's event 2: \(error.message)")
        }
        try expect(
            try log.head().position == 0 && log.event(withID: valid.eventID) == nil,
            "a refused batch wrote its valid event")
    }

    static func givenRecordedAt(_ log: any EventLogStorage) throws {
        func deposit(recordedAt milliseconds: Int64) -> ProposedEvent {
            var event = Self.deposit("A", milliseconds)
            event.recordedAt = Timestamp(millisecondsSinceEpoch: milliseconds)
            return event
        }
        let year2000: Int64 = 946_684_800_000
        try log.append([deposit(recordedAt: year2000)], expecting: [:])
        try refusal(.recordedAtOutOfOrder, "a recordedAt one millisecond before the last") {
            try log.append([deposit(recordedAt: year2000 - 1)], expecting: [:])
        }
        try refusal(.recordedAtOutOfOrder, "a recordedAt in the year 9000") {
            try log.append([deposit(recordedAt: 221_845_392_000_000)], expecting: [:])
        }
        try log.append([deposit(recordedAt: year2000)], expecting: [:])
        let recorded = try log.events(at: 1..<10).map(\.recordedAt.millisecondsSinceEpoch)
        try expect(recorded == [year2000, year2000], "recordedAt as given: \(recorded)")
    }

    // MARK: Helpers

    static func account(_ id: String) -> StreamID { StreamID(category: "account", id: id) }

    static func amount(_ value: Int64) -> JSONObject { ["amount": .integer(value)] }

    static func deposit(_ account: String, _ value: Int64, id: EventID = .random()) -> ProposedEvent {
        ProposedEvent(
            eventID: id, type: "Deposited", stream: Self.account(account),
            occurredAt: Timestamp(millisecondsSinceEpoch: 1_704_067_200_000), data: amount(value))
    }

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw ConformanceFailure(check: "", message: message()) }
    }

    /// Runs `body`, which must be refused with `code`, and returns the refusal.
    @discardableResult
    static func refusal(
        _ code: EventStoreError.Code, _ what: String,
        _ body: () throws -> Void
    ) throws -> EventStoreError {
        do {
            try body()
        } catch let error as EventStoreError {
            try expect(error.code == code, "\(what): refused with \(error.code), not \(code): \(error.message)")
            return error
        }
        throw ConformanceFailure(check: "", message: "\(what): accepted, but the contract refuses it with \(code)")
    }
}

/// A clause of ``EventLogStorage``'s contract that a backend did not keep.
public struct ConformanceFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The check that failed (``EventLogConformance/Check/name``).
    public var check: String
    /// What did not hold.
    public var message: String

    /// The check and what did not hold.
    public var description: String { "\(check): \(message)" }
}
