public import SubledgerStore
import Foundation

/// The Solar Hijri calendar in the Asia/Tehran time zone (TIME-1), over the store's UTC
/// ``Timestamp``s.
///
/// - Months and years are calendar units on Tehran wall-clock time, computed by
///   Foundation's `Calendar(identifier: .persian)`: one month after 1402-12-10 10:00 is
///   1403-01-10 10:00.
/// - End of month: when the target month is shorter, the day is clamped to its last day
///   (Foundation's behaviour): 1403-06-31 + 1 month = 1403-07-30; 1403-12-30 (a leap year)
///   + 1 year = 1404-12-29. `n` months are added in one step, not as `n` one-month steps.
/// - Wall-clock gaps and repeats (Iran observed daylight saving time until 2022): a result
///   whose wall-clock time did not exist (the spring-forward hour) moves forward by the
///   gap (1399-12-02 00:30 + 1 month = 1400-01-02 01:30); a wall-clock time that occurred
///   twice (the fall-back hour) is the first, daylight-saving, occurrence.
/// - Milliseconds are carried over unchanged; results are clamped to the range the
///   interchange format can write (``Timestamp/minimum`` ... ``Timestamp/maximum``).
///
/// Hours, days and weeks are exact durations instead: see ``Timestamp/adding(hours:)``.
public struct TehranCalendar: Sendable {
    /// The IANA identifier of Tehran's time zone.
    public static let timeZoneIdentifier = "Asia/Tehran"

    /// A shared instance with the built-in holidays.
    public static let standard = TehranCalendar()

    /// The public holidays that ``isLastWorkingDayBeforeRest(_:)`` knows.
    public var holidays: PublicHolidays

    /// The Solar Hijri calendar in Asia/Tehran (also read by the wall-clock parsing).
    var persian: Calendar { ZonedCalendars.tehran.persian }
    private var gregorian: Calendar { ZonedCalendars.tehran.gregorian }
    /// The arithmetic Islamic calendar in Asia/Tehran, for the lunar holidays (see
    /// ``PublicHolidays``: a computed day can be one day off the official one).
    private var islamic: Calendar { ZonedCalendars.tehran.islamic }

    /// The calendar, with these holidays. Foundation's calendars and the Asia/Tehran zone
    /// are built once per process, when one is first needed (issue 13: a command that
    /// never shows or computes a Tehran date, such as `status` without `--as-of`, does not
    /// pay for them); that first use traps if Foundation has no Asia/Tehran time zone (it
    /// ships its own time-zone data; the tests check the zone's rules).
    ///
    /// - Parameters:
    ///   - holidays: the public holidays for SUS-2 and the non-working days; Iran's by default.
    public init(holidays: PublicHolidays = .iran) {
        self.holidays = holidays
    }

    // MARK: Calendar arithmetic

    /// The instant `n` Solar Hijri months after `timestamp`, at the same Tehran wall-clock
    /// time, the day clamped to the end of a shorter month (see the type's notes).
    ///
    /// - Parameters:
    ///   - n: the number of months; negative goes back.
    ///   - timestamp: the instant to start from.
    /// - Returns: the instant, clamped to `Timestamp.minimum` ... `Timestamp.maximum`.
    public func addingMonths(_ n: Int, to timestamp: Timestamp) -> Timestamp {
        adding(.month, n, to: timestamp)
    }

    /// The instant `n` Solar Hijri years after `timestamp`, at the same Tehran wall-clock
    /// time; Esfand 30 of a leap year becomes Esfand 29 in a common year.
    ///
    /// - Parameters:
    ///   - n: the number of years; negative goes back.
    ///   - timestamp: the instant to start from.
    /// - Returns: the instant, clamped to `Timestamp.minimum` ... `Timestamp.maximum`.
    public func addingYears(_ n: Int, to timestamp: Timestamp) -> Timestamp {
        adding(.year, n, to: timestamp)
    }

    /// `addingMonths(_:to:)` for counts held as `Int64` (policy parameters).
    ///
    /// - Parameters:
    ///   - n: the number of months; negative goes back; beyond `Int` gives a bound.
    ///   - timestamp: the instant to start from.
    /// - Returns: the instant, clamped to `Timestamp.minimum` ... `Timestamp.maximum`.
    public func addingMonths(_ n: Int64, to timestamp: Timestamp) -> Timestamp {
        guard let count = Int(exactly: n) else { return n > 0 ? .maximum : .minimum }
        return adding(.month, count, to: timestamp)
    }

    /// `addingYears(_:to:)` for counts held as `Int64` (policy parameters).
    ///
    /// - Parameters:
    ///   - n: the number of years; negative goes back; beyond `Int` gives a bound.
    ///   - timestamp: the instant to start from.
    /// - Returns: the instant, clamped to `Timestamp.minimum` ... `Timestamp.maximum`.
    public func addingYears(_ n: Int64, to timestamp: Timestamp) -> Timestamp {
        guard let count = Int(exactly: n) else { return n > 0 ? .maximum : .minimum }
        return adding(.year, count, to: timestamp)
    }

    /// The instant `n` calendar days later at the same Tehran wall-clock time. SUS-2 uses
    /// it to find "tomorrow"; rules count days as exact durations (TIME-1).
    ///
    /// - Parameters:
    ///   - n: the number of calendar days; negative goes back.
    ///   - timestamp: the instant to start from.
    /// - Returns: the instant, clamped to `Timestamp.minimum` ... `Timestamp.maximum`.
    package func addingCalendarDays(_ n: Int, to timestamp: Timestamp) -> Timestamp {
        adding(.day, n, to: timestamp)
    }

    private func adding(_ component: Calendar.Component, _ n: Int, to timestamp: Timestamp) -> Timestamp {
        if n == 0 { return timestamp }
        let (date, milliseconds) = Self.date(of: timestamp)
        // Ten thousand years is beyond the format whichever way: answer the bound directly,
        // for Foundation's arithmetic is not meant for such spans.
        let limit =
            switch component {
            case .year: 10_000
            case .month: 120_000
            default: 3_700_000
            }
        guard n.magnitude < UInt(limit), let result = persian.date(byAdding: component, value: n, to: date) else {
            return n > 0 ? .maximum : .minimum
        }
        return Self.timestamp(of: result, plus: milliseconds) ?? (n > 0 ? .maximum : .minimum)
    }

    // MARK: Reading and writing dates

    /// `timestamp` as people in Tehran read it: Solar Hijri date, wall-clock time, weekday
    /// and the Gregorian date of the same local day.
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: its Solar Hijri date and Tehran wall-clock time, with the UTC offset then in force.
    public func solarHijriDate(of timestamp: Timestamp) -> TehranDateTime {
        let (date, milliseconds) = Self.date(of: timestamp)
        let local = persian.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let civil = gregorian.dateComponents([.year, .month, .day], from: date)
        return TehranDateTime(
            year: local.year ?? 0, month: local.month ?? 0, day: local.day ?? 0,
            hour: local.hour ?? 0, minute: local.minute ?? 0, second: local.second ?? 0,
            millisecond: Int(milliseconds),
            weekday: Weekday(foundationWeekday: local.weekday ?? 7),
            gregorianYear: civil.year ?? 0, gregorianMonth: civil.month ?? 0, gregorianDay: civil.day ?? 0,
            utcOffsetSeconds: persian.timeZone.secondsFromGMT(for: date)
        )
    }

    /// The instant of this Tehran wall-clock time on this Solar Hijri day, or `nil` when the
    /// day does not exist (1404-12-30) or the time is out of range. A time in the
    /// spring-forward gap moves forward by the gap; a repeated time is its first occurrence.
    ///
    /// - Parameters:
    ///   - year: the Solar Hijri year.
    ///   - month: the month, 1...12.
    ///   - day: the day of the month, 1...31 (and within the month).
    ///   - hour: the hour, 0..<24.
    ///   - minute: the minute, 0..<60.
    ///   - second: the second, 0..<60.
    /// - Returns: the instant, with 0 milliseconds, or `nil`.
    public func timestamp(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0
    ) -> Timestamp? {
        guard (1...12).contains(month), (1...31).contains(day), (0..<24).contains(hour),
            (0..<60).contains(minute), (0..<60).contains(second)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = persian.date(from: components) else { return nil }
        // Foundation normalizes an impossible day (Esfand 30 of a common year) into the next
        // month: refuse it instead.
        let check = persian.dateComponents([.year, .month, .day], from: date)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return Self.timestamp(of: date, plus: 0)
    }

    /// The instant Tehran's local day of `timestamp` begins (00:00 Tehran time).
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: the first instant of its Tehran day (later than 00:00 on a day whose midnight was skipped).
    public func startOfDay(_ timestamp: Timestamp) -> Timestamp {
        let (date, _) = Self.date(of: timestamp)
        return Self.timestamp(of: persian.startOfDay(for: date), plus: 0) ?? timestamp
    }

    /// Whether `year` is a leap year of the Solar Hijri calendar (Esfand has 30 days).
    ///
    /// - Parameters:
    ///   - year: the Solar Hijri year.
    /// - Returns: `true` when Esfand 30 of `year` exists.
    public func isLeapYear(_ year: Int) -> Bool {
        timestamp(year: year, month: 12, day: 30, hour: 12) != nil
    }

    // MARK: SUS-2

    /// Whether `timestamp` falls on the last working days before rest, or on a rest day, in
    /// Tehran (SUS-2, second reading): a public holiday, Friday, the eve (the day before) of
    /// a public holiday, Thursday or Wednesday, the whole day. `nil` on an ordinary working
    /// day (Saturday to Tuesday). When several apply, the first of that order is given.
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: why the day is one SUS-2 warns about, or `nil`.
    public func isLastWorkingDayBeforeRest(_ timestamp: Timestamp) -> RestReason? {
        let local = solarHijriDate(of: timestamp)
        if let name = holiday(on: timestamp) { return .publicHoliday(name) }
        if local.weekday == .friday { return .friday }
        if let name = holiday(on: addingCalendarDays(1, to: timestamp)) { return .eveOfPublicHoliday(name) }
        if local.weekday == .thursday { return .thursday }
        if local.weekday == .wednesday { return .wednesday }
        return nil
    }

    /// Whether Tehran's day of `timestamp` is not a working day: a Friday or a public
    /// holiday (the replay counts them in a cut).
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: `true` on a Friday or a public holiday in Tehran.
    public func isNonWorkingDay(_ timestamp: Timestamp) -> Bool {
        solarHijriDate(of: timestamp).weekday == .friday || holiday(on: timestamp) != nil
    }

    /// The name of the public holiday on Tehran's day of `timestamp`, or `nil`: an extra
    /// day first, then a fixed Solar Hijri one, then a lunar one (computed with the
    /// arithmetic Islamic calendar: can be a day off, see ``PublicHolidays``).
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: the holiday's name, or `nil` on a day that is none.
    public func holiday(on timestamp: Timestamp) -> String? {
        let local = solarHijriDate(of: timestamp)
        if let name = holidays.holiday(on: local.solarHijriDay) { return name }
        guard !holidays.lunar.isEmpty else { return nil }
        let (date, _) = Self.date(of: timestamp)
        let lunar = islamic.dateComponents([.month, .day], from: date)
        guard let month = lunar.month, let day = lunar.day else { return nil }
        let tomorrow = islamic.date(byAdding: .day, value: 1, to: date).map { islamic.component(.day, from: $0) }
        return holidays.lunarHoliday(month: month, day: day, isLastDay: tomorrow == 1)
    }

    // MARK: Conversions

    /// The whole seconds of `timestamp` as a `Date` (exact in a `Double`) and the
    /// milliseconds left over (0...999).
    private static func date(of timestamp: Timestamp) -> (Date, Int64) {
        var seconds = timestamp.millisecondsSinceEpoch / 1000
        var milliseconds = timestamp.millisecondsSinceEpoch % 1000
        if milliseconds < 0 {
            milliseconds += 1000
            seconds -= 1
        }
        return (Date(timeIntervalSince1970: Double(seconds)), milliseconds)
    }

    /// The instant of `date` plus `milliseconds`, or `nil` when it is outside the range the
    /// format can write.
    private static func timestamp(of date: Date, plus milliseconds: Int64) -> Timestamp? {
        let seconds = date.timeIntervalSince1970.rounded()
        guard seconds.isFinite, abs(seconds) < 1e15 else { return nil }
        let value = Timestamp(millisecondsSinceEpoch: Int64(seconds) * 1000 + milliseconds)
        guard value >= .minimum, value <= .maximum else { return nil }
        return value
    }
}
