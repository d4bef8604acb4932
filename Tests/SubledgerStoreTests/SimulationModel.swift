@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// The simulator's reference model of a store: a plain list of the events accepted, in log
/// order, with each stream's events and each event id beside it. Obviously correct, so that
/// every answer of the store can be checked against it (issue 12 item 7).
struct SimulationModel {
    struct Event {
        var proposed: ProposedEvent
        var position: UInt64
        var version: UInt64
        var recordedAt: Timestamp
        /// The hash the store gave the event the first time it was read back: every later
        /// read must give the same.
        var hash: ChainHash?
    }

    /// What an append must do on a store without faults.
    enum Outcome: Equatable {
        case appended(positions: [UInt64], newCount: Int)
        /// Refused with one of these codes.
        case refused(Set<EventStoreError.Code>)
    }

    private(set) var log: [Event] = []
    private(set) var streams: [StreamID: [Int]] = [:]
    private(set) var ids: [EventID: Int] = [:]
    private(set) var checkpointSizes: Set<UInt64> = []

    var head: UInt64 { UInt64(log.count) }

    func version(of stream: StreamID) -> UInt64 { UInt64(streams[stream]?.count ?? 0) }

    func events(in stream: StreamID) -> [Event] { (streams[stream] ?? []).map { log[$0] } }

    func event(withID id: EventID) -> Event? { ids[id].map { log[$0] } }

    /// What `batch` appended with `expecting` must give, as the store's contract says: a
    /// stream not at its expected version refuses the batch; an event id recorded already
    /// is an idempotent retry with the same content, a reuse otherwise. A batch that breaks
    /// both may be refused for either. A stream that gets only retries is not held to its
    /// expectation (a retried batch gets its first answer).
    func outcome(of batch: [ProposedEvent], expecting: [StreamID: ExpectedVersion]) -> Outcome {
        var refusals: Set<EventStoreError.Code> = []
        let retried = Set(batch.filter { event(withID: $0.eventID) != nil }.map(\.stream))
        let fresh = Set(batch.filter { event(withID: $0.eventID) == nil }.map(\.stream))
        for (stream, expected) in expecting where !retried.contains(stream) || fresh.contains(stream) {
            switch expected {
            case .any: continue
            case .noStream: if version(of: stream) != 0 { refusals.insert(.versionConflict) }
            case .exactly(let version): if version != self.version(of: stream) { refusals.insert(.versionConflict) }
            }
        }
        var positions: [UInt64] = []
        var next = head
        for proposed in batch {
            if let recorded = event(withID: proposed.eventID) {
                if !Self.sameContent(proposed, recorded.proposed) { refusals.insert(.eventIDReused) }
                positions.append(recorded.position)
            } else {
                next += 1
                positions.append(next)
            }
        }
        guard refusals.isEmpty else { return .refused(refusals) }
        return .appended(positions: positions, newCount: Int(next - head))
    }

    static func sameContent(_ a: ProposedEvent, _ b: ProposedEvent) -> Bool {
        a.type == b.type && a.stream == b.stream && a.occurredAt == b.occurredAt && a.data == b.data
            && a.metadata == b.metadata
    }

    /// Takes in the new events of an accepted batch.
    mutating func accept(_ batch: [ProposedEvent], recordedAt: Timestamp) {
        for proposed in batch where ids[proposed.eventID] == nil {
            let version = self.version(of: proposed.stream) + 1
            log.append(Event(proposed: proposed, position: head + 1, version: version, recordedAt: recordedAt))
            streams[proposed.stream, default: []].append(log.count - 1)
            ids[proposed.eventID] = log.count - 1
        }
    }

    mutating func acceptCheckpoint(size: UInt64) { checkpointSizes.insert(size) }

    /// Why `recorded` is not the model's event at its place, or `nil` when it is; the first
    /// hash read of an event is kept.
    mutating func mismatch(_ recorded: RecordedEvent) -> String? {
        guard recorded.position >= 1, recorded.position <= head else {
            return "position \(recorded.position) is outside the model's log of \(head)"
        }
        let index = Int(recorded.position - 1)
        let expected = log[index]
        var problems: [String] = []
        let proposed = expected.proposed
        if recorded.eventID != proposed.eventID { problems.append("eventId") }
        if recorded.stream != proposed.stream { problems.append("stream") }
        if recorded.streamVersion != expected.version { problems.append("streamVersion \(recorded.streamVersion)") }
        if recorded.type != proposed.type { problems.append("type \(recorded.type)") }
        if recorded.occurredAt != proposed.occurredAt { problems.append("occurredAt") }
        if recorded.recordedAt != expected.recordedAt { problems.append("recordedAt") }
        if recorded.data != proposed.data { problems.append("data") }
        if recorded.metadata != proposed.metadata { problems.append("metadata") }
        if let hash = expected.hash, hash != recorded.hash { problems.append("hash") }
        if expected.hash == nil { log[index].hash = recorded.hash }
        guard problems.isEmpty else {
            return "position \(recorded.position) differs from the model in \(problems.joined(separator: ", "))"
        }
        return nil
    }

    /// Why `recorded` is not exactly `expected` (the model's events, in that order), or `nil`.
    mutating func mismatch(_ recorded: [RecordedEvent], _ expected: [Event], _ what: String) -> String? {
        guard recorded.map(\.position) == expected.map(\.position) else {
            return "\(what): positions \(recorded.map(\.position)), the model has \(expected.map(\.position))"
        }
        for event in recorded { if let problem = mismatch(event) { return "\(what): \(problem)" } }
        return nil
    }
}

/// Random proposals for the simulator: a few streams of two kinds, events of several types
/// with nested data, times spread over a year.
struct SimulationProposals {
    static let streams: [StreamID] = [
        .line("+98911"), .line("+98912"), .line("+98913"), .subscriber("S-1"), .subscriber("S-2"),
    ]
    static let types = ["PaymentReceived", "BillIssued", "LineCut", "NoticeSent", "ComplaintFiled"]
    static let origin = Timestamp.at("2024-01-01T00:00:00Z")

    var random: SeededRandom
    var made: UInt64 = 0

    mutating func pick<T>(_ values: [T]) -> T { values[random.below(values.count)] }

    mutating func time() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Self.origin.millisecondsSinceEpoch + Int64(random.below(365 * 86_400)) * 1000)
    }

    mutating func event(on stream: StreamID? = nil) -> ProposedEvent {
        made += 1
        let stream = stream ?? pick(Self.streams)
        var data: JSONObject = ["amount": .integer(Int64(random.below(1_000_000)) - 1000), "n": .integer(Int64(made))]
        if random.below(3) == 0 {
            data["detail"] = .object(["list": .array([.string("x\(made)"), .null, .bool(made % 2 == 0)])])
        }
        return ProposedEvent(
            eventID: EventID(high: 0x5155_0000 + made, low: random.next()), type: pick(Self.types), stream: stream,
            occurredAt: time(), data: data, metadata: ["actor": pick(["clerk", "batch"]), "step": "\(made)"])
    }
}

extension SimulationModel.Outcome {
    func refuses(with code: EventStoreError.Code) -> Bool {
        guard case .refused(let codes) = self else { return false }
        return codes.contains(code)
    }
}
