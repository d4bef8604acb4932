/// An event to append: the fact as the writer knows it, before the store assigns its
/// position, stream version, hash and (usually) its recording time.
public struct ProposedEvent: Hashable, Sendable {
    /// Its identity; the same id again is an idempotent retry.
    public var eventID: EventID
    /// The event type, such as `PaymentReceived`.
    public var type: String
    /// The stream it belongs to.
    public var stream: StreamID
    /// When it happened (business time).
    public var occurredAt: Timestamp
    /// The type's fields; always a JSON object.
    public var data: JSONObject
    /// Free strings: `actor`, `causationId`, `correlationId`, `source`, `rule`, `policyEdition`.
    public var metadata: [String: String]
    /// When it was recorded, for migrating history (`import` only); `nil` lets the store set it.
    public var recordedAt: Timestamp?
    /// The top-level members of `data` that hold personal data (RET-1), such as `name`.
    /// One given as a string (clear) is replaced, in the append's transaction, by
    /// `{"commitment": HEX}` and its salt and value are kept sealed apart from the log
    /// (``EventStore/disclosures(at:)``); one given as `{"commitment": HEX}` stays as it is.
    public var personalFields: [String]
    /// Salts and clear values of personal fields given as commitments (an import of an
    /// export made with `--disclose`), keyed `data.<member>`: each must match its
    /// commitment, and is kept sealed as a clear value would be. Never hashed.
    public var disclosures: [String: Disclosure]
    /// The store-assigned fields an input gave (an export imported as it is): each must
    /// equal what the store assigns, or the append is refused. `nil`: none given.
    public var assigned: AssignedFields?

    /// An event to append, with a fresh random id unless one is given.
    /// - Parameters:
    ///   - eventID: Its identity; pass the same id again to retry idempotently.
    ///   - type: The event type.
    ///   - stream: The stream it belongs to.
    ///   - occurredAt: When it happened (business time).
    ///   - data: The type's fields.
    ///   - metadata: Free strings (`actor`, `causationId`, ...).
    ///   - recordedAt: The recording time to keep (`import` only); `nil` lets the store set it.
    ///   - personalFields: The members of `data` that hold personal data (RET-1).
    ///   - disclosures: Salts and clear values of personal fields given as commitments.
    ///   - assigned: The store-assigned fields an input gave, to check; `nil` for none.
    public init(
        eventID: EventID = .random(),
        type: String,
        stream: StreamID,
        occurredAt: Timestamp,
        data: JSONObject,
        metadata: [String: String] = [:],
        recordedAt: Timestamp? = nil,
        personalFields: [String] = [],
        disclosures: [String: Disclosure] = [:],
        assigned: AssignedFields? = nil
    ) {
        self.eventID = eventID
        self.type = type
        self.stream = stream
        self.occurredAt = occurredAt
        self.data = data
        self.metadata = metadata
        self.recordedAt = recordedAt
        self.personalFields = personalFields
        self.disclosures = disclosures
        self.assigned = assigned
    }

    /// The same fact, ignoring `recordedAt` (a retry may leave it to the store).
    func isSameFact(as other: RecordedEvent) -> Bool {
        eventID == other.eventID && type == other.type && stream == other.stream
            && occurredAt == other.occurredAt && data == other.data && metadata == other.metadata
            && (recordedAt == nil || recordedAt == other.recordedAt)
    }
}

/// An event as the store recorded it: the fact plus what the store assigned.
public struct RecordedEvent: Hashable, Sendable {
    /// 1-based position in the whole log, gap-free.
    public var position: UInt64
    /// 1-based position in its stream, gap-free.
    public var streamVersion: UInt64
    /// When the store committed it; never decreases along `position`.
    public var recordedAt: Timestamp
    /// Its identity (``ProposedEvent/eventID``).
    public var eventID: EventID
    /// The event type, such as `PaymentReceived`.
    public var type: String
    /// The stream it belongs to.
    public var stream: StreamID
    /// When it happened (business time).
    public var occurredAt: Timestamp
    /// The type's fields, personal values as `{"commitment": HEX}` (RET-1).
    public var data: JSONObject
    /// Free strings: `actor`, `causationId`, `correlationId`, `source`, `rule`, `policyEdition`.
    public var metadata: [String: String]
    /// The hash of the event before (``ChainHash/zero`` at position 1).
    public var previousHash: ChainHash
    /// SHA-256 of `previousHash` and the canonical JSON of this event.
    public var hash: ChainHash
    /// The hash of the event before it in its own stream (``ChainHash/zero`` at stream
    /// version 1): hashed as `streamPrevHash`, so each stream is a chain of its own. `nil`
    /// only for a record of format 1, read by `migrate`, whose hash does not include it.
    public var streamPreviousHash: ChainHash?

    /// An event as recorded, with every field given: how a backend and a reader of an export make one.
    /// No field is checked; ``EventJSON/computeHash(of:)`` says whether `hash` is right.
    /// - Parameters:
    ///   - position: Its position in the log, from 1.
    ///   - streamVersion: Its version in its stream, from 1.
    ///   - recordedAt: When the store committed it.
    ///   - eventID: Its identity.
    ///   - type: The event type.
    ///   - stream: The stream it belongs to.
    ///   - occurredAt: When it happened.
    ///   - data: The type's fields.
    ///   - metadata: Free strings.
    ///   - previousHash: The hash of the event before.
    ///   - hash: Its chain hash.
    ///   - streamPreviousHash: The hash of the event before in its stream; `nil` for format 1.
    public init(
        position: UInt64, streamVersion: UInt64, recordedAt: Timestamp, eventID: EventID, type: String,
        stream: StreamID, occurredAt: Timestamp, data: JSONObject, metadata: [String: String],
        previousHash: ChainHash, hash: ChainHash, streamPreviousHash: ChainHash? = nil
    ) {
        self.position = position
        self.streamVersion = streamVersion
        self.recordedAt = recordedAt
        self.eventID = eventID
        self.type = type
        self.stream = stream
        self.occurredAt = occurredAt
        self.data = data
        self.metadata = metadata
        self.previousHash = previousHash
        self.hash = hash
        self.streamPreviousHash = streamPreviousHash
    }
}

/// Where the store put each event of an appended batch, in the order given.
public struct AppendResult: Hashable, Sendable {
    /// The position of each event given, in order (a retry gets its original position).
    public var positions: [UInt64]
    /// How many events were new (the rest were idempotent retries).
    public var appendedCount: Int
    /// The log's last position after the append.
    public var headPosition: UInt64

    /// What a backend of the log (``EventLogStorage``) answers an append with.
    /// - Parameters:
    ///   - positions: The position of each event of the batch, in order.
    ///   - appendedCount: How many were new.
    ///   - headPosition: The log's last position after the append.
    public init(positions: [UInt64], appendedCount: Int, headPosition: UInt64) {
        self.positions = positions
        self.appendedCount = appendedCount
        self.headPosition = headPosition
    }
}
