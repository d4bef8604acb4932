import Foundation

/// Foundation's Solar Hijri, Gregorian and arithmetic Islamic calendars in one time zone:
/// what ``TehranCalendar`` computes with. Building them loads ICU's calendar and zone
/// data (about a millisecond), so the one set the process uses is made on first use.
struct ZonedCalendars: Sendable {
    /// The calendars in Asia/Tehran, made when first read (a static `let` is initialised
    /// once, lazily and thread-safely). Traps if Foundation has no Asia/Tehran time zone.
    static let tehran = ZonedCalendars(zoneIdentifier: TehranCalendar.timeZoneIdentifier)

    let persian: Calendar
    let gregorian: Calendar
    let islamic: Calendar

    private init(zoneIdentifier: String) {
        guard let zone = TimeZone(identifier: zoneIdentifier) else {
            preconditionFailure("Foundation has no time zone \(zoneIdentifier)")
        }
        var persian = Calendar(identifier: .persian)
        persian.timeZone = zone
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = zone
        var islamic = Calendar(identifier: .islamicCivil)
        islamic.timeZone = zone
        self.persian = persian
        self.gregorian = gregorian
        self.islamic = islamic
    }
}
