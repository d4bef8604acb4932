public import SubledgerStore
import Foundation

/// Why a Tehran wall-clock time in the Solar Hijri calendar cannot be read (TIME-1):
/// the text, and a reason a person can act on.
public struct SolarHijriTimeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// Why it cannot be read, for a person: what is wrong and, where one exists, what to give instead.
    public var reason: String

    /// The error for `text`, refused for `reason`.
    ///
    /// - Parameters:
    ///   - text: the text as given.
    ///   - reason: why it cannot be read.
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// The quoted text and the reason (`"1402/13/01": …`).
    public var description: String { "\"\(text)\": \(reason)" }
}

extension TehranCalendar {
    /// The Solar Hijri years read as such: a four-digit year from 1700 on is taken for a
    /// Gregorian year written with slashes (1700 SH is 2321 CE).
    public static let solarHijriYearsRead = 1..<1700

    /// The instant of a Tehran wall-clock time written in the Solar Hijri calendar with
    /// slashes (TIME-1): `1402/11/12 16:30`, `1402/11/12 16:30:45`, or a day alone,
    /// `1402/11/12`. Persian and Arabic-Indic digits are read as ASCII digits.
    ///
    /// The offset is the one Tehran had at that wall-clock time: +03:30, or +04:30 while
    /// daylight saving time was observed (summers until 2022). Where the clocks changed:
    /// - a day alone means the start of Tehran's day: 00:00, or 01:00 on a day whose
    ///   midnight was skipped when the clocks went forward;
    /// - a time that did not exist (the hour skipped in spring) is refused;
    /// - a time that occurred twice (the hour repeated in autumn) is refused, naming both
    ///   instants in RFC 3339 so that the caller picks one.
    ///
    /// A month outside 1...12, a day beyond its month (31 from Mehr on, Esfand 30 in a
    /// common year), an hour, minute or second out of range are refused with the reason.
    ///
    /// - Parameters:
    ///   - text: the wall-clock time, as written by a person.
    /// - Returns: the instant, in UTC milliseconds.
    /// - Throws: ``SolarHijriTimeError`` naming `text` and the reason it cannot be read.
    public func timestamp(solarHijri text: String) throws(SolarHijriTimeError) -> Timestamp {
        let wallClock = try SolarHijriWallClock(text)
        try checkDayExists(wallClock, text: text)
        let utcWall = try wallClockAsUTC(wallClock, text: text)
        let instants = instants(atWallClock: utcWall)
        if !wallClock.hasTime {
            // A day alone: the first instant of that Tehran day. When its midnight was
            // skipped, the day began at the change, when the clocks read 01:00.
            if let earliest = instants.min() { return earliest }
            let offsetBefore = zone.secondsFromGMT(for: Self.date(utcWall.adding(seconds: -86_400)))
            return startOfDay(utcWall.adding(seconds: -Int64(offsetBefore)))
        }
        switch instants.count {
        case 1:
            return instants[0]
        case 0:
            throw SolarHijriTimeError(
                text: text,
                reason:
                    "this time did not exist in Tehran: the clocks went forward an hour that night (daylight saving time); give a time an hour later, or an RFC 3339 time with its offset"
            )
        default:
            let written = instants.sorted().map(\.rfc3339).joined(separator: " or ")
            throw SolarHijriTimeError(
                text: text,
                reason:
                    "this time occurred twice in Tehran: the clocks went back an hour that night (the end of daylight saving time); give the one meant in RFC 3339, \(written)"
            )
        }
    }

    /// Refuses a day that is not in its month: 31 from Mehr (month 7) on, Esfand 30 in a
    /// common year.
    private func checkDayExists(_ wallClock: SolarHijriWallClock, text: String) throws(SolarHijriTimeError) {
        let month = SolarHijriWallClock.monthNames[wallClock.month - 1]
        if wallClock.month == 12 {
            if wallClock.day == 30, !isLeapYear(wallClock.year) {
                throw SolarHijriTimeError(
                    text: text, reason: "\(wallClock.year) is a common year: Esfand (month 12) has 29 days, not 30")
            }
            guard wallClock.day <= 30 else {
                throw SolarHijriTimeError(
                    text: text,
                    reason: "day \(wallClock.day) does not exist: Esfand (month 12) has 29 days, 30 in a leap year")
            }
        } else if wallClock.month >= 7, wallClock.day > 30 {
            throw SolarHijriTimeError(
                text: text,
                reason: "day \(wallClock.day) does not exist: \(month) (month \(wallClock.month)) has 30 days")
        }
    }

    /// The wall-clock time read as if it were UTC: the instant minus nothing, from which
    /// the instants of each of Tehran's offsets are found.
    private func wallClockAsUTC(_ wallClock: SolarHijriWallClock, text: String) throws(SolarHijriTimeError) -> Timestamp
    {
        var persianUTC = Calendar(identifier: .persian)
        persianUTC.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(
            year: wallClock.year, month: wallClock.month, day: wallClock.day,
            hour: wallClock.hour, minute: wallClock.minute, second: wallClock.second)
        guard let date = persianUTC.date(from: components),
            case let check = persianUTC.dateComponents([.year, .month, .day], from: date),
            check.year == wallClock.year, check.month == wallClock.month, check.day == wallClock.day
        else {
            throw SolarHijriTimeError(text: text, reason: "this day does not exist in the Solar Hijri calendar")
        }
        let seconds = date.timeIntervalSince1970.rounded()
        guard abs(seconds) < 1e14 else { throw SolarHijriTimeError(text: text, reason: "out of the range of times") }
        return Timestamp(millisecondsSinceEpoch: Int64(seconds) * 1000)
    }

    /// Every instant whose Tehran wall-clock time is `utcWall` read as UTC: one, none (a
    /// time skipped when the clocks went forward) or two (a time repeated when they went
    /// back). The offsets tried are those Tehran had a day before and a day after.
    private func instants(atWallClock utcWall: Timestamp) -> [Timestamp] {
        let day: Int64 = 86_400
        let offsets = Set([-day, 0, day].map { zone.secondsFromGMT(for: Self.date(utcWall.adding(seconds: $0))) })
        var found: [Timestamp] = []
        for offset in offsets.sorted() {
            let instant = utcWall.adding(seconds: -Int64(offset))
            if zone.secondsFromGMT(for: Self.date(instant)) == offset, !found.contains(instant) {
                found.append(instant)
            }
        }
        return found
    }

    private var zone: TimeZone { persian.timeZone }

    private static func date(_ timestamp: Timestamp) -> Date {
        Date(timeIntervalSince1970: Double(timestamp.millisecondsSinceEpoch / 1000))
    }
}

/// A Solar Hijri date and wall-clock time as written, `1402/11/12 16:30[:45]`, checked for
/// its shape and ranges (whether the day is in its month is the calendar's to say).
struct SolarHijriWallClock {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0
    /// Whether a time of day was written (else the day alone).
    var hasTime = false

    static let monthNames = [
        "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
        "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
    ]

    private static let shape =
        "write YYYY/MM/DD, YYYY/MM/DD HH:MM or YYYY/MM/DD HH:MM:SS (Tehran time), such as 1402/11/12 16:30"

    init(_ text: String) throws(SolarHijriTimeError) {
        let normalized = String(String.UnicodeScalarView(text.unicodeScalars.map(Self.asciiDigit)))
        let parts = normalized.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 1 || parts.count == 2 else {
            throw SolarHijriTimeError(text: text, reason: "not a Solar Hijri time: \(Self.shape)")
        }
        let date = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard date.count == 3, date[0].count == 4, (1...2).contains(date[1].count), (1...2).contains(date[2].count),
            let year = Self.number(date[0]), let month = Self.number(date[1]), let day = Self.number(date[2])
        else {
            throw SolarHijriTimeError(text: text, reason: "not a Solar Hijri date: \(Self.shape)")
        }
        guard TehranCalendar.solarHijriYearsRead.contains(year) else {
            throw SolarHijriTimeError(
                text: text,
                reason:
                    "\(year) looks like a Gregorian year: give a Gregorian time in RFC 3339 (such as \(date[0])-\(Self.twoDigits(month))-\(Self.twoDigits(day))T00:00:00+03:30), or the Solar Hijri date"
            )
        }
        guard (1...12).contains(month) else {
            throw SolarHijriTimeError(
                text: text,
                reason: "month \(month) does not exist: the Solar Hijri months are 1 (Farvardin) to 12 (Esfand)")
        }
        guard (1...31).contains(day) else {
            throw SolarHijriTimeError(
                text: text,
                reason:
                    "day \(day) does not exist: \(Self.monthNames[month - 1]) (month \(month)) has \(month <= 6 ? 31 : month < 12 ? 30 : 29) days\(month == 12 ? ", 30 in a leap year" : "")"
            )
        }
        self.year = year
        self.month = month
        self.day = day
        guard parts.count == 2 else { return }
        try readTime(parts[1], of: text)
    }

    private mutating func readTime(_ time: Substring, of text: String) throws(SolarHijriTimeError) {
        let fields = time.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3, fields.allSatisfy({ (1...2).contains($0.count) }),
            let hour = Self.number(fields[0]), let minute = Self.number(fields[1]),
            let second = fields.count == 3 ? Self.number(fields[2]) : 0
        else {
            throw SolarHijriTimeError(text: text, reason: "not a time of day: \(Self.shape)")
        }
        guard (0..<24).contains(hour) else {
            throw SolarHijriTimeError(text: text, reason: "hour \(hour) does not exist: hours are 00 to 23")
        }
        guard (0..<60).contains(minute) else {
            throw SolarHijriTimeError(text: text, reason: "minute \(minute) does not exist: minutes are 00 to 59")
        }
        guard (0..<60).contains(second) else {
            throw SolarHijriTimeError(text: text, reason: "second \(second) does not exist: seconds are 00 to 59")
        }
        self.hour = hour
        self.minute = minute
        self.second = second
        hasTime = true
    }

    /// A number of ASCII digits only (no sign, no space).
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// Persian (U+06F0...) and Arabic-Indic (U+0660...) digits as ASCII digits; any other
    /// character as it is.
    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        for zero: UInt32 in [0x06F0, 0x0660] where (zero...zero + 9).contains(scalar.value) {
            return Unicode.Scalar(UInt8(0x30 + scalar.value - zero))
        }
        return scalar
    }
}
