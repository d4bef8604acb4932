public import SubledgerStore

/// A personal value of an event (RET-1): in clear as input gives it, or the commitment
/// the store recorded in its place (`{"commitment": HEX}`, SHA-256 of a salt and the
/// value). The store turns a clear value into a commitment before hashing; the clear
/// value lives on only sealed apart from the log, until it is erased.
public enum PersonalValue: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    case clear(String)
    case committed(ChainHash)

    /// A value in clear, written in code.
    /// - Parameter value: the personal value.
    public init(stringLiteral value: String) { self = .clear(value) }

    /// The member of `data` that carries it: a string, or `{"commitment": HEX}`.
    public var json: JSONValue {
        switch self {
        case .clear(let value): .string(value)
        case .committed(let commitment): Disclosure.commitmentMember(commitment)
        }
    }

    /// The commitment, once recorded; `nil` for a clear value.
    public var commitment: ChainHash? {
        if case .committed(let commitment) = self { return commitment }
        return nil
    }

    /// Never the value itself: a personal value is not printed, logged or put in an error.
    public var description: String {
        switch self {
        case .clear: "(personal data, in clear)"
        case .committed(let commitment): "(personal data, commitment \(commitment.hex))"
        }
    }
}

extension FieldReader {
    /// A personal member: a string (checked as text) or `{"commitment": 64 lowercase hex}`.
    mutating func personal(_ key: String, maximumBytes: Int = FactLimits.textMaximumBytes) throws(FactError)
        -> PersonalValue
    {
        if let member = object[key], let commitment = Disclosure.commitment(ofMember: member) {
            _ = try value(key)
            return .committed(commitment)
        }
        if let member = object[key], case .object = member {
            throw failure(key, "must be a string or {\"commitment\": 64 lowercase hex digits}")
        }
        return .clear(try string(key, maximumBytes: maximumBytes))
    }
}
