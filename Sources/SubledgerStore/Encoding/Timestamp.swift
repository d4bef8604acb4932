/// An instant in UTC, with millisecond precision: the unit every time of the interchange
/// format is written in (`YYYY-MM-DDTHH:MM:SS.sssZ`).
///
/// Stored and compared as whole milliseconds since 1970-01-01T00:00:00Z, so ordering and
/// arithmetic are exact. Parsing and formatting are done by hand (no `DateFormatter`):
/// they are on the hot path of import and export.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, UTC.
    public var millisecondsSinceEpoch: Int64

    /// The earliest instant the format can write: 0001-01-01T00:00:00.000Z.
    public static let minimum = Timestamp(millisecondsSinceEpoch: -62_135_596_800_000)
    /// The latest instant the format can write: 9999-12-31T23:59:59.999Z.
    public static let maximum = Timestamp(millisecondsSinceEpoch: 253_402_300_799_999)

    /// The instant `millisecondsSinceEpoch` milliseconds after 1970-01-01T00:00:00Z (negative: before).
    /// - Parameter millisecondsSinceEpoch: Milliseconds since the Unix epoch, UTC; not checked against
    ///   ``minimum`` and ``maximum``.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Whether `lhs` is earlier than `rhs`.
    /// - Parameters:
    ///   - lhs: An instant.
    ///   - rhs: Another instant.
    /// - Returns: `true` when `lhs` has fewer milliseconds since the epoch.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The instant `seconds` later (exact: TIME-1's hours and days are durations).
    /// - Parameter seconds: Seconds to add (negative: earlier); an overflow of `Int64` milliseconds traps.
    /// - Returns: The later (or earlier) instant, to the millisecond.
    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000)
    }

    /// The RFC 3339 form the interchange format writes: `YYYY-MM-DDTHH:MM:SS.sssZ`.
    public var description: String { rfc3339 }

    /// The RFC 3339 form the interchange format writes: `YYYY-MM-DDTHH:MM:SS.sssZ`.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 24 bytes of ``rfc3339`` to `bytes` (written on the stack, appended at once).
    /// - Parameter bytes: The buffer the ASCII bytes are appended to.
    public func write(into bytes: inout [UInt8]) {
        let milliseconds = millisecondsSinceEpoch
        var days = milliseconds / 86_400_000
        var remainder = milliseconds % 86_400_000
        if remainder < 0 {
            remainder += 86_400_000
            days -= 1
        }
        let civil = CivilDate(daysSinceEpoch: days)
        guard civil.year >= 0, civil.year <= 9999 else {
            // Outside the format's range: the digit-by-digit writer and its checks.
            writeSlowly(civil: civil, remainder: remainder, into: &bytes)
            return
        }
        let hour = remainder / 3_600_000
        let minute = (remainder / 60_000) % 60
        let second = (remainder / 1000) % 60
        let millisecond = remainder % 1000
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            let year = Int(civil.year)
            buffer[0] = 0x30 &+ UInt8(truncatingIfNeeded: year / 1000)
            buffer[1] = 0x30 &+ UInt8(truncatingIfNeeded: year / 100 % 10)
            buffer[2] = 0x30 &+ UInt8(truncatingIfNeeded: year / 10 % 10)
            buffer[3] = 0x30 &+ UInt8(truncatingIfNeeded: year % 10)
            buffer[4] = UInt8(ascii: "-")
            Self.putTwoDigits(Int(civil.month), at: 5, in: buffer)
            buffer[7] = UInt8(ascii: "-")
            Self.putTwoDigits(Int(civil.day), at: 8, in: buffer)
            buffer[10] = UInt8(ascii: "T")
            Self.putTwoDigits(Int(hour), at: 11, in: buffer)
            buffer[13] = UInt8(ascii: ":")
            Self.putTwoDigits(Int(minute), at: 14, in: buffer)
            buffer[16] = UInt8(ascii: ":")
            Self.putTwoDigits(Int(second), at: 17, in: buffer)
            buffer[19] = UInt8(ascii: ".")
            let millis = Int(millisecond)
            buffer[20] = 0x30 &+ UInt8(truncatingIfNeeded: millis / 100)
            Self.putTwoDigits(millis % 100, at: 21, in: buffer)
            buffer[23] = UInt8(ascii: "Z")
            bytes.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    private static func putTwoDigits(_ value: Int, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        buffer[offset] = 0x30 &+ UInt8(truncatingIfNeeded: value / 10)
        buffer[offset + 1] = 0x30 &+ UInt8(truncatingIfNeeded: value % 10)
    }

    private func writeSlowly(civil: CivilDate, remainder: Int64, into bytes: inout [UInt8]) {
        let hour = remainder / 3_600_000
        let minute = (remainder / 60_000) % 60
        let second = (remainder / 1000) % 60
        let millisecond = remainder % 1000
        appendDigits(civil.year, count: 4, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(civil.month, count: 2, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(civil.day, count: 2, into: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(hour, count: 2, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(minute, count: 2, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(second, count: 2, into: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(millisecond, count: 3, into: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    private func appendDigits(_ value: Int64, count: Int, into bytes: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}

/// A proleptic Gregorian calendar date, converted with Howard Hinnant's exact algorithms.
public struct CivilDate: Hashable, Sendable {
    /// The year of the proleptic Gregorian calendar (year 0 is 1 BC).
    public var year: Int64
    /// The month, 1...12.
    public var month: Int64
    /// The day of the month, 1...31.
    public var day: Int64

    /// The date with these fields, unchecked (see ``daysInMonth(year:month:)``).
    /// - Parameters:
    ///   - year: The year.
    ///   - month: The month, 1...12.
    ///   - day: The day of the month, from 1.
    public init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `daysSinceEpoch` days after 1970-01-01 (negative: before).
    /// - Parameter daysSinceEpoch: Whole days since the Unix epoch.
    public init(daysSinceEpoch: Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days from 1970-01-01 to this date.
    public var daysSinceEpoch: Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthPrime = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthPrime + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The days of `month` (1...12) in `year`.
    /// - Parameters:
    ///   - year: The year, for February's Gregorian leap day.
    ///   - month: The month, 1...12.
    /// - Returns: 28 to 31 (31 for a month outside 1...12).
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
