public import SubledgerStore

/// Whose stream an event belongs to: a line (E.164 number), a subscriber (an id) or the
/// policy (its name, ``policyName``: the editions adopted, POL-3).
public enum LedgerStream: Hashable, Sendable, CustomStringConvertible {
    case line(String)
    case subscriber(String)
    case policy(String)

    /// The name of the ledger's one policy stream, whose `PolicyEditionAdopted` facts are the
    /// editions adopted (POL-3): the directive on debtor subscribers.
    public static let policyName = "debtor-subscribers"
    /// The policy stream, ``policyName``.
    public static var debtorSubscribersPolicy: LedgerStream { .policy(policyName) }

    /// The store's stream.
    public var streamID: StreamID {
        switch self {
        case .line(let number): .line(number)
        case .subscriber(let id): .subscriber(id)
        case .policy(let name): .policy(name)
        }
    }

    /// The ledger's stream of a store's stream; `nil` for a category the ledger does not keep.
    /// - Parameter streamID: the store's stream.
    public init?(_ streamID: StreamID) {
        switch streamID.category {
        case StreamID.lineCategory: self = .line(streamID.id)
        case StreamID.subscriberCategory: self = .subscriber(streamID.id)
        case StreamID.policyCategory: self = .policy(streamID.id)
        default: return nil
        }
    }

    /// `line +989121234567`, `subscriber S-1001`, `policy debtor-subscribers`.
    public var description: String {
        switch self {
        case .line(let number): "line \(number)"
        case .subscriber(let id): "subscriber \(id)"
        case .policy(let name): "policy \(name)"
        }
    }
}

/// A fact to record, as input carries it (interchange.md): the event, its stream, when it
/// occurred, and optionally its id, metadata and (for migrating history) `recordedAt`.
public struct LedgerFact: Hashable, Sendable {
    /// The stream the fact belongs to.
    public var stream: LedgerStream
    /// When it happened (the time the rules judge).
    public var occurredAt: Timestamp
    /// What happened.
    public var event: LedgerEvent
    /// The caller's notes (`actor`, `source`), kept with the event.
    public var metadata: [String: String]
    /// The id to record it under; `nil` draws a random one (``proposedEvent()``). A retry with the
    /// same id is idempotent.
    public var eventID: EventID?
    /// When it was recorded, for migrating history; `nil` lets the store assign the time of the append.
    public var recordedAt: Timestamp?
    /// Salts and clear values of personal fields given as commitments (an import of a
    /// disclosed export, RET-1): the store checks and seals them; never hashed.
    public var disclosures: [String: Disclosure] = [:]
    /// The store-assigned fields of an export's line imported as it is (`import` only):
    /// the store checks each against what it assigns.
    public var assigned: AssignedFields?

    /// - Parameters:
    ///   - stream: the stream the fact belongs to.
    ///   - occurredAt: when it happened.
    ///   - event: what happened.
    ///   - metadata: the caller's notes, kept with the event.
    ///   - eventID: the id to record it under; `nil` draws a random one.
    ///   - recordedAt: when it was recorded, for migrating history; `nil` lets the store assign it.
    ///   - assigned: the store-assigned fields of an exported line imported as it is; `nil` otherwise.
    public init(
        stream: LedgerStream, occurredAt: Timestamp, event: LedgerEvent, metadata: [String: String] = [:],
        eventID: EventID? = nil, recordedAt: Timestamp? = nil, assigned: AssignedFields? = nil
    ) {
        self.stream = stream
        self.occurredAt = occurredAt
        self.event = event
        self.metadata = metadata
        self.eventID = eventID
        self.recordedAt = recordedAt
        self.assigned = assigned
    }

    /// A fact on a line.
    /// - Parameters:
    ///   - number: the line.
    ///   - occurredAt: when it happened.
    ///   - event: what happened.
    ///   - metadata: the caller's notes (`actor`, `source`), kept with the event.
    /// - Returns: the fact, on the stream of `number`.
    public static func line(
        _ number: LineNumber, _ occurredAt: Timestamp, _ event: LedgerEvent,
        metadata: [String: String] = [:]
    ) -> LedgerFact {
        LedgerFact(stream: .line(number.text), occurredAt: occurredAt, event: event, metadata: metadata)
    }

    /// The event to append to the store.
    /// - Returns: the event, under ``eventID`` or a new random id, its personal fields and disclosures
    ///   for the store to seal (RET-1).
    public func proposedEvent() -> ProposedEvent {
        ProposedEvent(
            eventID: eventID ?? .random(), type: event.type.rawValue, stream: stream.streamID,
            occurredAt: occurredAt, data: event.data, metadata: metadata, recordedAt: recordedAt,
            personalFields: event.personalFields, disclosures: disclosures, assigned: assigned)
    }
}

/// A fact as the store recorded it.
public struct RecordedFact: Hashable, Sendable {
    /// The fact, as typed.
    public var fact: LedgerFact
    /// Its position in the log: 1 for the first event, one more for each event after.
    public var position: UInt64
    /// Its version in its stream: 1 for the stream's first event.
    public var streamVersion: UInt64
    /// When the store recorded it.
    public var recordedAt: Timestamp

    /// What happened.
    public var event: LedgerEvent { fact.event }
    /// When it happened.
    public var occurredAt: Timestamp { fact.occurredAt }
    /// The stream it belongs to.
    public var stream: LedgerStream { fact.stream }

    /// - Parameters:
    ///   - fact: the fact.
    ///   - position: its position in the log.
    ///   - streamVersion: its version in its stream.
    ///   - recordedAt: when the store recorded it.
    public init(fact: LedgerFact, position: UInt64, streamVersion: UInt64, recordedAt: Timestamp) {
        self.fact = fact
        self.position = position
        self.streamVersion = streamVersion
        self.recordedAt = recordedAt
    }

    /// The typed fact of a stored event.
    /// - Parameter recorded: the event as the store read it.
    /// - Throws: ``FactError`` when its stream is not a line's, a subscriber's or a policy's, its type
    ///   is not in the catalog, or its `data` cannot be decoded (the reason names its position).
    public init(_ recorded: RecordedEvent) throws(FactError) {
        guard let stream = LedgerStream(recorded.stream) else {
            throw FactError(
                field: recorded.stream.category, reason: "is not a stream of the ledger (line, subscriber or policy)")
        }
        guard let type = EventType(rawValue: recorded.type) else {
            throw FactError(field: "type", reason: "\"\(recorded.type)\" is not an event type of the catalog")
        }
        let event: LedgerEvent
        do {
            event = try LedgerEvent(type: type, data: recorded.data)
        } catch {
            throw FactError(
                field: error.field, reason: "\(error.reason) (the event at position \(recorded.position), \(stream))")
        }
        fact = LedgerFact(
            stream: stream, occurredAt: recorded.occurredAt, event: event, metadata: recorded.metadata,
            eventID: recorded.eventID, recordedAt: recorded.recordedAt)
        position = recorded.position
        streamVersion = recorded.streamVersion
        recordedAt = recorded.recordedAt
    }
}
