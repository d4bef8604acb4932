/// A day of the Iranian week, which starts on Saturday (shanbeh) and ends on Friday
/// (jom'eh), the weekly day of rest. Raw values count from Saturday = 1.
public enum Weekday: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case saturday = 1
    case sunday
    case monday
    case tuesday
    case wednesday
    case thursday
    case friday

    /// The weekday of Foundation's numbering (1 = Sunday ... 7 = Saturday).
    init(foundationWeekday: Int) {
        // Saturday (7) → 1, Sunday (1) → 2, ..., Friday (6) → 7.
        self = Weekday(rawValue: foundationWeekday % 7 + 1) ?? .saturday
    }

    /// The English name, lowercased: `friday`.
    public var description: String {
        switch self {
        case .saturday: "saturday"
        case .sunday: "sunday"
        case .monday: "monday"
        case .tuesday: "tuesday"
        case .wednesday: "wednesday"
        case .thursday: "thursday"
        case .friday: "friday"
        }
    }

    /// The Persian name: `جمعه`.
    public var persianName: String {
        switch self {
        case .saturday: "شنبه"
        case .sunday: "یکشنبه"
        case .monday: "دوشنبه"
        case .tuesday: "سه‌شنبه"
        case .wednesday: "چهارشنبه"
        case .thursday: "پنجشنبه"
        case .friday: "جمعه"
        }
    }
}

/// A day of the Solar Hijri calendar, without a time: `1403-12-10`.
public struct SolarHijriDay: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The Solar Hijri year.
    public var year: Int
    /// The month, 1 (Farvardin) ... 12 (Esfand).
    public var month: Int
    /// The day of the month, 1...31.
    public var day: Int

    /// The day `year`-`month`-`day`, as given: nothing is checked (``TehranCalendar`` says whether it exists).
    ///
    /// - Parameters:
    ///   - year: the Solar Hijri year.
    ///   - month: the month, 1...12.
    ///   - day: the day of the month.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (ASCII digits, four-digit year, two-digit month and day);
    /// `nil` when the text has another shape or the month or day is out of 1...12 / 1...31.
    /// Whether the day exists in that year (Esfand 30) is for ``TehranCalendar`` to say.
    ///
    /// - Parameters:
    ///   - text: the day, `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Whether `lhs` is an earlier day than `rhs`: by year, then month, then day.
    ///
    /// - Parameters:
    ///   - lhs: a day.
    ///   - rhs: another day.
    /// - Returns: `true` when `lhs` comes first.
    public static func < (lhs: SolarHijriDay, rhs: SolarHijriDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `1403-12-10`.
    public var description: String {
        "\(zeroPadded(year, 4))-\(zeroPadded(month, 2))-\(zeroPadded(day, 2))"
    }
}

/// An instant as people in Tehran read it (TIME-1): the Solar Hijri date and the wall-clock
/// time in Asia/Tehran, with the Gregorian date of the same local day and the weekday.
public struct TehranDateTime: Hashable, Sendable, CustomStringConvertible {
    /// Solar Hijri year, month (1 = Farvardin ... 12 = Esfand) and day.
    public var year: Int
    /// The month, 1 (Farvardin) ... 12 (Esfand).
    public var month: Int
    /// The day of the month, 1...31.
    public var day: Int
    /// Wall-clock time in Tehran.
    public var hour: Int
    /// The minute, 0..<60.
    public var minute: Int
    /// The second, 0..<60.
    public var second: Int
    /// The millisecond, 0..<1000.
    public var millisecond: Int
    /// The day of the week (Saturday-first).
    public var weekday: Weekday
    /// The Gregorian date of the same local (Tehran) day.
    public var gregorianYear: Int
    /// The Gregorian month, 1...12.
    public var gregorianMonth: Int
    /// The Gregorian day of the month.
    public var gregorianDay: Int
    /// Tehran's offset from UTC at that instant, in seconds (+03:30 = 12,600; +04:30 while
    /// daylight saving time was observed, until 2022).
    public var utcOffsetSeconds: Int

    /// An instant's reading, field by field, as given (``TehranCalendar/solarHijriDate(of:)`` computes one).
    ///
    /// - Parameters:
    ///   - year: the Solar Hijri year.
    ///   - month: the Solar Hijri month, 1...12.
    ///   - day: the Solar Hijri day of the month.
    ///   - hour: the Tehran wall-clock hour, 0..<24.
    ///   - minute: the minute.
    ///   - second: the second.
    ///   - millisecond: the millisecond.
    ///   - weekday: the day of the week.
    ///   - gregorianYear: the Gregorian year of the same local day.
    ///   - gregorianMonth: its Gregorian month.
    ///   - gregorianDay: its Gregorian day of the month.
    ///   - utcOffsetSeconds: Tehran's offset from UTC then, in seconds.
    public init(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int,
        weekday: Weekday, gregorianYear: Int, gregorianMonth: Int, gregorianDay: Int, utcOffsetSeconds: Int
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
        self.weekday = weekday
        self.gregorianYear = gregorianYear
        self.gregorianMonth = gregorianMonth
        self.gregorianDay = gregorianDay
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The Solar Hijri day.
    public var solarHijriDay: SolarHijriDay { SolarHijriDay(year: year, month: month, day: day) }

    /// `1403-12-10 10:00:00`: the Solar Hijri date and Tehran wall-clock time.
    public var description: String {
        "\(solarHijriDay) \(zeroPadded(hour, 2)):\(zeroPadded(minute, 2)):\(zeroPadded(second, 2))"
    }

    /// `2025-02-28`: the Gregorian date of the same Tehran day.
    public var gregorianDescription: String {
        "\(zeroPadded(gregorianYear, 4))-\(zeroPadded(gregorianMonth, 2))-\(zeroPadded(gregorianDay, 2))"
    }

    /// `+03:30`.
    public var utcOffsetDescription: String {
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        let minutes = abs(utcOffsetSeconds) / 60
        return "\(sign)\(zeroPadded(minutes / 60, 2)):\(zeroPadded(minutes % 60, 2))"
    }

    /// What people are shown (TIME-1: Tehran time, both dates):
    /// `1403-12-10 10:00:00 Tehran (2025-02-28)`.
    public var displayDescription: String {
        "\(description) Tehran (\(gregorianDescription))"
    }
}

/// `value` in decimal, zero-padded to `width` digits (a minus sign comes first).
fileprivate func zeroPadded(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
    return value < 0 ? "-" + padded : padded
}
