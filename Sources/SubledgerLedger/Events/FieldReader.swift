import SubledgerStore

/// Reads typed fields from a JSON object, naming the field in every refusal.
struct FieldReader {
    let object: JSONObject
    let path: String
    /// The members read so far, by their index in the object, for an object of at most 64
    /// members (every event's); ``seen`` for a larger one.
    private var seenMembers: UInt64 = 0
    /// The keys read so far, for an object of more than 64 members.
    private var seen: Set<String> = []

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func failure(_ key: String, _ reason: String) -> FactError { FactError(field: name(key), reason: reason) }

    /// Notes `key` as read (only a present key matters to ``checkNoOtherFields()``).
    private mutating func markSeen(_ key: String, at index: Int?) {
        if object.count <= 64 {
            if let index { seenMembers |= 1 << UInt64(index) }
        } else {
            seen.insert(key)
        }
    }

    mutating func value(_ key: String) throws(FactError) -> JSONValue {
        let index = object.memberIndex(key)
        markSeen(key, at: index)
        guard let index else { throw failure(key, "missing") }
        return object.members[index].value
    }

    mutating func string(_ key: String, maximumBytes: Int = FactLimits.textMaximumBytes) throws(FactError) -> String {
        let value = try value(key)
        guard case .string(let string) = value else { throw failure(key, "must be a string, not \(value.typeName)") }
        try FactCheck.text(string, field: name(key), maximumBytes: maximumBytes)
        return string
    }

    mutating func identifier(_ key: String) throws(FactError) -> String {
        let text = try string(key, maximumBytes: FactLimits.identifierMaximumBytes)
        try FactCheck.identifier(text, field: name(key))
        return text
    }

    mutating func optionalIdentifier(_ key: String) throws(FactError) -> String? {
        try optional(key) { reader throws(FactError) in try reader.identifier(key) }
    }

    /// An optional short code (a region): absent or `null` is `nil`; otherwise a non-empty
    /// string of at most ``FactLimits/codeMaximumBytes`` bytes.
    mutating func optionalCode(_ key: String) throws(FactError) -> String? {
        try optional(key) { reader throws(FactError) in
            let text = try reader.string(key, maximumBytes: FactLimits.codeMaximumBytes)
            try FactCheck.code(text, field: reader.name(key))
            return text
        }
    }

    /// Free text that may be absent (`null` is absent), never empty when present.
    mutating func optionalText(_ key: String) throws(FactError) -> String? {
        try optional(key) { reader throws(FactError) in
            let text = try reader.string(key)
            try FactCheck.nonEmptyText(text, field: reader.name(key))
            return text
        }
    }

    /// `read(self)` when `key` is present and not `null`; otherwise `nil`, the key marked seen.
    private mutating func optional<Value>(
        _ key: String,
        _ read: (inout FieldReader) throws(FactError) -> Value
    ) throws(FactError) -> Value? {
        guard let value = object[key], value != .null else {
            markSeen(key, at: object.memberIndex(key))
            return nil
        }
        return try read(&self)
    }

    mutating func bool(_ key: String) throws(FactError) -> Bool {
        let value = try value(key)
        guard case .bool(let flag) = value else { throw failure(key, "must be true or false, not \(value.typeName)") }
        return flag
    }

    /// A whole number of rials within ``FactLimits/amountMaximumRials``; `positive` refuses
    /// zero where zero means nothing happened.
    mutating func amount(_ key: String, positive: Bool) throws(FactError) -> Rials {
        let value = try value(key)
        guard case .integer(let amount) = value else {
            throw failure(key, "must be a whole number of rials, not \(value.typeName)")
        }
        try FactCheck.amount(amount, field: name(key), positive: positive)
        return amount
    }

    mutating func time(_ key: String) throws(FactError) -> Timestamp {
        let text = try string(key, maximumBytes: FactLimits.codeMaximumBytes)
        do { return try Timestamp(rfc3339: text) } catch { throw failure(key, error.description) }
    }

    mutating func optionalTime(_ key: String) throws(FactError) -> Timestamp? {
        guard let value = object[key], value != .null else {
            markSeen(key, at: object.memberIndex(key))
            return nil
        }
        return try time(key)
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(FactError) -> T
    where T.RawValue == String {
        let text = try string(key, maximumBytes: FactLimits.codeMaximumBytes)
        guard let choice = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: "|")
            throw failure(key, "\"\(text)\" is not one of \(allowed)")
        }
        return choice
    }

    /// An optional member that is one of `type`'s cases (absent or `null`: `nil`).
    mutating func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(FactError)
        -> T?
    where T.RawValue == String {
        guard let value = object[key], value != .null else {
            markSeen(key, at: object.memberIndex(key))
            return nil
        }
        return try choice(key, type)
    }

    /// An optional position in the log (a whole number, at least 1; absent or `null`: `nil`).
    mutating func optionalPosition(_ key: String) throws(FactError) -> UInt64? {
        guard let value = object[key], value != .null else {
            markSeen(key, at: object.memberIndex(key))
            return nil
        }
        let read = try self.value(key)
        guard case .integer(let number) = read else {
            throw failure(key, "must be a position (a whole number), not \(read.typeName)")
        }
        guard number >= 1 else { throw failure(key, "must be a position of the log (1 or more), not \(number)") }
        return UInt64(number)
    }

    mutating func array(_ key: String, maximumCount: Int = FactLimits.itemsMaximumCount) throws(FactError)
        -> [JSONValue]
    {
        let value = try value(key)
        guard case .array(let elements) = value else { throw failure(key, "must be an array, not \(value.typeName)") }
        try FactCheck.count(elements.count, field: name(key), maximum: maximumCount)
        return elements
    }

    /// Refuses fields the type does not have (a misspelt field is not silently dropped).
    func checkNoOtherFields() throws(FactError) {
        if object.count <= 64 {
            let all: UInt64 = object.count == 64 ? ~0 : (1 << UInt64(object.count)) - 1
            guard seenMembers != all else { return }
            for (index, member) in object.members.enumerated() where seenMembers & (1 << UInt64(index)) == 0 {
                throw failure(member.key, "is not a field of this event type")
            }
            return
        }
        for member in object where !seen.contains(member.key) {
            throw failure(member.key, "is not a field of this event type")
        }
    }
}
