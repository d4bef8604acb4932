/// Iran's public holidays, as data, for SUS-2 ("the last working day before a weekend or a
/// public holiday").
///
/// Built in are the holidays fixed in the Solar Hijri calendar, which fall on the same
/// day every year (``fixedSolarHijri``). The religious holidays follow the lunar Hijri
/// calendar as Iran observes it (by sighting of the moon), so they move by about 11 days a
/// year and may differ by a day from any arithmetic lunar calendar; they are not built in,
/// because no computed date for them can be stated reliably. Pass them, for the years the
/// ledger judges, as ``extraDays`` (from the official calendar of the year).
public struct PublicHolidays: Hashable, Sendable {
    /// A holiday on the same Solar Hijri month and day every year.
    public struct Fixed: Hashable, Sendable {
        public var month: Int
        public var day: Int
        public var name: String

        public init(month: Int, day: Int, name: String) {
            self.month = month
            self.day = day
            self.name = name
        }
    }

    /// A holiday on one given Solar Hijri day (a lunar holiday of a given year, a one-off
    /// closure).
    public struct Dated: Hashable, Sendable {
        public var day: SolarHijriDay
        public var name: String

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

    /// The fixed Solar Hijri holidays and nothing else.
    public static let iran = PublicHolidays()

    /// Holidays every year on these Solar Hijri months and days.
    public var fixed: [Fixed]
    /// Holidays on these particular days.
    public var extraDays: [Dated]

    public init(fixed: [Fixed] = PublicHolidays.fixedSolarHijri, extraDays: [Dated] = []) {
        self.fixed = fixed
        self.extraDays = extraDays
    }

    /// These holidays plus `days`.
    public func adding(_ days: [Dated]) -> PublicHolidays {
        PublicHolidays(fixed: fixed, extraDays: extraDays + days)
    }

    /// The name of the holiday on `day`, or `nil` for an ordinary day. Fridays are the
    /// weekly rest day, not holidays: ``TehranCalendar`` treats them apart.
    public func holiday(on day: SolarHijriDay) -> String? {
        if let dated = extraDays.first(where: { $0.day == day }) { return dated.name }
        return fixed.first(where: { $0.month == day.month && $0.day == day.day })?.name
    }
}

/// Why an instant falls in the time SUS-2 warns about: the last working day before the
/// weekly rest or a public holiday, or the rest day itself.
public enum RestReason: Hashable, Sendable, CustomStringConvertible {
    /// Thursday from 12:00 Tehran time (the start of the Iranian weekend).
    case thursdayAfternoon
    /// Friday, the weekly day of rest.
    case friday
    /// The day itself is a public holiday (named).
    case publicHoliday(String)
    /// The next day is a public holiday (named): its eve.
    case eveOfPublicHoliday(String)

    public var description: String {
        switch self {
        case .thursdayAfternoon: "Thursday afternoon"
        case .friday: "Friday"
        case .publicHoliday(let name): "public holiday (\(name))"
        case .eveOfPublicHoliday(let name): "eve of a public holiday (\(name))"
        }
    }
}
