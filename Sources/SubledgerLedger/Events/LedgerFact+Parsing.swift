public import SubledgerStore

extension LedgerFact {
    /// The input fields of interchange.md; output-only fields are refused on input.
    static let inputFields: Set<String> = [
        "type", "line", "subscriber", "policy", "occurredAt", "data", "metadata", "recordedAt", "eventId",
        "disclosures",
    ]

    /// Reads one input object of interchange.md ("Events as JSON Lines"), refusing what
    /// cannot be a fact with the field and the reason.
    /// - Parameter object: one line of input, parsed.
    /// - Throws: ``FactError`` naming the field and the reason: an unknown type, a stream member
    ///   missing or of the wrong kind for the type, a bad time, `data`, `metadata`, `eventId` or `disclosures`, an
    ///   output-only field.
    public init(input object: JSONObject) throws(FactError) {
        var reader = FieldReader(object, path: "")
        let typeName = try reader.string("type", maximumBytes: 100)
        guard let type = EventType(rawValue: typeName) else {
            throw FactError(field: "type", reason: "\"\(typeName)\" is not an event type of the catalog")
        }
        let stream = try Self.stream(of: type, &reader)
        let occurredAt = try reader.time("occurredAt")
        guard case .object(let data)? = object["data"] else {
            throw FactError(field: "data", reason: object["data"] == nil ? "missing" : "must be an object")
        }
        let event = try LedgerEvent(type: type, data: data)
        var metadata: [String: String] = [:]
        if let value = object["metadata"] {
            guard case .object(let members) = value else {
                throw FactError(field: "metadata", reason: "must be an object")
            }
            for member in members {
                guard case .string(let text) = member.value else {
                    throw FactError(
                        field: "metadata.\(member.key)",
                        reason: "must be a string of at most \(FactLimits.textMaximumBytes) bytes")
                }
                try FactCheck.metadataValue(text, key: member.key)
                metadata[member.key] = text
            }
        }
        var eventID: EventID?
        if object["eventId"] != nil {
            let text = try reader.string("eventId", maximumBytes: FactLimits.codeMaximumBytes)
            guard let id = EventID(text) else { throw FactError(field: "eventId", reason: "\"\(text)\" is not a UUID") }
            eventID = id
        }
        let recordedAt = try reader.optionalTime("recordedAt")
        for member in object
        where !Self.inputFields.contains(member.key) && !Self.storeAssignedFields.contains(member.key) {
            throw Self.notAnInputField(member.key)
        }
        self.init(
            stream: stream, occurredAt: occurredAt, event: event, metadata: metadata, eventID: eventID,
            recordedAt: recordedAt,
            assigned: try Self.assignedFields(of: object))
        disclosures = try Self.disclosures(object["disclosures"], of: event)
    }

    /// The `disclosures` of an export made with `--disclose` (RET-1): each names a personal
    /// member given as a commitment, which the store checks it against. Never printed.
    static func disclosures(_ value: JSONValue?, of event: LedgerEvent) throws(FactError) -> [String: Disclosure] {
        guard let value else { return [:] }
        guard case .object(let members) = value else {
            throw FactError(field: "disclosures", reason: "must be an object")
        }
        var disclosures: [String: Disclosure] = [:]
        for member in members {
            let field = "disclosures.\(member.key)"
            guard event.personalFields.contains(where: { Disclosure.key(of: $0) == member.key }) else {
                throw FactError(
                    field: field,
                    reason:
                        "names no personal field of \(event.type.rawValue) (\(event.personalFields.map(Disclosure.key(of:)).joined(separator: ", ")))"
                )
            }
            guard let disclosure = Disclosure(json: member.value) else {
                throw FactError(
                    field: field, reason: "must be {\"salt\": 64 lowercase hex digits, \"value\": a string}")
            }
            try FactCheck.text(disclosure.value, field: field + ".value")
            disclosures[member.key] = disclosure
        }
        return disclosures
    }

    /// The fields the store assigns to every event it records: `import` takes them from an
    /// export's line and checks them (``assignedFields(of:)``), `apply` refuses them.
    static let storeAssignedFields: Set<String> = ["position", "streamVersion", "prevHash", "hash", "streamPrevHash"]

    /// The refusal of a member that is not an input field: a field the store assigns says so.
    static func notAnInputField(_ key: String) -> FactError {
        guard storeAssignedFields.contains(key) else {
            return FactError(field: key, reason: "is not a field of the input format (interchange.md)")
        }
        return FactError(
            field: key,
            reason:
                "is not an input field: the store assigns it (position, streamVersion, prevHash, hash, streamPrevHash)")
    }

    private static func stream(of type: EventType, _ reader: inout FieldReader) throws(FactError) -> LedgerStream {
        let hasLine = reader.object["line"] != nil
        let hasSubscriber = reader.object["subscriber"] != nil
        let hasPolicy = reader.object["policy"] != nil
        if type.isPolicyEvent {
            guard !hasLine, !hasSubscriber else {
                throw FactError(
                    field: hasLine ? "line" : "subscriber",
                    reason: "\(type.rawValue) belongs to the policy stream (\"policy\": \"\(LedgerStream.policyName)\")"
                )
            }
            let name = try reader.identifier("policy")
            try FactCheck.policyName(name, field: "policy")
            return .policy(name)
        }
        guard !hasPolicy else {
            throw FactError(
                field: "policy",
                reason:
                    "\(type.rawValue) belongs to a \(type.isSubscriberEvent ? "subscriber" : "line") stream, not the policy's"
            )
        }
        if type.isSubscriberEvent {
            guard !hasLine else { throw FactCheck.wrongStream(type) }
            return .subscriber(try reader.identifier("subscriber"))
        }
        guard !hasSubscriber else { throw FactCheck.wrongStream(type) }
        let number = try reader.identifier("line")
        try FactCheck.lineNumber(number, field: "line")
        return .line(number)
    }
}
