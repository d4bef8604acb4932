/// A line's number in E.164 (`+`, then 7 to 15 digits, the first not 0), validated once,
/// here: every E.164 check of the ledger (a fact's `line`, an action's line, the CLI's
/// arguments) is ``init(_:field:)``.
///
/// Input (JSON, a command line, a request) goes through ``init(_:field:)``, which throws the
/// ``FactError`` naming the field. A literal in code (`"+989121234567"`) is checked when it
/// is made: a literal that is not E.164 is a programmer's error and stops the program
/// (`preconditionFailure`), it is never accepted silently. `LineNumber("+98...")` with a
/// literal argument is that literal too (SE-0213), not the throwing initializer.
public struct LineNumber: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The number as the store keeps it: `+989121234567`.
    public let text: String

    /// The line number `text`, checked.
    /// - Parameters:
    ///   - text: the number, in E.164.
    ///   - field: the input's field that holds it, named by the error (`line` by default).
    /// - Throws: ``FactError`` naming `field` when `text` is empty, too long or not E.164.
    public init(_ text: String, field: String = "line") throws(FactError) {
        try FactCheck.identifier(text, field: field)
        guard Self.isE164(text) else {
            throw FactError(field: field, reason: "\"\(text)\" is not an E.164 number (+ then 7 to 15 digits)")
        }
        self.text = text
    }

    /// A number written in code; one that is not E.164 stops the program (a programmer's
    /// error: input goes through ``init(_:field:)``).
    /// - Parameters:
    ///   - value: the literal, in E.164.
    public init(stringLiteral value: String) {
        do { try self.init(value) } catch { preconditionFailure("the literal line number \(error)") }
    }

    /// A number read back from the ledger's own store or stream, which only holds checked ones.
    /// - Parameter text: the number as the store keeps it, checked when it was recorded.
    package init(stored text: String) { self.text = text }

    /// The number itself: `+989121234567`.
    public var description: String { text }

    /// Orders numbers by their text.
    /// - Parameters:
    ///   - lhs: a number.
    ///   - rhs: another number.
    /// - Returns: whether `lhs` comes before `rhs`.
    public static func < (lhs: LineNumber, rhs: LineNumber) -> Bool { lhs.text < rhs.text }

    /// Whether `number` is an E.164 number: `+`, then 7 to 15 digits, the first not 0.
    /// - Parameter number: the text to check.
    /// - Returns: `true` for an E.164 number.
    package static func isE164(_ number: String) -> Bool {
        let bytes = Array(number.utf8)
        guard bytes.count >= 8, bytes.count <= 16, bytes[0] == UInt8(ascii: "+"), bytes[1] != UInt8(ascii: "0") else {
            return false
        }
        return bytes.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// A subscriber's id (`S-1001`), validated once: not empty, within
/// ``FactLimits/identifierMaximumBytes``, no control characters.
///
/// Input goes through ``init(_:field:)``; a literal in code is checked when made and one
/// that cannot be an id stops the program (a programmer's error, never accepted silently).
public struct SubscriberID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The id as the store keeps it.
    public let text: String

    /// The subscriber id `text`, checked.
    /// - Parameters:
    ///   - text: the id.
    ///   - field: the input's field that holds it, named by the error (`subscriber` by default).
    /// - Throws: ``FactError`` naming `field` when `text` is empty, too long or holds control characters.
    public init(_ text: String, field: String = "subscriber") throws(FactError) {
        try FactCheck.identifier(text, field: field)
        self.text = text
    }

    /// An id written in code; one that cannot be an id stops the program (a programmer's
    /// error: input goes through ``init(_:field:)``).
    /// - Parameters:
    ///   - value: the literal id.
    public init(stringLiteral value: String) {
        do { try self.init(value) } catch { preconditionFailure("the literal subscriber id \(error)") }
    }

    /// An id read back from the ledger's own store or stream, which only holds checked ones.
    /// - Parameter text: the id as the store keeps it, checked when it was recorded.
    package init(stored text: String) { self.text = text }

    /// The id itself: `S-1001`.
    public var description: String { text }

    /// Orders ids by their text.
    /// - Parameters:
    ///   - lhs: an id.
    ///   - rhs: another id.
    /// - Returns: whether `lhs` comes before `rhs`.
    public static func < (lhs: SubscriberID, rhs: SubscriberID) -> Bool { lhs.text < rhs.text }
}
