/// The fields the store assigns to an event, as an input gives them: an export's lines
/// imported as they are (interchange.md, "Personal data", last sentence). Each one given
/// must equal what the store assigns; so an export imported into an empty store with the
/// same `recordedAt`s comes out with the same hashes, and an input that claims otherwise is
/// refused, naming the field, both values and the event.
public struct AssignedFields: Hashable, Sendable {
    /// The given `position`, or `nil` when the input left it out.
    public var position: UInt64?
    /// The given `streamVersion`, or `nil`.
    public var streamVersion: UInt64?
    /// The given `prevHash`, or `nil`.
    public var previousHash: ChainHash?
    /// The given `streamPrevHash`, or `nil`.
    public var streamPreviousHash: ChainHash?
    /// The given `hash`, or `nil`.
    public var hash: ChainHash?

    /// The fields an input gave; `nil` for each it left out.
    /// - Parameters:
    ///   - position: The given `position`.
    ///   - streamVersion: The given `streamVersion`.
    ///   - previousHash: The given `prevHash`.
    ///   - streamPreviousHash: The given `streamPrevHash`.
    ///   - hash: The given `hash`.
    public init(
        position: UInt64? = nil, streamVersion: UInt64? = nil, previousHash: ChainHash? = nil,
        streamPreviousHash: ChainHash? = nil, hash: ChainHash? = nil
    ) {
        self.position = position
        self.streamVersion = streamVersion
        self.previousHash = previousHash
        self.streamPreviousHash = streamPreviousHash
        self.hash = hash
    }

    /// Whether no field is given.
    public var isEmpty: Bool { self == AssignedFields() }

    /// The first given field that differs from what `recorded` was assigned: its name in
    /// the interchange format, the given value and the assigned one; `nil` when all agree.
    /// - Parameter recorded: The event as the store assigned it.
    /// - Returns: The field's interchange name with the given and the assigned values, or `nil`.
    public func mismatch(with recorded: RecordedEvent) -> (field: String, given: String, assigned: String)? {
        if let position, position != recorded.position { return ("position", "\(position)", "\(recorded.position)") }
        if let streamVersion, streamVersion != recorded.streamVersion {
            return ("streamVersion", "\(streamVersion)", "\(recorded.streamVersion)")
        }
        if let previousHash, previousHash != recorded.previousHash {
            return ("prevHash", previousHash.hex, recorded.previousHash.hex)
        }
        if let streamPreviousHash, streamPreviousHash != recorded.streamPreviousHash {
            return ("streamPrevHash", streamPreviousHash.hex, recorded.streamPreviousHash?.hex ?? "none (format 1)")
        }
        if let hash, hash != recorded.hash { return ("hash", hash.hex, recorded.hash.hex) }
        return nil
    }

    /// Throws ``EventStoreError/Code/assignedFieldMismatch`` when a given field differs from
    /// what `recorded` (the event as the store assigns it, or the original of a retry) got.
    func check(against recorded: RecordedEvent, of event: ProposedEvent) throws {
        guard let (field, given, assigned) = mismatch(with: recorded) else { return }
        throw EventStoreError(
            .assignedFieldMismatch,
            "event \(event.eventID) (\(event.type) on \(event.stream)): field \(field): given \(given), the store assigns \(assigned); nothing was written",
            stream: event.stream, position: recorded.position, field: field)
    }
}
