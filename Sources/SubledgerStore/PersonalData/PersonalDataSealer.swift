internal import Crypto
internal import FoundationEssentials

/// Seals the personal fields of the events of one append transaction (RET-1), before
/// they are hashed: each clear value becomes `{"commitment": HEX}` in the event's data,
/// and its salt and value go, sealed under the subject's key, to `disclosures`.
///
/// The salt is HMAC-SHA256(subject key, event id ‖ field name): pseudorandom to whoever
/// lacks the key, and the same for the same event id, so that a retry of an event
/// commits the same and is recognised as one. No message here holds a value.
struct PersonalDataSealer {
    /// The store's key file as the transaction began; `nil` without one.
    let keyFile: StoreKeyFile?
    /// The import whose transaction this is, if any: the subject keys it makes are noted in
    /// its journal (``ImportJournal``), for a rollback to remove them.
    let importing: PendingImport?
    /// The subject keys read or made in this transaction.
    private var keys: [StreamID: SymmetricKey] = [:]
    /// Whether this transaction checked the key file's generation against the store's.
    private var generationChecked = false

    init(keyFile: StoreKeyFile?, importing: PendingImport? = nil) {
        self.keyFile = keyFile
        self.importing = importing
    }

    /// `event` with its clear personal values replaced by commitments, and what
    /// ``SealedDisclosures/write(at:in:)`` stores once the event's position is known
    /// (`nil` when it has no personal value to keep).
    mutating func seal(_ event: ProposedEvent, in transaction: some StorageTransaction) throws -> (
        ProposedEvent, SealedDisclosures?
    ) {
        guard !event.personalFields.isEmpty || !event.disclosures.isEmpty else { return (event, nil) }
        var sealed = event
        var kept: [String: Disclosure] = [:]
        for field in event.personalFields {
            let name = Disclosure.key(of: field)
            guard let member = event.data[field] else { continue }
            if case .string(let value) = member {
                guard event.disclosures[name] == nil else {
                    throw Self.invalid(event, "\(name) is given in clear and disclosed: give one of the two")
                }
                let salt = try Self.salt(
                    key: try subjectKey(for: event, in: transaction), eventID: event.eventID, field: field)
                let disclosure = Disclosure(salt: salt, value: value)
                sealed.data[field] = Disclosure.commitmentMember(disclosure.commitment)
                kept[name] = disclosure
            } else if let commitment = Disclosure.commitment(ofMember: member) {
                guard let disclosure = event.disclosures[name] else { continue }
                guard disclosure.commitment == commitment else {
                    throw Self.invalid(
                        event, "the disclosure of \(name) does not match its commitment \(commitment.hex)")
                }
                kept[name] = disclosure
            } else {
                throw Self.invalid(
                    event,
                    "\(name) is personal data: it must be a string or {\"commitment\": 64 lowercase hex digits}, not \(member.typeName)"
                )
            }
        }
        for name in event.disclosures.keys where kept[name] == nil {
            throw Self.invalid(event, "the disclosure \(name) names no personal field given as a commitment")
        }
        sealed.disclosures = [:]
        guard !kept.isEmpty else { return (sealed, nil) }
        let key = try subjectKey(for: event, in: transaction)
        return (sealed, SealedDisclosures(prefix: event.stream.keyPrefix, key: key, disclosures: kept))
    }

    /// The subject's key: read, or made at its first personal value.
    private mutating func subjectKey(for event: ProposedEvent, in transaction: some StorageTransaction) throws
        -> SymmetricKey
    {
        if let key = keys[event.stream] { return key }
        guard let keyFile else {
            throw EventStoreError(
                .keysMissing,
                "\(event.type) on \(event.stream) holds personal data (\(event.personalFields.map(Disclosure.key(of:)).joined(separator: ", "))): the store needs its key file to seal it (EventStore.Options.keyFile, --key-file); nothing was written",
                stream: event.stream)
        }
        if !generationChecked {
            try SubjectKeys.checkGeneration(of: keyFile, in: transaction)
            generationChecked = true
        }
        let found = try SubjectKeys.find(for: event.stream, keyFile: keyFile, in: transaction)
        if found == nil, let importing {
            try ImportJournal.noteNewSubjectKey(of: event.stream, for: importing, in: transaction)
        }
        let key = try found ?? SubjectKeys.create(for: event.stream, keyFile: keyFile, in: transaction)
        keys[event.stream] = key
        return key
    }

    /// `event` with each clear personal value replaced by its commitment under `key`
    /// (what ``seal(_:in:)`` records), without touching the store.
    static func committed(_ event: ProposedEvent, key: SymmetricKey) throws -> ProposedEvent {
        var committed = event
        for field in event.personalFields {
            guard case .string(let value) = event.data[field] else { continue }
            let salt = try salt(key: key, eventID: event.eventID, field: field)
            committed.data[field] = Disclosure.commitmentMember(Disclosure(salt: salt, value: value).commitment)
        }
        return committed
    }

    static func salt(key: SymmetricKey, eventID: EventID, field: String) throws -> [UInt8] {
        var message = eventID.bytes
        message.append(contentsOf: field.utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    private static func invalid(_ event: ProposedEvent, _ problem: String) -> EventStoreError {
        EventStoreError(
            .invalidEvent, "\(event.type) on \(event.stream): \(problem); nothing was written", stream: event.stream)
    }
}

/// The disclosures of one event, to be sealed under its subject's key at its position.
struct SealedDisclosures {
    let prefix: [UInt8]
    let key: SymmetricKey
    let disclosures: [String: Disclosure]

    /// The key and sealed value of the `disclosures` entry: sealed under stream prefix ‖
    /// position (both authenticated: a blob moved to another event does not open), stored
    /// by the append or, for an import, in its runs (issue 13).
    func entry(at position: UInt64) throws -> (key: [UInt8], value: [UInt8]) {
        let place = StoreKeys.streamVersion(prefix, position)
        let box = try AES.GCM.seal(Self.encode(disclosures), using: key, authenticating: place)
        guard let combined = box.combined else {
            throw EventStoreError(.storage, "AES-GCM gave no combined box for disclosures")
        }
        return (place, Array(combined))
    }

    /// The clear bytes: canonical JSON `{"data.name": {"salt": HEX, "value": …}, …}`.
    static func encode(_ disclosures: [String: Disclosure]) -> [UInt8] {
        CanonicalJSON.encode(.object(JSONObject(disclosures.map { ($0.key, $0.value.json) })))
    }

    /// Opens what ``write(at:in:)`` stored; `position` names the event in errors.
    static func open(_ sealed: [UInt8], place: [UInt8], key: SymmetricKey, position: UInt64) throws -> [String:
        Disclosure]
    {
        let clear: [UInt8]
        do {
            clear = Array(try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: key, authenticating: place))
        } catch {
            throw EventStoreError(
                .corrupted, "the sealed disclosures of position \(position) do not open under their subject's key",
                position: position)
        }
        let value = try? clear.withUnsafeBytes { buffer throws(JSONParseError) in try JSONParser.parse(bytes: buffer) }
        guard case .object(let object) = value else {
            throw EventStoreError(
                .corrupted, "the disclosures of position \(position) are not a JSON object", position: position)
        }
        var disclosures: [String: Disclosure] = [:]
        for member in object {
            guard let disclosure = Disclosure(json: member.value) else {
                throw EventStoreError(
                    .corrupted, "the disclosure \(member.key) of position \(position) is not {salt, value}",
                    position: position)
            }
            disclosures[member.key] = disclosure
        }
        return disclosures
    }
}
