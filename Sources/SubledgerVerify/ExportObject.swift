import SubledgerStore

/// The object on one line of an export, read strictly (the common case) or as Python
/// reads what the strict parser refuses.
enum ExportObject {
    /// A line in canonical form, read where it lies (valid only while its bytes are).
    case canonical(CanonicalLine)
    case strict(JSONObject)
    case lenient([LenientMember])

    /// A top-level field, as found.
    enum Field {
        case missing
        /// A string, and whether it holds an unpaired surrogate.
        case string(String, hasUnpairedSurrogate: Bool)
        /// Another type of value.
        case other
    }

    /// The top-level field `key`.
    func field(_ key: String) -> Field {
        switch self {
        case .canonical(let line):
            guard let known = line.knownMember(key) else { return Self.strict(line).field(key) }
            guard let member = known else { return .missing }
            switch member.kind {
            case .plainString:
                return .string(line.plainText(of: member), hasUnpairedSurrogate: false)
            case .escapedString:
                // Canonical escapes stand for control characters only: no surrogate.
                guard case .string(let text)? = try? JSONParser.parse(bytes: line.value(of: member)) else {
                    return .other
                }
                return .string(text, hasUnpairedSurrogate: false)
            case .integer, .other:
                return .other
            }
        case .strict(let object):
            guard let value = object[key] else { return .missing }
            guard case .string(let text) = value else { return .other }
            return .string(text, hasUnpairedSurrogate: false)
        case .lenient(let members):
            guard let value = Self.member(key, of: members) else { return .missing }
            guard case .string(let string) = value else { return .other }
            return .string(string.text, hasUnpairedSurrogate: string.hasUnpairedSurrogate)
        }
    }

    /// The `position`: a positive integer (Python's `int` from 1, not a `bool`), else `nil`.
    var position: ExportPosition? { positiveInteger("position") }

    /// The `streamVersion`: a positive integer (any size, as Python reads it), else `nil`.
    var streamVersion: ExportPosition? { positiveInteger("streamVersion") }

    /// The top-level member `key` (`position` or `streamVersion`) when a positive integer.
    private func positiveInteger(_ key: String) -> ExportPosition? {
        switch self {
        case .canonical(let line):
            let member = key == "position" ? line.position : line.streamVersion
            return member.flatMap(line.positiveInteger).map(ExportPosition.init)
        case .strict(let object):
            guard case .integer(let integer)? = object[key], integer >= 1 else { return nil }
            return ExportPosition(UInt64(integer))
        case .lenient(let members):
            return Self.member(key, of: members)?.positiveInteger
        }
    }

    /// The top-level member `key` written as Python's `str` of an `int` (not a `bool`), when
    /// it is an integer: a CSV export's amount column says the same (``CSVExportVerifier``).
    func integerText(_ key: String) -> String? {
        switch self {
        case .canonical(let line):
            return Self.strict(line).integerText(key)
        case .strict(let object):
            guard case .integer(let integer)? = object[key] else { return nil }
            return String(integer)
        case .lenient(let members):
            guard case .integer(let digits)? = Self.member(key, of: members) else { return nil }
            return digits == "-0" ? "0" : digits
        }
    }

    /// The top-level members that are not among ``StreamVersions/commonFields``: the one
    /// that names the event's stream, if the event is well formed. Each is its key and its
    /// value when a string (`nil` for another type), in the order written.
    func streamFields() -> [(key: String, value: String?)] {
        switch self {
        case .canonical(let line):
            guard line.layout.otherMemberCount == 1, let member = line.layout.otherMember else {
                return Self.strict(line).streamFields()
            }
            switch member.kind {
            case .plainString: return [(line.key(of: member), line.plainText(of: member))]
            case .escapedString: return Self.strict(line).streamFields()
            case .integer, .other: return [(line.key(of: member), nil)]
            }
        case .strict(let object):
            return object.members.filter { !StreamVersions.commonFields.contains($0.key) }.map { member in
                guard case .string(let text) = member.value else { return (member.key, nil) }
                return (member.key, text)
            }
        case .lenient(let members):
            return members.map { (key: $0.key.text, value: $0.value) }.filter {
                !StreamVersions.commonFields.contains($0.key)
            }.map { member in
                guard case .string(let string) = member.value else { return (member.key, nil) }
                return (member.key, string.text)
            }
        }
    }

    /// The canonical JSON of the object without `hash` and `prevHash` (what is hashed), or
    /// `nil` when a string holds an unpaired surrogate (it has no UTF-8 form).
    func hashedBytes() -> [UInt8]? {
        switch self {
        case .canonical(let line):
            return Self.strict(line).hashedBytes()
        case .strict(let object):
            var body = object
            body["hash"] = nil
            body["prevHash"] = nil
            return CanonicalJSON.encode(.object(body))
        case .lenient(let members):
            var bytes: [UInt8] = []
            let hashFields = [LenientString("hash"), LenientString("prevHash")]
            let body = members.filter { !hashFields.contains($0.key) }
            return LenientJSONValue.writeCanonical(members: body, into: &bytes) ? bytes : nil
        }
    }

    /// What the event's own hash check found (Python's step 3).
    enum HashCheck {
        case matches, mismatch
        /// A string holds an unpaired surrogate: the object has no UTF-8 form to hash.
        case unpairedSurrogate
    }

    /// Whether `storedHash` is SHA-256 of the 32 bytes `previousHash` spells followed by the
    /// canonical JSON of the object without `hash` and `prevHash` (both already checked to
    /// be 64 lowercase hex digits).
    ///
    /// A line in the store's exact shape is hashed the store's way
    /// (``EventJSON/recordedEvent(from:)``, ``EventJSON/computeHash(of:)``); any other object
    /// (hand-edited: other fields, other time formats, huge integers) as it is, as the
    /// Python verifier does.
    func checkHash(stored storedHash: String, previous previousHash: String) -> HashCheck {
        if case .canonical(let line) = self { return line.hashMatches() ? .matches : .mismatch }
        if case .strict(let object) = self, let recorded = Self.inStoreShape(object) {
            return EventJSON.computeHash(of: recorded) == recorded.hash ? .matches : .mismatch
        }
        guard let hashed = hashedBytes() else { return .unpairedSurrogate }
        return ChainHash.sha256(of: LowercaseHex.bytes(of: previousHash) + hashed).hex == storedHash
            ? .matches : .mismatch
    }

    /// The recorded event of `object` when the store would write exactly this object: then
    /// its canonical JSON is ``EventJSON/write(_:includeHashes:into:)``'s. That is so when
    /// it has the twelve fields of an exported event (one of them its stream's; eleven in
    /// format 1, without `streamPrevHash`), and its times and event id are written as the
    /// store writes them.
    private static func inStoreShape(_ object: JSONObject) -> RecordedEvent? {
        guard object.count == (object["streamPrevHash"] == nil ? 11 : 12), object["metadata"] != nil,
            let recorded = try? EventJSON.recordedEvent(from: object),
            object["eventId"] == .string(recorded.eventID.description),
            object["occurredAt"] == .string(recorded.occurredAt.rfc3339),
            object["recordedAt"] == .string(recorded.recordedAt.rfc3339)
        else { return nil }
        return recorded
    }

    /// Whether the object has a top-level `disclosures` member (export --disclose).
    var hasDisclosures: Bool {
        switch self {
        case .canonical(let line): line.layout.disclosures != nil
        case .strict(let object): object["disclosures"] != nil
        case .lenient(let members): Self.member("disclosures", of: members) != nil
        }
    }

    /// The object without its `disclosures`, as Python pops them before hashing: personal
    /// data in clear is never hashed (the commitments are).
    func withoutDisclosures() -> ExportObject {
        switch self {
        case .canonical(let line):
            return Self.strict(line).withoutDisclosures()
        case .strict(var object):
            object["disclosures"] = nil
            return .strict(object)
        case .lenient(let members):
            let disclosures = LenientString("disclosures")
            return .lenient(members.filter { $0.key != disclosures })
        }
    }

    /// A canonical line read by the strict parser, which reads every canonical line the same.
    private static func strict(_ line: CanonicalLine) -> ExportObject {
        guard case .object(let object)? = try? JSONParser.parse(bytes: line.bytes) else {
            preconditionFailure("a canonical line is a JSON object the strict parser reads")
        }
        return .strict(object)
    }

    private static func member(_ key: String, of members: [LenientMember]) -> LenientJSONValue? {
        let wanted = LenientString(key)
        return members.first { $0.key == wanted }?.value
    }
}
