/// Why a JSON object is not an exported event: the field and what is wrong with it.
public struct ExportedEventError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault, such as `position` or `data`.
    public var field: String
    /// What is wrong with it, such as `missing`.
    public var reason: String

    /// The field and the reason, as a message names them.
    public var description: String { "field \(field): \(reason)" }
}

extension EventJSON {
    /// The fields every exported event has; the one other string field names its stream
    /// (``StreamID/reservedCategories``).
    static let exportedFields: Set<String> = [
        "type", "occurredAt", "data", "metadata", "position", "streamVersion", "recordedAt", "eventId", "prevHash",
        "hash",
        "streamPrevHash",
    ]

    /// Reads an exported event (the output form of interchange.md) back into a
    /// ``RecordedEvent``, without checking its hash: compare ``computeHash(of:)`` with its
    /// `hash` for that. A line without `streamPrevHash` reads as an event of format 1.
    /// - Parameter object: One exported event, parsed.
    /// - Returns: The event as it reads, hashes as given.
    /// - Throws: ``ExportedEventError`` naming the first field that is missing or of the wrong type or form.
    public static func recordedEvent(from object: JSONObject) throws(ExportedEventError) -> RecordedEvent {
        func string(_ field: String) throws(ExportedEventError) -> String {
            guard let value = object[field] else { throw ExportedEventError(field: field, reason: "missing") }
            guard case .string(let string) = value else {
                throw ExportedEventError(field: field, reason: "must be a string, not \(value.typeName)")
            }
            return string
        }
        func count(_ field: String) throws(ExportedEventError) -> UInt64 {
            guard let value = object[field] else { throw ExportedEventError(field: field, reason: "missing") }
            guard case .integer(let integer) = value, integer >= 1 else {
                throw ExportedEventError(field: field, reason: "must be a whole number from 1")
            }
            return UInt64(integer)
        }
        func time(_ field: String) throws(ExportedEventError) -> Timestamp {
            let text = try string(field)
            do { return try Timestamp(rfc3339: text) } catch {
                throw ExportedEventError(field: field, reason: error.description)
            }
        }
        func hash(_ field: String) throws(ExportedEventError) -> ChainHash {
            guard let hash = ChainHash(hex: try string(field)) else {
                throw ExportedEventError(field: field, reason: "must be 64 lowercase hex digits")
            }
            return hash
        }
        let stream = try streamMember(of: object)
        guard case .object(let data)? = object["data"] else {
            throw ExportedEventError(field: "data", reason: "must be an object")
        }
        var metadata: [String: String] = [:]
        if let value = object["metadata"] {
            guard case .object(let members) = value else {
                throw ExportedEventError(field: "metadata", reason: "must be an object")
            }
            for member in members {
                guard case .string(let text) = member.value else {
                    throw ExportedEventError(field: "metadata.\(member.key)", reason: "must be a string")
                }
                metadata[member.key] = text
            }
        }
        guard let eventID = EventID(try string("eventId")) else {
            throw ExportedEventError(field: "eventId", reason: "must be a UUID")
        }
        return RecordedEvent(
            position: try count("position"), streamVersion: try count("streamVersion"),
            recordedAt: try time("recordedAt"),
            eventID: eventID, type: try string("type"), stream: stream,
            occurredAt: try time("occurredAt"), data: data, metadata: metadata,
            previousHash: try hash("prevHash"), hash: try hash("hash"),
            streamPreviousHash: object["streamPrevHash"] == nil ? nil : try hash("streamPrevHash")
        )
    }

    /// The stream of an exported event: its one member that is not one of
    /// ``exportedFields``, whose name is the category and whose string value the id. The
    /// error names that member (the store knows no category by name: issue 12, item 3), or
    /// `stream` when there is none.
    private static func streamMember(of object: JSONObject) throws(ExportedEventError) -> StreamID {
        let streamFields = object.members.filter { !exportedFields.contains($0.key) }
        guard let member = streamFields.first else {
            throw ExportedEventError(
                field: "stream", reason: "missing: one member besides the event's fields must name its stream")
        }
        guard streamFields.count == 1 else {
            let names = streamFields.map(\.key).joined(separator: ", ")
            throw ExportedEventError(
                field: member.key,
                reason: "exactly one member may name the stream, not \(streamFields.count) (\(names))")
        }
        guard case .string(let id) = member.value else {
            throw ExportedEventError(
                field: member.key, reason: "the stream's id must be a string, not \(member.value.typeName)")
        }
        return StreamID(category: member.key, id: id)
    }
}
