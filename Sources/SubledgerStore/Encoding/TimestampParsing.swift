/// Why a text is not an RFC 3339 time the ledger accepts.
public struct TimestampParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was refused, cut to 40 characters.
    public var text: String
    /// What is wrong with it.
    public var reason: String

    /// The reason and the refused text, for a message that names the field.
    public var description: String { "not an RFC 3339 time (\(reason)): \"\(text)\"" }
}

extension Timestamp {
    /// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    ///
    /// The instant is kept to the millisecond; a fraction with non-zero digits past the
    /// third would lose information and is refused rather than rounded. A leap second
    /// (`:60`) is refused: the ledger's durations are exact (TIME-1).
    /// - Parameter text: The date-time text.
    /// - Throws: ``TimestampParseError`` naming the text and the reason: bad syntax, a field out of range,
    ///   a leap second, a fraction finer than milliseconds, an instant outside ``minimum``...``maximum``.
    public init(rfc3339 text: String) throws(TimestampParseError) {
        var copy = text
        let parsed = copy.withUTF8 { Timestamp.parse(bytes: UnsafeRawBufferPointer($0)) }
        switch parsed {
        case .success(let value): self = value
        case .failure(let reason):
            throw TimestampParseError(text: String(text.prefix(40)), reason: reason.text)
        }
    }

    struct Refusal: Error { var text: String }

    /// Parses the UTF-8 bytes of an RFC 3339 date-time (see ``init(rfc3339:)``).
    static func parse(bytes: UnsafeRawBufferPointer) -> Result<Timestamp, Refusal> {
        var index = 0
        func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += count
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            for character in characters.utf8 where character == byte {
                index += 1
                return true
            }
            return false
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"),
            let day = digits(2)
        else { return .failure(Refusal(text: "expected YYYY-MM-DD")) }
        guard expect("Tt ") else { return .failure(Refusal(text: "expected T after the date")) }
        guard let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
            let second = digits(2)
        else { return .failure(Refusal(text: "expected HH:MM:SS")) }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return .failure(Refusal(text: "no such date")) }
        guard hour < 24, minute < 60, second < 60 else { return .failure(Refusal(text: "no such time of day")) }
        var millisecond: Int64 = 0
        if expect(".") {
            var fractionDigits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                let digit = Int64(bytes[index] - 0x30)
                if fractionDigits < 3 {
                    millisecond = millisecond * 10 + digit
                } else if digit != 0 {
                    return .failure(Refusal(text: "finer than a millisecond"))
                }
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return .failure(Refusal(text: "empty fraction")) }
            for _ in fractionDigits..<max(fractionDigits, 3) { millisecond *= 10 }
        }
        var offsetMinutes: Int64 = 0
        if expect("Zz") {
            // UTC
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard let offsetHour = digits(2), expect(":"), let offsetMinute = digits(2),
                offsetHour < 24, offsetMinute < 60
            else { return .failure(Refusal(text: "bad zone offset")) }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (negative ? -1 : 1)
        } else {
            return .failure(Refusal(text: "missing zone: Z or ±HH:MM"))
        }
        guard index == bytes.count else { return .failure(Refusal(text: "trailing characters")) }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        let value = Timestamp(millisecondsSinceEpoch: seconds * 1000 + millisecond)
        guard value >= .minimum, value <= .maximum else { return .failure(Refusal(text: "out of range")) }
        return .success(value)
    }
}
