/// A JSON value as the interchange format allows it: every number is a whole number that
/// fits in 64 bits (amounts are whole rials), so there is no floating point anywhere.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The object's members, or `nil` when this is not an object.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The string, or `nil` when this is not a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The integer, or `nil` when this is not a number.
    public var integerValue: Int64? {
        if case .integer(let integer) = self { return integer }
        return nil
    }

    /// The name of this value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object whose members are kept in canonical order: by the Unicode code points of
/// their keys, which is the byte order of their UTF-8 (what `json.dumps(sort_keys=True)`
/// prints). Keys are unique.
public struct JSONObject: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One key and its value.
    public struct Member: Hashable, Sendable {
        /// The member's name; unique in its object.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// A member named `key` holding `value`.
        /// - Parameters:
        ///   - key: The member's name.
        ///   - value: The member's value.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in canonical key order.
    public private(set) var members: [Member]

    /// An empty object.
    public init() {
        members = []
    }

    /// An object of these members; a repeated key keeps its last value.
    /// - Parameter pairs: Keys and values, in any order; they are put in canonical order.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        members = []
        for (key, value) in pairs { self[key] = value }
    }

    /// An object written as a literal; a repeated key keeps its last value.
    /// - Parameter elements: Keys and values, in any order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// Members already in canonical order with unique keys (the decoders' fast path).
    init(canonicallyOrdered members: [Member]) {
        self.members = members
    }

    /// Appends a member whose key sorts after every key already here (the caller checked).
    mutating func appendInOrder(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// The number of members.
    public var count: Int { members.count }
    /// Whether the object has no member.
    public var isEmpty: Bool { members.isEmpty }

    /// The members in canonical order (by the code points of their keys).
    /// - Returns: An iterator over ``members``.
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// The value of `key`, or `nil`; setting `nil` removes the member.
    /// A binary search of the sorted members: O(log n) to read; a write inserts in place, O(n).
    /// - Parameter key: The member's name.
    /// - Returns: The member's value, or `nil` when there is no member `key`.
    public subscript(key: String) -> JSONValue? {
        get {
            switch search(key) {
            case .found(let index): members[index].value
            case .insertAt: nil
            }
        }
        set {
            switch (search(key), newValue) {
            case (.found(let index), .some(let value)): members[index].value = value
            case (.found(let index), .none): members.remove(at: index)
            case (.insertAt(let index), .some(let value)): members.insert(Member(key: key, value: value), at: index)
            case (.insertAt, .none): break
            }
        }
    }

    /// The index in ``members`` of the member `key`, or `nil`.
    /// - Parameter key: The member's name.
    /// - Returns: The position of the member in ``members``, or `nil` when there is none (a binary search).
    public func memberIndex(_ key: String) -> Int? {
        switch search(key) {
        case .found(let index): index
        case .insertAt: nil
        }
    }

    private enum SearchResult { case found(Int), insertAt(Int) }

    private func search(_ key: String) -> SearchResult {
        var low = 0
        var high = members.count
        while low < high {
            let middle = (low + high) / 2
            let order = JSONObject.compareKeys(members[middle].key, key)
            if order == 0 { return .found(middle) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return .insertAt(low)
    }

    /// Compares two keys by the bytes of their UTF-8: the order of their code points.
    static func compareKeys(_ lhs: String, _ rhs: String) -> Int {
        var left = lhs
        var right = rhs
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in
                compareKeyBytes(UnsafeRawBufferPointer(leftBytes), UnsafeRawBufferPointer(rightBytes))
            }
        }
    }

    /// Compares two keys given as their UTF-8 bytes: negative, zero or positive.
    static func compareKeyBytes(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        let common = Swift.min(left.count, right.count)
        var index = 0
        while index < common {
            let a = left[index], b = right[index]
            if a != b { return a < b ? -1 : 1 }
            index += 1
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral
{
    /// A ``string(_:)`` written as a literal.
    /// - Parameter value: The text.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An ``integer(_:)`` written as a literal.
    /// - Parameter value: The whole number.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// A ``bool(_:)`` written as a literal.
    /// - Parameter value: `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An ``array(_:)`` written as a literal.
    /// - Parameter elements: The elements, in order.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
