internal import Crypto

/// One personal value in clear with the salt of its commitment (RET-1): what
/// `export --disclose` prints under `disclosures`, and what anyone checks against the
/// event's `{"commitment": HEX}` with ``commitment``.
public struct Disclosure: Hashable, Sendable {
    /// The 32 pseudorandom bytes hashed before the value.
    public var salt: [UInt8]
    /// The value in clear.
    public var value: String

    /// The length of every salt.
    public static let saltBytes = 32

    /// The value `value` with the salt of its commitment.
    /// - Parameters:
    ///   - salt: The ``saltBytes`` bytes of the salt.
    ///   - value: The value in clear.
    public init(salt: [UInt8], value: String) {
        self.salt = salt
        self.value = value
    }

    /// SHA-256 over the salt followed by the value's UTF-8 bytes: the event's commitment.
    public var commitment: ChainHash {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(value.utf8))
        return hasher.finalize().withUnsafeBytes { ChainHash(bytes: $0) }
    }

    /// The key of a personal member `field` of `data` in an event's disclosures: `data.name`.
    /// - Parameter field: The member's name in `data`.
    /// - Returns: `data.` followed by `field`.
    public static func key(of field: String) -> String { "data." + field }

    /// The JSON an export writes: `{"salt": HEX, "value": …}`.
    public var json: JSONValue {
        // A salt is 32 bytes, as a hash is: it is written as one.
        .object(["salt": .string(ChainHash(bytes: salt).hex), "value": .string(value)])
    }

    /// Reads `{"salt": HEX, "value": …}`; `nil` when it is not one (the caller names where).
    /// - Parameter json: A disclosure as an export writes it (exactly `salt` and `value`).
    public init?(json: JSONValue) {
        guard case .object(let object) = json, object.count == 2, let hex = object["salt"]?.stringValue,
            let value = object["value"]?.stringValue, let salt = ChainHash(hex: hex)?.bytes
        else { return nil }
        self.init(salt: salt, value: value)
    }

    /// The member `{"commitment": HEX}` that stands for a personal value in an event's data.
    /// - Parameter commitment: The commitment of a value (``Disclosure/commitment``).
    /// - Returns: A JSON object with the one member `commitment`, in lowercase hex.
    public static func commitmentMember(_ commitment: ChainHash) -> JSONValue {
        .object(["commitment": .string(commitment.hex)])
    }

    /// The commitment of a member `{"commitment": HEX}` (exactly that one member, 64
    /// lowercase hex digits); `nil` for anything else.
    /// - Parameter value: A member of an event's `data`.
    /// - Returns: The commitment it holds, or `nil` when it is not a commitment member.
    public static func commitment(ofMember value: JSONValue) -> ChainHash? {
        guard case .object(let object) = value, object.count == 1, let hex = object["commitment"]?.stringValue else {
            return nil
        }
        return ChainHash(hex: hex)
    }
}
