/// Reads one line as Python's `json` module does in `tools/verify_export.py` (its C
/// scanner: the same grammar, the same order of discovery, the same messages and columns),
/// so that the verifier can say of any line what the Python verifier says.
///
/// Three outcomes matter, as in `_parse_slow` of the Python verifier:
/// - the line is JSON: its value (perhaps with unpaired surrogates or huge integers);
/// - the line breaks the grammar (`Expecting value at column 7`) or Python's limits
///   (integers of more than 4,300 digits, nesting deeper than its recursion allows);
/// - the line holds what the format refuses though JSON allows it (a float, NaN or
///   Infinity, a duplicate key) before any grammar error: a refusal, and the value too
///   when the whole line is JSON nonetheless (Python then names its `position`).
///
/// Python reads the line with its `\n`; so does this parser when `endsWithNewline` (it
/// matters: an unterminated string then meets a control character, and a column after it
/// is counted from the newline).
struct LenientJSONParser {
    /// What reading the line found.
    struct Outcome {
        /// The value, when the whole line is JSON (floats and duplicate keys allowed).
        var value: LenientJSONValue?
        /// The first float, NaN/Infinity or duplicate key met before any grammar error.
        var refusal: String?
        /// Why the line is not JSON, worded as the Python verifier words it after
        /// `malformed JSON: ` (`Expecting value at column 7`).
        var malformation: String?
    }

    /// Python's `int` refuses to read more digits than this (`sys.get_int_max_str_digits()`).
    static let maximumIntegerDigits = 4300
    /// Beyond this nesting the parser stops (Python gave up long before).
    static let maximumDepth = 2000

    private let bytes: UnsafeRawBufferPointer
    /// The length with the newline Python sees.
    private let length: Int
    private var index = 0
    private var refusal: (reason: String, step: Int)?
    /// Steps of the scan, in order: containers entered, objects closed, numbers read.
    private var step = 0
    /// The steps deep enough to matter for Python's recursion limit.
    private var deepSteps: [RecursionDepth.Step] = []

    private enum Malformed: Error {
        /// A `JSONDecodeError`: its message and the byte offset it points at.
        case grammar(String, at: Int)
        /// Another `ValueError` or a `RecursionError`: its text.
        case limit(String)
    }

    private init(bytes: UnsafeRawBufferPointer, endsWithNewline: Bool) {
        self.bytes = bytes
        length = bytes.count + (endsWithNewline ? 1 : 0)
    }

    /// Reads `bytes` (valid UTF-8, one line without its `\n`).
    static func read(_ bytes: UnsafeRawBufferPointer, endsWithNewline: Bool) -> Outcome {
        var parser = LenientJSONParser(bytes: bytes, endsWithNewline: endsWithNewline)
        var value: LenientJSONValue?
        var malformation: (text: String, step: Int)?
        do throws(Malformed) {
            parser.skipWhiteSpace()
            let parsed = try parser.value(depth: 1)
            parser.skipWhiteSpace()
            guard parser.index == parser.length else { throw .grammar("Extra data", at: parser.index) }
            value = parsed
        } catch {
            switch error {
            case .grammar(let message, let offset):
                malformation = ("\(message) at column \(parser.column(of: offset))", parser.step)
            case .limit(let text):
                malformation = (ExportText.short(text), parser.step)
            }
        }
        let depth = RecursionDepth(steps: parser.deepSteps)
        // Python's fast path: the line is read whole within its recursion limit.
        if parser.refusal == nil, malformation == nil,
            depth.firstStep(beyond: RecursionDepth.scanLimit, salvaging: false) == nil
        {
            return Outcome(value: value, refusal: nil, malformation: nil)
        }
        // Otherwise its slow path reads it again, deeper in the stack: what comes first?
        let firstProblem = min(parser.refusal?.step ?? Int.max, malformation?.step ?? Int.max)
        if let deep = depth.firstStep(beyond: RecursionDepth.slowScanLimit, salvaging: false), deep.step <= firstProblem
        {
            return Outcome(value: nil, refusal: nil, malformation: ExportText.short(deep.message))
        }
        if let refusal = parser.refusal, refusal.step < (malformation?.step ?? Int.max) {
            let salvageable =
                malformation == nil && depth.firstStep(beyond: RecursionDepth.salvageLimit, salvaging: true) == nil
            return Outcome(value: salvageable ? value : nil, refusal: refusal.reason, malformation: nil)
        }
        return Outcome(value: nil, refusal: nil, malformation: malformation?.text)
    }

    /// Python's `colno`: code points since the last newline before `offset`, plus one.
    private func column(of offset: Int) -> Int {
        if offset > bytes.count { return offset - bytes.count }
        var codePoints = 0
        for position in 0..<offset where bytes[position] & 0xC0 != 0x80 { codePoints += 1 }
        return codePoints + 1
    }

    private func byte(at position: Int) -> UInt8? {
        if position < bytes.count { return bytes[position] }
        return position < length ? 0x0A : nil
    }

    private var current: UInt8? { byte(at: index) }

    private mutating func skipWhiteSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private func startsWith(_ literal: String) -> Bool {
        for (offset, expected) in literal.utf8.enumerated() where byte(at: index + offset) != expected { return false }
        return true
    }

    private mutating func refuse(_ reason: String) {
        if refusal == nil { refusal = (reason, step) }
    }

    /// Counts a step of the scan at `level`, noting it when it is deep.
    private mutating func note(_ kind: RecursionDepth.Kind, level: Int) {
        step += 1
        if level >= RecursionDepth.noteworthyLevel {
            deepSteps.append(RecursionDepth.Step(step: step, kind: kind, level: level))
        }
    }

    private static func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= 0x30 && byte <= 0x39
    }

    private mutating func value(depth: Int) throws(Malformed) -> LenientJSONValue {
        guard let first = current else { throw .grammar("Expecting value", at: index) }
        switch first {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "{"):
            note(.object, level: depth)
            guard depth <= Self.maximumDepth else { throw .limit(RecursionDepth.Kind.object.message) }
            return .object(try object(depth: depth))
        case UInt8(ascii: "["):
            note(.array, level: depth)
            guard depth <= Self.maximumDepth else { throw .limit(RecursionDepth.Kind.array.message) }
            return .array(try array(depth: depth))
        case UInt8(ascii: "n") where startsWith("null"):
            index += 4
            return .null
        case UInt8(ascii: "t") where startsWith("true"):
            index += 4
            return .bool(true)
        case UInt8(ascii: "f") where startsWith("false"):
            index += 5
            return .bool(false)
        case UInt8(ascii: "N") where startsWith("NaN"):
            index += 3
            return constant("NaN", level: depth)
        case UInt8(ascii: "I") where startsWith("Infinity"):
            index += 8
            return constant("Infinity", level: depth)
        case UInt8(ascii: "-") where startsWith("-Infinity"):
            index += 9
            return constant("-Infinity", level: depth)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number(level: depth)
        default:
            throw .grammar("Expecting value", at: index)
        }
    }

    private mutating func constant(_ literal: String, level: Int) -> LenientJSONValue {
        note(.notAnInteger, level: level)
        refuse("number is not an integer: \(literal)")
        return .notAnInteger(literal)
    }

    private mutating func number(level: Int) throws(Malformed) -> LenientJSONValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        if let first = current, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") {
            index += 1
            while Self.isDigit(current) { index += 1 }
        } else if current == UInt8(ascii: "0") {
            index += 1
        } else {
            throw .grammar("Expecting value", at: start)
        }
        var isInteger = true
        if current == UInt8(ascii: "."), Self.isDigit(byte(at: index + 1)) {
            isInteger = false
            index += 2
            while Self.isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            let exponentStart = index
            index += 1
            if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") { index += 1 }
            let digitsStart = index
            while Self.isDigit(current) { index += 1 }
            if index > digitsStart { isInteger = false } else { index = exponentStart }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard isInteger else {
            note(.notAnInteger, level: level)
            refuse("number is not an integer: \(ExportText.short(text))")
            return .notAnInteger(text)
        }
        let digitCount = text.hasPrefix("-") ? text.utf8.count - 1 : text.utf8.count
        guard digitCount <= Self.maximumIntegerDigits else {
            throw .limit(
                "Exceeds the limit (\(Self.maximumIntegerDigits) digits) for integer string conversion: value has \(digitCount) digits; use sys.set_int_max_str_digits() to increase the limit"
            )
        }
        return .integer(text)
    }

    private mutating func object(depth: Int) throws(Malformed) -> [LenientMember] {
        index += 1
        var members: [LenientMember] = []
        skipWhiteSpace()
        if current == UInt8(ascii: "}") {
            index += 1
            note(.objectClosed, level: depth)
            return members
        }
        while true {
            guard current == UInt8(ascii: "\"") else {
                throw .grammar("Expecting property name enclosed in double quotes", at: index)
            }
            let key = try string()
            skipWhiteSpace()
            guard current == UInt8(ascii: ":") else { throw .grammar("Expecting ':' delimiter", at: index) }
            index += 1
            skipWhiteSpace()
            members.append(LenientMember(key: key, value: try value(depth: depth + 1)))
            skipWhiteSpace()
            if current == UInt8(ascii: "}") { break }
            guard current == UInt8(ascii: ",") else { throw .grammar("Expecting ',' delimiter", at: index) }
            index += 1
            skipWhiteSpace()
        }
        index += 1
        // Python's object_pairs_hook runs as the object closes.
        var seen: Set<LenientString> = []
        let duplicate = members.first { !seen.insert($0.key).inserted }
        note(duplicate == nil ? .objectClosed : .objectClosedWithDuplicate, level: depth)
        if let duplicate { refuse("duplicate key \(ExportText.short(duplicate.key.asciiJSON))") }
        return members
    }

    private mutating func array(depth: Int) throws(Malformed) -> [LenientJSONValue] {
        index += 1
        var elements: [LenientJSONValue] = []
        skipWhiteSpace()
        if current == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            elements.append(try value(depth: depth + 1))
            skipWhiteSpace()
            if current == UInt8(ascii: "]") { break }
            guard current == UInt8(ascii: ",") else { throw .grammar("Expecting ',' delimiter", at: index) }
            index += 1
            skipWhiteSpace()
        }
        index += 1
        return elements
    }

    /// A string, as `scanstring` of Python's C scanner reads it (strict).
    private mutating func string() throws(Malformed) -> LenientString {
        let quote = index
        index += 1
        var codePoints: [UInt32] = []
        var utf8: [UInt8] = []
        func flushUTF8() {
            if !utf8.isEmpty {
                codePoints += String(decoding: utf8, as: UTF8.self).unicodeScalars.map(\.value)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        while true {
            guard let character = current else { throw .grammar("Unterminated string starting at", at: quote) }
            if character == UInt8(ascii: "\"") {
                index += 1
                flushUTF8()
                return LenientString(codePoints: codePoints)
            }
            guard character >= 0x20 else { throw .grammar("Invalid control character at", at: index) }
            guard character == UInt8(ascii: "\\") else {
                utf8.append(character)
                index += 1
                continue
            }
            let backslash = index
            index += 1
            guard let escaped = current else { throw .grammar("Unterminated string starting at", at: quote) }
            index += 1
            let simple: UInt8?
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): simple = escaped
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"): simple = nil
            default: throw .grammar("Invalid \\escape", at: backslash)
            }
            if let simple {
                utf8.append(simple)
                continue
            }
            flushUTF8()
            var code = try hex4(u: index - 1)
            // A high surrogate pairs with a low one that follows at once (with room after it).
            if (0xD800...0xDBFF).contains(code), index + 6 < length, current == UInt8(ascii: "\\"),
                byte(at: index + 1) == UInt8(ascii: "u")
            {
                let afterHigh = index
                index += 2
                let low = try hex4(u: index - 1)
                if (0xDC00...0xDFFF).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    index = afterHigh  // the second escape is read on its own next
                }
            }
            codePoints.append(code)
        }
    }

    /// The four hex digits after the `u` at `u`; Python wants a character after them.
    private mutating func hex4(u: Int) throws(Malformed) -> UInt32 {
        guard index + 4 < length else { throw .grammar("Invalid \\uXXXX escape", at: u) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit: UInt32
            switch current ?? 0 {
            case let byte where byte >= 0x30 && byte <= 0x39: digit = UInt32(byte - 0x30)
            case let byte where byte >= 0x61 && byte <= 0x66: digit = UInt32(byte - 0x61 + 10)
            case let byte where byte >= 0x41 && byte <= 0x46: digit = UInt32(byte - 0x41 + 10)
            default: throw .grammar("Invalid \\uXXXX escape", at: u)
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
