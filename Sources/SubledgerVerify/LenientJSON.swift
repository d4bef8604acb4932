/// A JSON value as Python's `json` module reads it, the way `tools/verify_export.py`
/// configures it: integers of any size (as their digits), floats and NaN/Infinity kept
/// aside (the verifier refuses them, but only once the line is read), duplicate keys kept
/// (refused when their object closes), members in the order written, and strings of code
/// points that may include unpaired UTF-16 surrogates from `\u` escapes.
///
/// ``ExportLine`` uses it for the lines the strict ``JSONParser`` refuses and for the
/// wording of messages, to give the same verdict, position and reason as the Python
/// verifier.
indirect enum LenientJSONValue {
    case null
    case bool(Bool)
    /// The literal digits, with a leading `-` when negative.
    case integer(String)
    /// A number with a fraction or an exponent, or NaN, Infinity, -Infinity.
    case notAnInteger(String)
    case string(LenientString)
    case array([LenientJSONValue])
    case object([LenientMember])
}

/// A member of a ``LenientJSONValue/object(_:)``, in the order written.
struct LenientMember {
    var key: LenientString
    var value: LenientJSONValue
}

/// A string as Python holds it: code points, unpaired surrogates included (such a string
/// has no UTF-8 form, so no canonical one).
struct LenientString: Hashable {
    var codePoints: [UInt32]

    init(codePoints: [UInt32]) {
        self.codePoints = codePoints
    }

    init(_ text: String) {
        codePoints = text.unicodeScalars.map(\.value)
    }

    var hasUnpairedSurrogate: Bool {
        codePoints.contains { (0xD800...0xDFFF).contains($0) }
    }

    /// The text, with U+FFFD for an unpaired surrogate.
    var text: String {
        var scalars = String.UnicodeScalarView()
        for codePoint in codePoints { scalars.append(Unicode.Scalar(codePoint) ?? "\u{FFFD}") }
        return String(scalars)
    }

    /// Python's `json.dumps` of the string (`ensure_ascii=True`): `"\u00e9"`.
    var asciiJSON: String {
        var result = "\""
        for codePoint in codePoints {
            switch codePoint {
            case 0x22: result += "\\\""
            case 0x5C: result += "\\\\"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x08: result += "\\b"
            case 0x0C: result += "\\f"
            case 0x20...0x7E: result.unicodeScalars.append(Unicode.Scalar(codePoint)!)
            case 0x10000...:
                let offset = codePoint - 0x10000
                result += Self.escape(0xD800 + (offset >> 10)) + Self.escape(0xDC00 + (offset & 0x3FF))
            default: result += Self.escape(codePoint)
            }
        }
        return result + "\""
    }

    private static func escape(_ unit: UInt32) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

extension LenientJSONValue {
    /// The positive integer, when this is one (a valid `position`: Python's `int` from 1).
    var positiveInteger: ExportPosition? {
        guard case .integer(let digits) = self, !digits.hasPrefix("-") else { return nil }
        return ExportPosition(digits: digits)
    }

    /// The member `key` of an object (the first, should keys repeat).
    func member(_ key: String) -> LenientJSONValue? {
        guard case .object(let members) = self else { return nil }
        let wanted = LenientString(key)
        return members.first { $0.key == wanted }?.value
    }

    /// Python's `json.dumps(value)`: `, ` and `: ` between items, members in their order,
    /// non-ASCII escaped. For the messages.
    var pythonJSON: String {
        switch self {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let digits): digits == "-0" ? "0" : digits
        case .notAnInteger(let text): text
        case .string(let string): string.asciiJSON
        case .array(let elements): "[" + elements.map(\.pythonJSON).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.map { $0.key.asciiJSON + ": " + $0.value.pythonJSON }.joined(separator: ", ") + "}"
        }
    }

    /// Appends the canonical JSON of `json.dumps(sort_keys=True, separators=(",", ":"),
    /// ensure_ascii=False)`; returns `false` when a string holds an unpaired surrogate.
    func writeCanonical(into bytes: inout [UInt8]) -> Bool {
        switch self {
        case .null: bytes.append(contentsOf: Array("null".utf8))
        case .bool(let flag): bytes.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .integer(let digits): bytes.append(contentsOf: Array((digits == "-0" ? "0" : digits).utf8))
        case .notAnInteger(let text): bytes.append(contentsOf: Array(text.utf8))
        case .string(let string):
            guard !string.hasUnpairedSurrogate else { return false }
            ExportText.writeCanonicalString(string.text, into: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                guard element.writeCanonical(into: &bytes) else { return false }
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            return Self.writeCanonical(members: members, into: &bytes)
        }
        return true
    }

    /// Appends the canonical JSON of an object's members, sorted by code point.
    static func writeCanonical(members: [LenientMember], into bytes: inout [UInt8]) -> Bool {
        guard !members.contains(where: \.key.hasUnpairedSurrogate) else { return false }
        let sorted = members.sorted { $0.key.codePoints.lexicographicallyPrecedes($1.key.codePoints) }
        bytes.append(UInt8(ascii: "{"))
        for (index, member) in sorted.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            ExportText.writeCanonicalString(member.key.text, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            guard member.value.writeCanonical(into: &bytes) else { return false }
        }
        bytes.append(UInt8(ascii: "}"))
        return true
    }
}
