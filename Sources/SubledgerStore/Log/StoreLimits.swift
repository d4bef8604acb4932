/// Every bound the store puts on an event, in one place: the append path refuses an event
/// beyond any of them (``EventStoreError/Code/invalidEvent``, naming the field and the
/// bound, writing nothing), and the read path (the record decoder, the JSON parser)
/// checks the same constants, so that whatever the store accepts, it can read back,
/// verify and export, and its export can be read again.
///
/// The relations between them are asserted below (``relationsHold``) and by a test.
public enum StoreLimits {
    /// The deepest nesting of arrays and objects in one JSON document the store's parser
    /// reads (an export line, a fact line; the whole line's object is level 1), so that
    /// hostile input cannot exhaust the stack.
    public static let jsonDepth = 64

    /// The deepest nesting within an event's `data`, `data` itself being level 1. An
    /// export line (and a fact line) holds `data` one level below its own object, so
    /// ``jsonDepth`` - 1 levels are what the parser reads back.
    public static let dataDepth = jsonDepth - 1

    /// The longest event type, in UTF-8 bytes (a type is an interned symbol).
    public static let typeBytes = 100

    /// The longest stream id, in UTF-8 bytes: the stream indexes' keys hold it, and
    /// LMDB's keys are at most 511 bytes.
    public static let streamIDBytes = 200

    /// The longest stream category (`line`, `subscriber`), in UTF-8 bytes.
    public static let streamCategoryBytes = 32

    /// The longest key of an object in `data` or in `metadata`, in UTF-8 bytes. Every
    /// distinct key becomes a symbol the store keeps for ever, and in memory.
    public static let keyBytes = 128

    /// The longest string value in `data`, in UTF-8 bytes.
    public static let stringBytes = 1 << 16

    /// The most members of one object in `data`.
    public static let objectMembers = 10_000

    /// The most elements of one array in `data`.
    public static let arrayElements = 10_000

    /// The most members of an event's `metadata`.
    public static let metadataMembers = 32

    /// The longest value in `metadata`, in UTF-8 bytes.
    public static let metadataValueBytes = 4096

    /// The largest stored record of one event (its binary encoding), in bytes.
    public static let recordBytes = 1 << 20

    /// The longest export line of one event (its canonical JSON with `hash` and
    /// `prevHash`, without the newline), in bytes. Keys cost one byte in a record and
    /// up to ``keyBytes`` in JSON, so this bound is not implied by ``recordBytes``. The
    /// CLI reads lines of up to 16 MiB in `import` and 64 MiB in `verify FILE`.
    public static let exportedEventBytes = 4 << 20

    /// What the canonical JSON of an event gains in its export line: the `hash` and
    /// `prevHash` members, each with its comma (`"hash":"<64 hex>",` and
    /// `"prevHash":"<64 hex>",`).
    static let hashMembersBytes = 74 + 78

    /// The export line's size of an event whose hashed bytes (``EventJSON/computeHash(of:)``:
    /// the 32 bytes of `prevHash` and the canonical JSON without the hashes) are `hashedBytes`.
    static func exportedBytes(hashedBytes: Int) -> Int { hashedBytes - 32 + hashMembersBytes }

    /// Whether the bounds are consistent with each other and with the formats that hold
    /// them: checked by a test, and once when the store is first used (a debug assert).
    public static var relationsHold: Bool {
        dataDepth >= 1 && dataDepth < jsonDepth
            && streamIDBytes + streamCategoryBytes + 2 + 16 <= 511  // a stream-time index key
            && stringBytes <= recordBytes && metadataValueBytes <= recordBytes
            && metadataMembers * (keyBytes + metadataValueBytes) <= recordBytes
            && recordBytes <= exportedEventBytes && exportedEventBytes <= 16 << 20
    }

    /// Why `event` cannot be stored, naming the field and the bound; `nil` when it can.
    /// The record and export-line sizes are checked as the event is encoded.
    static func problem(of event: ProposedEvent) -> String? {
        if let problem = event.stream.problem { return problem }
        if event.type.isEmpty || event.type.utf8.count > typeBytes {
            return "the type is empty or longer than \(typeBytes) bytes (StoreLimits.typeBytes)"
        }
        if event.occurredAt < .minimum || event.occurredAt > .maximum { return "occurredAt is out of range (years 0001 to 9999)" }
        if let recordedAt = event.recordedAt, recordedAt < .minimum || recordedAt > .maximum {
            return "recordedAt is out of range (years 0001 to 9999)"
        }
        if let problem = metadataProblem(count: event.metadata.count, members: event.metadata) { return problem }
        return dataProblem(.object(event.data), path: "data", depth: 1)
    }

    /// Why `metadata` is beyond the bounds, or `nil`.
    static func metadataProblem(count: Int, members: some Sequence<(key: String, value: String)>) -> String? {
        guard count <= metadataMembers else {
            return "metadata has \(count) members, more than \(metadataMembers) (StoreLimits.metadataMembers)"
        }
        for (key, value) in members {
            if key.utf8.count > keyBytes { return "the key of metadata.\(key.prefix(40))… is longer than \(keyBytes) bytes (StoreLimits.keyBytes)" }
            if value.utf8.count > metadataValueBytes {
                return "metadata.\(key) is longer than \(metadataValueBytes) bytes (StoreLimits.metadataValueBytes)"
            }
        }
        return nil
    }

    /// Why `value` at `path` (nested `depth` levels, `data` being 1) is beyond the bounds,
    /// or `nil`. Stops descending one level past ``dataDepth``, so a value nested deeper
    /// than the stack allows is refused, not walked.
    static func dataProblem(_ value: JSONValue, path: @autoclosure () -> String, depth: Int) -> String? {
        switch value {
        case .null, .bool, .integer:
            return nil
        case .string(let string):
            guard string.utf8.count <= stringBytes else {
                return "\(path()) is a string longer than \(stringBytes) bytes (StoreLimits.stringBytes)"
            }
            return nil
        case .array(let elements):
            guard depth <= dataDepth else { return depthProblem(path()) }
            guard elements.count <= arrayElements else {
                return "\(path()) has \(elements.count) elements, more than \(arrayElements) (StoreLimits.arrayElements)"
            }
            for (index, element) in elements.enumerated() {
                if let problem = dataProblem(element, path: "\(path())[\(index)]", depth: depth + 1) { return problem }
            }
            return nil
        case .object(let object):
            guard depth <= dataDepth else { return depthProblem(path()) }
            guard object.count <= objectMembers else {
                return "\(path()) has \(object.count) members, more than \(objectMembers) (StoreLimits.objectMembers)"
            }
            for member in object.members {
                guard member.key.utf8.count <= keyBytes else {
                    return "a key of \(path()) (\(member.key.prefix(40))…) is longer than \(keyBytes) bytes (StoreLimits.keyBytes)"
                }
                if let problem = dataProblem(member.value, path: "\(path()).\(member.key)", depth: depth + 1) { return problem }
            }
            return nil
        }
    }

    private static func depthProblem(_ path: String) -> String {
        let shown = path.count > 120 ? "…" + path.suffix(80) : path
        return "data is nested deeper than \(dataDepth) levels (StoreLimits.dataDepth) at \(shown): an export could not be read back"
    }
}
