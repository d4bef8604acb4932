import Foundation
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// A read of the simulator, with the answer the model gives.
enum SimulationRead: CustomStringConvertible {
    case head
    case version(StreamID)
    case log(from: UInt64, limit: Int)
    case stream(StreamID, from: UInt64, limit: Int)
    case eventID(EventID)
    case occurred(StreamID, from: Timestamp, to: Timestamp)

    var description: String {
        switch self {
        case .head: "head"
        case .version(let stream): "version of \(stream)"
        case .log(let from, let limit): "log from \(from), at most \(limit)"
        case .stream(let stream, let from, let limit): "\(stream) from version \(from), at most \(limit)"
        case .eventID(let id): "event \(id)"
        case .occurred(let stream, let from, let to): "\(stream) occurred in \(from) ..< \(to)"
        }
    }

    /// Reads from `store`; the difference from the model's answer, or `nil`.
    func check(_ store: EventStore, against model: inout SimulationModel) throws -> String? {
        switch self {
        case .head:
            let head = try store.head()
            guard head.position == model.head else { return "head \(head.position), the model's \(model.head)" }
            let hash = model.log.last?.hash
            return hash == nil || hash == head.hash ? nil : "the head's hash is not the last event's"
        case .version(let stream):
            let version = try store.version(of: stream)
            let expected = model.version(of: stream)
            return version == expected ? nil : "version \(version), the model's \(expected)"
        case .log(let from, let limit):
            let expected = model.log.filter { $0.position >= from }.prefix(limit)
            return model.mismatch(try store.events(from: from, limit: limit), Array(expected), "\(self)")
        case .stream(let stream, let from, let limit):
            let expected = model.events(in: stream).filter { $0.version >= from }.prefix(limit)
            return model.mismatch(try store.events(in: stream, from: from, limit: limit), Array(expected), "\(self)")
        case .eventID(let id):
            let recorded = try store.event(withID: id)
            guard let expected = model.event(withID: id) else {
                return recorded.map { "an event at \($0.position) for an id never recorded" }
            }
            guard let recorded else { return "no event for the id recorded at \(expected.position)" }
            return model.mismatch([recorded], [expected], "\(self)")
        case .occurred(let stream, let from, let to):
            let expected = model.events(in: stream).filter {
                $0.proposed.occurredAt >= from && $0.proposed.occurredAt < to
            }.sorted { ($0.proposed.occurredAt, $0.version) < ($1.proposed.occurredAt, $1.version) }
            return model.mismatch(try store.events(in: stream, occurredFrom: from, to: to), expected, "\(self)")
        }
    }
}

extension StoreSimulation {
    /// The next operation: mostly appends and reads, now and then a verify, a checkpoint or
    /// (LMDB) a reopening.
    func nextOperation() -> Operation {
        switch random.below(20) {
        case 0..<8: return .append(nextBatch(), expecting: nextExpectations())
        case 8..<16: return .read(nextRead())
        case 16, 17: return .verify
        case 18: return .checkpoint
        default: return backend == .lmdb ? .reopen : .read(.head)
        }
    }

    /// One to three events: new ones, now and then the retry of a recorded one or a new
    /// event under a recorded id.
    func nextBatch() -> [ProposedEvent] {
        (0...random.below(3)).map { _ in
            guard !model.log.isEmpty, random.below(6) == 0 else { return proposals.event() }
            let recorded = model.log[random.below(model.log.count)].proposed
            guard random.below(2) == 0 else { return recorded }
            var reused = proposals.event(on: recorded.stream)
            reused.eventID = recorded.eventID
            return reused
        }
    }

    func nextExpectations() -> [StreamID: ExpectedVersion] {
        guard random.below(2) == 0 else { return [:] }
        let stream = proposals.pick(SimulationProposals.streams)
        let version = model.version(of: stream)
        switch random.below(4) {
        case 0: return [stream: .noStream]
        case 1: return [stream: .any]
        case 2: return [stream: .exactly(version + UInt64(random.below(2)))]
        default: return [stream: .exactly(version)]
        }
    }

    func nextRead() -> SimulationRead {
        let stream = proposals.pick(SimulationProposals.streams)
        switch random.below(6) {
        case 0: return .head
        case 1: return .version(stream)
        case 2: return .log(from: UInt64(1 + random.below(Int(model.head) + 2)), limit: 1 + random.below(40))
        case 3:
            let from = UInt64(1 + random.below(Int(model.version(of: stream)) + 2))
            return .stream(stream, from: from, limit: 1 + random.below(40))
        case 4:
            let known = !model.log.isEmpty && random.below(4) != 0
            return .eventID(known ? model.log[random.below(model.log.count)].proposed.eventID : .random())
        default:
            let (a, b) = (proposals.time(), proposals.time())
            return .occurred(stream, from: min(a, b), to: max(a, b))
        }
    }

    /// Arms a fault for the next operation, one step in three: an I/O error of the Nth put,
    /// commit, sync or read, or the Nth value read torn or corrupt (of one table or any).
    func nextFault() -> String? {
        armedCorruption = false
        guard random.below(3) == 0 else { return nil }
        let occurrence = 1 + random.below(10)
        guard random.below(2) == 0 else {
            let operation = StorageFaults.Operation.allCases[random.below(StorageFaults.Operation.allCases.count)]
            faults.arm(operation, occurrence: occurrence)
            return "\(operation) \(occurrence) fails"
        }
        let corruption: StorageFaults.Corruption =
            random.below(2) == 0
            ? .flip(byte: random.below(256), mask: UInt8(1 + random.below(255)))
            : .truncate(keeping: random.below(48))
        let anyTable = random.below(3) == 0 && Self.corruptingEveryTable
        let tables = anyTable ? nil : Set([proposals.pick(Self.corruptibleTables)])
        faults.armCorruption(corruption, ofValue: occurrence, inTables: tables)
        armedCorruption = true
        return "value \(occurrence) read from \(tables.map { $0.sorted().joined() } ?? "any table") \(corruption)"
    }

    /// The tables whose torn or corrupt reads the store finds today: the records (CRC-32C and
    /// hash), the indexes that point at them (checked against the record read), the symbols
    /// (checked by the hash of the event that needed them), the Merkle nodes (CRC-32C of key
    /// and root), `meta` (the store's id and the projection's position with a CRC-32C; the
    /// other values fail loudly when flipped) and the checkpoints (each read checks its
    /// signature).
    static let checkedTables = [
        "events", "streams", "eventIds", "streamTimes", "symbols", "merkleNodes", "meta", "checkpoints",
    ]

    /// `SUBLEDGER_SIM_ALL_TABLES=1` also corrupts, a third of the time, a value read from any
    /// table (the sealed personal data and the projections among them), see docs/testing.md.
    static var corruptingEveryTable: Bool { ProcessInfo.processInfo.environment["SUBLEDGER_SIM_ALL_TABLES"] == "1" }

    static var corruptibleTables: [String] { checkedTables }
}
