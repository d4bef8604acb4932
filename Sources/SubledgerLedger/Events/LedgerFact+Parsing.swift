public import SubledgerStore

extension LedgerFact {
    /// The input fields of interchange.md; output-only fields are refused on input.
    static let inputFields: Set<String> = ["type", "line", "subscriber", "occurredAt", "data", "metadata", "recordedAt", "eventId"]

    /// Reads one input object of interchange.md ("Events as JSON Lines"), refusing what
    /// cannot be a fact with the field and the reason.
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
            guard case .object(let members) = value else { throw FactError(field: "metadata", reason: "must be an object") }
            for member in members {
                guard case .string(let text) = member.value, text.utf8.count <= 1000 else {
                    throw FactError(field: "metadata.\(member.key)", reason: "must be a string of at most 1000 bytes")
                }
                metadata[member.key] = text
            }
        }
        var eventID: EventID?
        if object["eventId"] != nil {
            let text = try reader.string("eventId", maximumBytes: 64)
            guard let id = EventID(text) else { throw FactError(field: "eventId", reason: "\"\(text)\" is not a UUID") }
            eventID = id
        }
        let recordedAt = try reader.optionalTime("recordedAt")
        for member in object where !Self.inputFields.contains(member.key) {
            throw FactError(field: member.key, reason: "is not an input field (the store assigns position, streamVersion, prevHash and hash)")
        }
        self.init(stream: stream, occurredAt: occurredAt, event: event, metadata: metadata, eventID: eventID, recordedAt: recordedAt)
    }

    private static func stream(of type: EventType, _ reader: inout FieldReader) throws(FactError) -> LedgerStream {
        let hasLine = reader.object["line"] != nil
        let hasSubscriber = reader.object["subscriber"] != nil
        if type.isSubscriberEvent {
            guard !hasLine else { throw FactError(field: "line", reason: "\(type.rawValue) belongs to a subscriber stream, not a line") }
            return .subscriber(try reader.identifier("subscriber"))
        }
        guard !hasSubscriber else { throw FactError(field: "subscriber", reason: "\(type.rawValue) belongs to a line stream") }
        let number = try reader.identifier("line")
        guard LedgerStream.isE164(number) else {
            throw FactError(field: "line", reason: "\"\(number)\" is not an E.164 number (+ then 7 to 15 digits)")
        }
        return .line(number)
    }
}
