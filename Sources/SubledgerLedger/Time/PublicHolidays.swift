/// Iran's public holidays, for SUS-2 ("the last working days before a weekend or a
/// public holiday") and for the replay's count of non-working days.
///
/// Built in are the holidays fixed in the Solar Hijri calendar, which fall on the same
/// day every year (``fixedSolarHijri``), and the religious ones of Iran's official list,
/// which follow the lunar Hijri calendar (``lunarHijri``). The lunar ones are **computed**,
/// not kept as a table: ``TehranCalendar`` maps each Tehran day to Foundation's
/// `Calendar(identifier: .islamicCivil)` (the arithmetic, tabular Islamic calendar; Linux's
/// Foundation supports it, as it does `.islamicUmmAlQura`). Iran fixes these days by
/// sighting of the moon, so a computed day **can be one day off** (early or late) from the
/// official calendar: checked against official dates, `.islamicCivil` gives Ashura 1402
/// (1402-05-06), Eid al-Fitr 1403 (1403-01-22), Eid al-Fitr 1404 (1404-01-11) and Ashura 1404
/// (1404-04-15) exactly and Ashura 1403 a day late (1403-04-27 for 1403-04-26); Umm al-Qura
/// was a day off more often (TehranCalendarTests). The official days of a year can be passed
/// as ``extraDays`` (which are named first), and the computed ones turned off with
/// `lunar: []`.
public struct PublicHolidays: Hashable, Sendable {
    /// A holiday on the same Solar Hijri month and day every year (and, as ``Lunar``, the
    /// same lunar Hijri month and day).
    public struct Fixed: Hashable, Sendable {
        /// The month, 1 (Farvardin) to 12 (Esfand) in the Solar Hijri calendar, or 1 (Muharram) to 12 for ``Lunar``.
        public var month: Int
        /// The day of the month, from 1; for ``Lunar``, 30 is the month's last day.
        public var day: Int
        /// The holiday's name, in English (``TehranCalendar/holiday(on:)`` gives it).
        public var name: String

        /// A holiday every year on `month`/`day`.
        ///
        /// - Parameters:
        ///   - month: the month, from 1.
        ///   - day: the day of the month, from 1.
        ///   - name: the holiday's name.
        public init(month: Int, day: Int, name: String) {
            self.month = month
            self.day = day
            self.name = name
        }
    }

    /// A holiday on one given Solar Hijri day (a lunar holiday of a given year, a one-off
    /// closure).
    public struct Dated: Hashable, Sendable {
        /// The Solar Hijri day of the holiday.
        public var day: SolarHijriDay
        /// The holiday's name.
        public var name: String

        /// A holiday on `day` only.
        ///
        /// - Parameters:
        ///   - day: the Solar Hijri day.
        ///   - name: the holiday's name.
        public init(day: SolarHijriDay, name: String) {
            self.day = day
            self.name = name
        }
    }

    /// The holidays fixed in the Solar Hijri calendar.
    public static let fixedSolarHijri: [Fixed] = [
        Fixed(month: 1, day: 1, name: "Nowruz"),
        Fixed(month: 1, day: 2, name: "Nowruz"),
        Fixed(month: 1, day: 3, name: "Nowruz"),
        Fixed(month: 1, day: 4, name: "Nowruz"),
        Fixed(month: 1, day: 12, name: "Islamic Republic Day"),
        Fixed(month: 1, day: 13, name: "Nature Day (Sizdah Bedar)"),
        Fixed(month: 3, day: 14, name: "Death of Ayatollah Khomeini"),
        Fixed(month: 3, day: 15, name: "Uprising of 15 Khordad"),
        Fixed(month: 11, day: 22, name: "Victory of the Islamic Revolution"),
        Fixed(month: 12, day: 29, name: "Nationalization of the Oil Industry"),
    ]

    /// A holiday on the same lunar Hijri month and day every year (Muharram is 1); day 30
    /// is the month's last day, the 29th in a month of 29 days.
    public typealias Lunar = Fixed

    /// The lunar holidays of Iran's official list.
    public static let lunarHijri: [Lunar] =
        ([
            (1, 9, "Tasua"),
            (1, 10, "Ashura"),
            (2, 20, "Arbaeen"),
            (2, 28, "Death of the Prophet and martyrdom of Imam Hassan"),
            (2, 30, "Martyrdom of Imam Reza"),
            (3, 8, "Martyrdom of Imam Hassan Askari"),
            (3, 17, "Birthday of the Prophet"),
            (6, 3, "Martyrdom of Fatima"),
            (7, 13, "Birthday of Imam Ali"),
            (7, 27, "Mab'ath"),
            (8, 15, "Birthday of Imam Mahdi"),
            (9, 21, "Martyrdom of Imam Ali"),
            (10, 1, "Eid al-Fitr"),
            (10, 2, "Eid al-Fitr"),
            (10, 25, "Martyrdom of Imam Sadiq"),
            (12, 10, "Eid al-Adha"),
            (12, 18, "Eid al-Ghadir"),
        ] as [(Int, Int, String)]).map { Lunar(month: $0.0, day: $0.1, name: $0.2) }

    /// The fixed Solar Hijri holidays and the computed lunar ones.
    public static let iran = PublicHolidays()

    /// Holidays every year on these Solar Hijri months and days.
    public var fixed: [Fixed]
    /// Holidays every year on these lunar Hijri months and days (computed, see the type).
    public var lunar: [Lunar]
    /// Holidays on these particular days (official corrections, one-off closures).
    public var extraDays: [Dated]

    /// A set of holidays; by default Iran's (``iran``).
    ///
    /// - Parameters:
    ///   - fixed: the holidays on the same Solar Hijri month and day every year.
    ///   - lunar: the holidays on the same lunar Hijri month and day every year (computed, see the type);
    ///     `[]` turns them off.
    ///   - extraDays: holidays on particular days; named before the fixed ones on the same day.
    public init(
        fixed: [Fixed] = PublicHolidays.fixedSolarHijri, lunar: [Lunar] = PublicHolidays.lunarHijri,
        extraDays: [Dated] = []
    ) {
        self.fixed = fixed
        self.lunar = lunar
        self.extraDays = extraDays
    }

    /// These holidays plus `days`.
    ///
    /// - Parameters:
    ///   - days: the particular days to add (official corrections, closures).
    /// - Returns: a copy whose ``extraDays`` end with `days`.
    public func adding(_ days: [Dated]) -> PublicHolidays {
        PublicHolidays(fixed: fixed, lunar: lunar, extraDays: extraDays + days)
    }

    /// The name of the lunar holiday on the lunar day `month`/`day`, `isLastDay` when it is
    /// the month's last day; `nil` when there is none.
    ///
    /// - Parameters:
    ///   - month: the lunar Hijri month, 1 (Muharram) to 12.
    ///   - day: the day of the lunar month, from 1.
    ///   - isLastDay: whether `day` is the month's last (so a holiday on day 30 falls on it).
    /// - Returns: the first matching holiday's name, or `nil`.
    public func lunarHoliday(month: Int, day: Int, isLastDay: Bool) -> String? {
        lunar.first { $0.month == month && ($0.day == day || ($0.day == 30 && isLastDay)) }?.name
    }

    /// The name of the holiday on `day` among the fixed and the extra days (the lunar ones
    /// need the lunar date: ``TehranCalendar/holiday(on:)``), or `nil`. Fridays are the
    /// weekly rest day, not holidays: ``TehranCalendar`` treats them apart.
    ///
    /// - Parameters:
    ///   - day: the Solar Hijri day.
    /// - Returns: the holiday's name, an extra day's first, or `nil`.
    public func holiday(on day: SolarHijriDay) -> String? {
        if let dated = extraDays.first(where: { $0.day == day }) { return dated.name }
        return fixed.first(where: { $0.month == day.month && $0.day == day.day })?.name
    }
}

/// Why an instant falls in the time SUS-2 warns about: the last working days before the
/// weekly rest or a public holiday, or a rest day itself.
public enum RestReason: Hashable, Sendable, CustomStringConvertible {
    /// Wednesday, the last working day but one before the weekend.
    case wednesday
    /// Thursday, the last working day before the weekend (half a working day for many).
    case thursday
    /// Friday, the weekly day of rest.
    case friday
    /// The day itself is a public holiday (named).
    case publicHoliday(String)
    /// The next day is a public holiday (named): its eve.
    case eveOfPublicHoliday(String)

    /// The reason for a person (`"Thursday, before the weekend"`).
    public var description: String {
        switch self {
        case .wednesday: "Wednesday, before the weekend"
        case .thursday: "Thursday, before the weekend"
        case .friday: "Friday, the weekly day of rest"
        case .publicHoliday(let name): "a public holiday (\(name))"
        case .eveOfPublicHoliday(let name): "eve of \(name)"
        }
    }

    /// Whether the day is not a working day (Friday, a public holiday), as the replay
    /// counts them.
    public var isNonWorkingDay: Bool {
        switch self {
        case .friday, .publicHoliday: true
        case .wednesday, .thursday, .eveOfPublicHoliday: false
        }
    }
}
