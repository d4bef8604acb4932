public import SubledgerStore

/// Exact durations (TIME-1): an hour is 3,600 s, a day 86,400 s, a week 7 days, whatever
/// the calendar or the clocks of Tehran do. Months and years are calendar units: see
/// ``TehranCalendar``.
///
/// The arithmetic is overflow-checked and saturates at ``Timestamp/minimum`` and
/// ``Timestamp/maximum`` (the range the interchange format can write), so a deadline
/// absurdly far away is "never" rather than a trap.
extension Timestamp {
    /// Milliseconds in an hour: 3,600 s.
    public static let millisecondsPerHour: Int64 = 3_600_000
    /// Milliseconds in a day: 86,400 s (TIME-1: 24 h, never 23 or 25).
    public static let millisecondsPerDay: Int64 = 86_400_000
    /// Milliseconds in a week: 7 × 86,400 s.
    public static let millisecondsPerWeek: Int64 = 604_800_000

    /// The instant exactly `hours` × 3,600 s later (earlier when negative).
    ///
    /// - Parameters:
    ///   - hours: the number of hours.
    /// - Returns: the instant, saturated at `Timestamp.minimum` and `Timestamp.maximum`.
    public func adding(hours: Int64) -> Timestamp {
        adding(hours, times: Timestamp.millisecondsPerHour)
    }

    /// The instant exactly `days` × 86,400 s later (earlier when negative).
    ///
    /// - Parameters:
    ///   - days: the number of 24-hour days.
    /// - Returns: the instant, saturated at `Timestamp.minimum` and `Timestamp.maximum`.
    public func adding(days: Int64) -> Timestamp {
        adding(days, times: Timestamp.millisecondsPerDay)
    }

    /// The instant exactly `weeks` × 7 × 86,400 s later (earlier when negative).
    ///
    /// - Parameters:
    ///   - weeks: the number of weeks.
    /// - Returns: the instant, saturated at `Timestamp.minimum` and `Timestamp.maximum`.
    public func adding(weeks: Int64) -> Timestamp {
        adding(weeks, times: Timestamp.millisecondsPerWeek)
    }

    /// The instant exactly `milliseconds` later, saturating at the format's range.
    ///
    /// - Parameters:
    ///   - milliseconds: the duration, in milliseconds.
    /// - Returns: the instant, saturated at `Timestamp.minimum` and `Timestamp.maximum`.
    public func adding(milliseconds: Int64) -> Timestamp {
        let (sum, overflow) = millisecondsSinceEpoch.addingReportingOverflow(milliseconds)
        if overflow { return milliseconds > 0 ? .maximum : .minimum }
        return Timestamp(millisecondsSinceEpoch: sum).clampedToFormat
    }

    private func adding(_ count: Int64, times unit: Int64) -> Timestamp {
        let (product, overflow) = count.multipliedReportingOverflow(by: unit)
        if overflow { return count > 0 ? .maximum : .minimum }
        return adding(milliseconds: product)
    }

    /// This instant, moved into ``Timestamp/minimum`` ... ``Timestamp/maximum``.
    var clampedToFormat: Timestamp {
        Swift.min(Swift.max(self, .minimum), .maximum)
    }
}
