/// Why a text is not JSON the ledger accepts: where (byte offset and member path) and why.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based column (byte offset) where the problem was found.
    public var column: Int
    /// The member path, such as `data.items[1].amount`; empty at the top level.
    public var path: String
    /// What is wrong.
    public var reason: String

    /// The reason, the column and the field path, as a message names them.
    public var description: String {
        path.isEmpty ? "\(reason) at column \(column)" : "\(reason) at column \(column), field \(path)"
    }
}

/// A strict JSON parser (RFC 8259) for the interchange format.
///
/// Beyond RFC 8259 it refuses what the format cannot hold: numbers with a fraction or an
/// exponent, numbers beyond 64 bits, duplicate keys, invalid UTF-8 and lone surrogates. It
/// bounds nesting (``maximumDepth``) so hostile input cannot exhaust the stack.
public struct JSONParser: ~Copyable {
    /// The deepest nesting of arrays and objects accepted (``StoreLimits/jsonDepth``).
    public static let maximumDepth = StoreLimits.jsonDepth

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var path: [PathComponent] = []

    private enum PathComponent {
        case key(String)
        case element(Int)
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses one JSON document that fills `text` (white space around it allowed).
    /// - Parameter text: The whole document.
    /// - Returns: The parsed value; object members keep their order of appearance.
    /// - Throws: ``JSONParseError`` with the column and field path of the first problem (a syntax error,
    ///   a fraction, an exponent, a number beyond 64 bits, a duplicate key, invalid UTF-8, a lone
    ///   surrogate, nesting deeper than ``maximumDepth``, characters after the value).
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var copy = text
        let result = copy.withUTF8 { buffer -> Result<JSONValue, JSONParseError> in
            do throws(JSONParseError) { return .success(try parse(bytes: UnsafeRawBufferPointer(buffer))) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses one JSON document that fills `bytes` (white space around it allowed).
    /// - Parameter bytes: The whole document, UTF-8.
    /// - Returns: The parsed value; object members keep their order of appearance.
    /// - Throws: ``JSONParseError`` as ``parse(_:)`` does.
    public static func parse(bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhiteSpace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhiteSpace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected characters after the JSON value") }
        return value
    }

    private func failure(_ reason: String) -> JSONParseError {
        var rendered = ""
        for component in path {
            switch component {
            case .key(let key): rendered += rendered.isEmpty ? key : ".\(key)"
            case .element(let index): rendered += "[\(index)]"
            }
        }
        return JSONParseError(column: index + 1, path: rendered, reason: reason)
    }

    private mutating func skipWhiteSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
        default: throw failure("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw failure("unexpected character")
        }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= JSONParser.maximumDepth else { throw failure("nesting deeper than \(JSONParser.maximumDepth)") }
        index += 1
        var object = JSONObject()
        skipWhiteSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return object
        }
        while true {
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a key in quotes")
            }
            let key = try parseString()
            // Keys in increasing order (as export and most writers write them) are appended;
            // others are looked up and inserted in their place.
            let appendsAtEnd = object.members.last.map { JSONObject.compareKeys($0.key, key) < 0 } ?? true
            guard appendsAtEnd || object[key] == nil else { throw failure("duplicate key \"\(key)\"") }
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure("expected ':' after a key")
            }
            index += 1
            skipWhiteSpace()
            path.append(.key(key))
            let value = try parseValue(depth: depth)
            path.removeLast()
            if appendsAtEnd {
                object.appendInOrder(key: key, value: value)
            } else {
                object[key] = value
            }
            skipWhiteSpace()
            guard index < bytes.count else { throw failure("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
            index += 1
            return object
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= JSONParser.maximumDepth else { throw failure("nesting deeper than \(JSONParser.maximumDepth)") }
        index += 1
        var elements: [JSONValue] = []
        skipWhiteSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipWhiteSpace()
            path.append(.element(elements.count))
            elements.append(try parseValue(depth: depth))
            path.removeLast()
            skipWhiteSpace()
            guard index < bytes.count else { throw failure("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
            index += 1
            return elements
        }
    }

    private mutating func parseInteger() throws(JSONParseError) -> Int64 {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { throw failure("expected a digit") }
        if bytes[index] == 0x30, index + 1 < bytes.count, (0x30...0x39).contains(bytes[index + 1]) {
            throw failure("a number may not start with 0")
        }
        var magnitude: UInt64 = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - 0x30))
            guard !overflow1, !overflow2 else { index = start; throw failure("a number beyond 64 bits") }
            magnitude = sum
            index += 1
        }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            index = start
            throw failure("a number with a fraction or exponent: numbers here are whole")
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { index = start; throw failure("a number beyond 64 bits") }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { index = start; throw failure("a number beyond 64 bits") }
        return Int64(magnitude)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        var bitsSeen: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                let string: String
                if bitsSeen < 0x80 {
                    // ASCII only: valid UTF-8 as it is.
                    string = String(decoding: slice.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
                } else {
                    guard let validated = UTF8Text.string(slice) else {
                        throw failure("invalid UTF-8 in a string")
                    }
                    string = validated
                }
                index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw failure("a control character in a string must be escaped") }
            bitsSeen |= byte
            index += 1
        }
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                guard let string = utf8.withUnsafeBytes({ UTF8Text.string($0) }) else {
                    throw failure("invalid UTF-8 in a string")
                }
                return string
            }
            guard byte >= 0x20 else { throw failure("a control character in a string must be escaped") }
            if byte == UInt8(ascii: "\\") {
                try parseEscape(into: &utf8)
            } else {
                utf8.append(byte)
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONParseError) {
        index += 1
        guard index < bytes.count else { throw failure("unterminated escape") }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalarValue = try parseHex4()
            if (0xD800...0xDBFF).contains(scalarValue) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw failure("a lone surrogate in a string") }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("a lone surrogate in a string") }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalarValue) {
                throw failure("a lone surrogate in a string")
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("an invalid \\u escape") }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw failure("an invalid escape")
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("an invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            default: throw failure("an invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}

/// The parser holds a pointer into its input: it never crosses concurrency domains.
@available(*, unavailable)
extension JSONParser: Sendable {}
