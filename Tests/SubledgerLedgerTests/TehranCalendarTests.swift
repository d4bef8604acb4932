import Testing
import SubledgerLedger
import SubledgerStore

@Suite("TIME-1: the Solar Hijri calendar in Asia/Tehran, exact durations")
struct TehranCalendarTests {
    let calendar = TehranCalendar()

    private func at(_ text: String) throws -> Timestamp { try Timestamp(rfc3339: text) }

    private func tehran(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0)
        throws -> Timestamp
    {
        try #require(calendar.timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    // MARK: The time zone's rules

    @Test("TIME-1: Foundation knows Asia/Tehran, with its daylight saving time until 2022")
    func timeZoneRules() throws {
        #expect(TehranCalendar.timeZoneIdentifier == "Asia/Tehran")
        // DST of 1401 ended at the end of 1401-06-30 (24:00 +04:30 → 23:00 +03:30).
        let lastDSTSecond = calendar.solarHijriDate(of: try at("2022-09-21T19:29:59Z"))
        #expect(lastDSTSecond.description == "1401-06-30 23:59:59")
        #expect(lastDSTSecond.utcOffsetDescription == "+04:30")
        let midnight = calendar.solarHijriDate(of: try at("2022-09-21T20:30:00Z"))
        #expect(midnight.description == "1401-06-31 00:00:00")
        #expect(midnight.gregorianDescription == "2022-09-22")
        #expect(midnight.utcOffsetSeconds == 12_600)
        // Summer 2022 still had DST: 12:00Z is 16:30 in Tehran.
        let summer2022 = calendar.solarHijriDate(of: try at("2022-07-01T12:00:00Z"))
        #expect(summer2022.hour == 16 && summer2022.minute == 30)
        #expect(summer2022.utcOffsetDescription == "+04:30")
        // Iran stopped DST in 2022: summer 2023 is +03:30.
        let summer2023 = calendar.solarHijriDate(of: try at("2023-06-01T12:00:00Z"))
        #expect(summer2023.hour == 15 && summer2023.minute == 30)
        #expect(summer2023.utcOffsetDescription == "+03:30")
        #expect(summer2023.description == "1402-03-11 15:30:00")
    }

    // MARK: Reading dates

    @Test("TIME-1: an instant is shown in Tehran time with Solar Hijri and Gregorian dates")
    func readsDates() throws {
        let instant = try at("2025-02-28T06:30:00.250Z")
        let local = calendar.solarHijriDate(of: instant)
        #expect(local.description == "1403-12-10 10:00:00")
        #expect(local.gregorianDescription == "2025-02-28")
        #expect(local.weekday == .friday)
        #expect(local.millisecond == 250)
        #expect(local.displayDescription == "1403-12-10 10:00:00 Tehran (2025-02-28)")
        #expect(local.solarHijriDay == SolarHijriDay(year: 1403, month: 12, day: 10))
        // Just before midnight UTC, it is already the next day in Tehran.
        let late = calendar.solarHijriDate(of: try at("2025-02-27T21:00:00Z"))
        #expect(late.description == "1403-12-10 00:30:00")
        #expect(late.gregorianDescription == "2025-02-28")
    }

    @Test(
        "TIME-1: the Iranian week starts on Saturday",
        arguments: [
            ("2024-03-30T08:00:00Z", Weekday.saturday), ("2024-03-31T08:00:00Z", .sunday),
            ("2024-04-01T08:00:00Z", .monday), ("2024-04-02T08:00:00Z", .tuesday),
            ("2024-04-03T08:00:00Z", .wednesday), ("2024-04-04T08:00:00Z", .thursday),
            ("2024-04-05T08:00:00Z", .friday),
        ])
    func weekdays(_ text: String, _ weekday: Weekday) throws {
        #expect(calendar.solarHijriDate(of: try at(text)).weekday == weekday)
    }

    @Test("TIME-1: Weekday is Saturday-first")
    func weekdayOrder() {
        #expect(Weekday.saturday.rawValue == 1)
        #expect(Weekday.friday.rawValue == 7)
        #expect(Weekday.allCases.first == .saturday)
        #expect(Weekday.friday.persianName == "جمعه")
    }

    @Test("TIME-1: wall-clock times are written back exactly, impossible days refused")
    func writesDates() throws {
        #expect(try tehran(1403, 12, 10, 10) == at("2025-02-28T06:30:00Z"))
        #expect(try tehran(1400, 5, 30) == at("2021-08-20T19:30:00Z"))
        #expect(calendar.timestamp(year: 1404, month: 12, day: 30) == nil)
        #expect(calendar.timestamp(year: 1403, month: 7, day: 31) == nil)
        #expect(calendar.timestamp(year: 1403, month: 13, day: 1) == nil)
        #expect(calendar.timestamp(year: 1403, month: 1, day: 1, hour: 24) == nil)
        #expect(calendar.isLeapYear(1403))
        #expect(!calendar.isLeapYear(1404))
        #expect(calendar.startOfDay(try at("2025-02-28T15:00:00Z")) == (try at("2025-02-27T20:30:00Z")))
    }

    @Test("TIME-1: SolarHijriDay parses YYYY-MM-DD and orders by date")
    func solarHijriDayParsing() {
        #expect(SolarHijriDay("1403-04-26") == SolarHijriDay(year: 1403, month: 4, day: 26))
        #expect(SolarHijriDay("1403-4-26") == nil)
        #expect(SolarHijriDay("1403-13-01") == nil)
        #expect(SolarHijriDay("۱۴۰۳-04-26") == nil)
        #expect(SolarHijriDay(year: 1403, month: 12, day: 30) < SolarHijriDay(year: 1404, month: 1, day: 1))
        #expect(SolarHijriDay(year: 1403, month: 1, day: 2).description == "1403-01-02")
    }

    // MARK: Months and years

    @Test("TIME-1: one month after 1402-12-10 10:00 Tehran is 1403-01-10 10:00")
    func addsAMonth() throws {
        let start = try tehran(1402, 12, 10, 10)
        #expect(start == (try at("2024-02-29T06:30:00Z")))
        let later = calendar.addingMonths(1, to: start)
        #expect(calendar.solarHijriDate(of: later).description == "1403-01-10 10:00:00")
        #expect(later == (try at("2024-03-29T06:30:00Z")))
        #expect(calendar.addingMonths(-1, to: later) == start)
        #expect(calendar.addingMonths(0, to: start) == start)
        #expect(calendar.addingMonths(Int64(12), to: start) == calendar.addingYears(1, to: start))
    }

    @Test("TIME-1: at the end of a month, the day is clamped to the last day of a shorter month")
    func clampsTheEndOfAMonth() throws {
        let lastOfShahrivar = try tehran(1403, 6, 31, 10)
        let nextMonth = calendar.addingMonths(1, to: lastOfShahrivar)
        #expect(calendar.solarHijriDate(of: nextMonth).description == "1403-07-30 10:00:00")
        // n months in one step, from the original day.
        #expect(
            calendar.solarHijriDate(of: calendar.addingMonths(6, to: lastOfShahrivar)).description
                == "1403-12-30 10:00:00")
        #expect(
            calendar.solarHijriDate(of: calendar.addingMonths(18, to: lastOfShahrivar)).description
                == "1404-12-29 10:00:00")
        // A month later is not a month back: 1403-07-30 − 1 month = 1403-06-30.
        #expect(
            calendar.solarHijriDate(of: calendar.addingMonths(-1, to: nextMonth)).description == "1403-06-30 10:00:00")
    }

    @Test("TIME-1: a year after Esfand 30 of a leap year is Esfand 29")
    func clampsEsfandThirty() throws {
        let leapDay = try tehran(1403, 12, 30, 10)
        let nextYear = calendar.addingYears(1, to: leapDay)
        #expect(calendar.solarHijriDate(of: nextYear).description == "1404-12-29 10:00:00")
        #expect(calendar.solarHijriDate(of: calendar.addingYears(-1, to: leapDay)).description == "1402-12-29 10:00:00")
        #expect(
            calendar.solarHijriDate(of: calendar.addingYears(Int64(2), to: try tehran(1403, 2, 1, 8))).description
                == "1405-02-01 08:00:00")
    }

    @Test(
        "TIME-1: a wall-clock time skipped by the spring-forward moves forward; a repeated one is its first occurrence")
    func daylightSavingEdges() throws {
        // 1400-01-02 00:00–01:00 did not exist (DST began).
        let beforeGap = try tehran(1399, 12, 2, 0, 30)
        #expect(
            calendar.solarHijriDate(of: calendar.addingMonths(1, to: beforeGap)).description == "1400-01-02 01:30:00")
        // 1400-06-30 23:00–24:00 happened twice (DST ended): the first, at +04:30.
        let beforeRepeat = try tehran(1400, 5, 30, 23, 30)
        #expect(calendar.addingMonths(1, to: beforeRepeat) == (try at("2021-09-21T19:00:00Z")))
    }

    @Test("TIME-1: milliseconds are carried; absurd spans saturate at the format's range")
    func carriesMillisecondsAndSaturates() throws {
        let start = try at("2024-02-29T06:30:00.789Z")
        #expect(calendar.addingMonths(1, to: start) == (try at("2024-03-29T06:30:00.789Z")))
        let beforeEpoch = try at("1960-06-01T10:00:00.250Z")
        let monthLater = calendar.addingMonths(1, to: beforeEpoch)
        #expect((monthLater.millisecondsSinceEpoch - beforeEpoch.millisecondsSinceEpoch) % 1000 == 0)
        #expect(calendar.solarHijriDate(of: monthLater).millisecond == 250)
        #expect(calendar.solarHijriDate(of: beforeEpoch).millisecond == 250)
        #expect(calendar.addingYears(Int.max, to: start) == .maximum)
        #expect(calendar.addingMonths(Int.min, to: start) == .minimum)
        #expect(calendar.addingYears(Int64.max, to: start) == .maximum)
        #expect(calendar.addingYears(9_000, to: start) == .maximum)
    }

    // MARK: Exact durations

    @Test("TIME-1: hours, days and weeks are exact, whatever the clocks in Tehran do")
    func exactDurations() throws {
        // 2022-03-21/22: Tehran moved its clocks forward; a day is still 86,400 s.
        let before = try at("2022-03-21T12:00:00Z")
        let dayLater = before.adding(days: 1)
        #expect(dayLater == (try at("2022-03-22T12:00:00Z")))
        #expect(calendar.solarHijriDate(of: before).description == "1401-01-01 15:30:00")
        #expect(calendar.solarHijriDate(of: dayLater).description == "1401-01-02 16:30:00")
        #expect(before.adding(hours: 24) == dayLater)
        #expect(before.adding(hours: 72) == before.adding(days: 3))
        #expect(before.adding(days: 15).millisecondsSinceEpoch - before.millisecondsSinceEpoch == 15 * 86_400_000)
        #expect(before.adding(weeks: 2) == before.adding(days: 14))
        #expect(before.adding(hours: -1) == (try at("2022-03-21T11:00:00Z")))
        #expect(before.adding(days: .max) == .maximum)
        #expect(before.adding(days: .min) == .minimum)
        #expect(Timestamp.maximum.adding(hours: 1) == .maximum)
    }

    // MARK: SUS-2

    @Test("SUS-2 (b): Wednesday and Thursday are the last working days before the weekend, all day")
    func wednesdayAndThursday() throws {
        // 1403-02-11 is Tuesday 2024-04-30, 1403-02-12 Wednesday, 1403-02-13 Thursday.
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 11, 23, 59, 59)) == nil)
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 12, 0, 0)) == .wednesday)
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 12, 23, 59, 59)) == .wednesday)
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 13, 0, 0)) == .thursday)
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 13, 11, 59)) == .thursday)
        // Midnight in Tehran is 20:30Z the day before (no daylight saving since 2022).
        #expect(calendar.isLastWorkingDayBeforeRest(try at("2024-04-30T20:29:59.999Z")) == nil)
        #expect(calendar.isLastWorkingDayBeforeRest(try at("2024-04-30T20:30:00Z")) == .wednesday)
    }

    @Test("SUS-2: Friday is the weekly rest day")
    func friday() throws {
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 14, 0, 0)) == .friday)
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 14, 23, 59)) == .friday)
        // 1403-02-15, the Saturday after, is a lunar holiday (25 Shawwal 1445); the next
        // Saturday morning is a working day again.
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 15, 9)) == .publicHoliday("Martyrdom of Imam Sadiq")
        )
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 22, 9)) == nil)
    }

    @Test("SUS-2: the day before a public holiday, and the holiday itself")
    func publicHolidays() throws {
        // 1403-03-13 (Sunday) is the eve of 3/14; 1403-03-14 and 3/15 are holidays.
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1403, 3, 13, 9))
                == .eveOfPublicHoliday("Death of Ayatollah Khomeini"))
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1403, 3, 14, 9))
                == .publicHoliday("Death of Ayatollah Khomeini"))
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1403, 11, 22, 9))
                == .publicHoliday("Victory of the Islamic Revolution"))
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1403, 11, 21, 0, 0))
                == .eveOfPublicHoliday("Victory of the Islamic Revolution"))
        // An ordinary Monday.
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 2, 10, 10)) == nil)
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1402, 12, 27, 10)) == nil)
    }

    @Test("SUS-2: Esfand 29, and Esfand 30 of a leap year as the eve of Nowruz")
    func yearEnd() throws {
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1403, 12, 28, 10))
                == .eveOfPublicHoliday("Nationalization of the Oil Industry"))
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1403, 12, 29, 10))
                == .publicHoliday("Nationalization of the Oil Industry"))
        // 1403-12-30 is a Thursday and the eve of Nowruz: the holiday is named first.
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 12, 30, 10)) == .eveOfPublicHoliday("Nowruz"))
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1404, 1, 1, 10)) == .publicHoliday("Nowruz"))
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1404, 1, 13, 10))
                == .publicHoliday("Nature Day (Sizdah Bedar)"))
    }

    @Test("SUS-2: lunar holidays are given per year as extra days")
    func extraDays() throws {
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1403, 4, 24, 10)) == nil)
        let withAshura = TehranCalendar(
            holidays: PublicHolidays.iran.adding([
                PublicHolidays.Dated(day: SolarHijriDay(year: 1403, month: 4, day: 25), name: "Tasua"),
                PublicHolidays.Dated(day: SolarHijriDay(year: 1403, month: 4, day: 26), name: "Ashura"),
            ]))
        #expect(withAshura.isLastWorkingDayBeforeRest(try tehran(1403, 4, 24, 10)) == .eveOfPublicHoliday("Tasua"))
        #expect(withAshura.isLastWorkingDayBeforeRest(try tehran(1403, 4, 25, 10)) == .publicHoliday("Tasua"))
        #expect(withAshura.isLastWorkingDayBeforeRest(try tehran(1403, 4, 26, 10)) == .publicHoliday("Ashura"))
        // Only in the year given.
        #expect(withAshura.isLastWorkingDayBeforeRest(try tehran(1404, 4, 24, 10)) == nil)
        #expect(PublicHolidays.iran.holiday(on: SolarHijriDay(year: 1403, month: 1, day: 4)) == "Nowruz")
        #expect(PublicHolidays.iran.holiday(on: SolarHijriDay(year: 1403, month: 1, day: 5)) == nil)
        #expect(PublicHolidays.fixedSolarHijri.count == 10)
    }

    @Test("SUS-2: reasons read as English")
    func reasonDescriptions() {
        #expect(RestReason.wednesday.description == "Wednesday, before the weekend")
        #expect(RestReason.thursday.description == "Thursday, before the weekend")
        #expect(RestReason.eveOfPublicHoliday("Ashura").description == "eve of Ashura")
        #expect(RestReason.publicHoliday("Nowruz").description == "a public holiday (Nowruz)")
    }

    /// Official dates of the Iranian calendar (moon sighting) the computed lunar holidays are
    /// checked against (SUS-2 (b), PublicHolidays' doc comment states the error).
    @Test("SUS-2 (b): the lunar holidays computed from the arithmetic Islamic calendar, against official dates")
    func lunarHolidaysAgainstOfficialDates() throws {
        // Exactly: Ashura 1402 (Friday 2023-07-28), Eid al-Fitr 1403 (2024-04-10) and the day
        // after, Eid al-Fitr 1404 (2025-03-31), Tasua and Ashura 1404 (2025-07-05, 07-06).
        #expect(calendar.holiday(on: try tehran(1402, 5, 6, 12)) == "Ashura")
        #expect(calendar.holiday(on: try tehran(1402, 5, 5, 12)) == "Tasua")
        #expect(calendar.holiday(on: try tehran(1403, 1, 22, 12)) == "Eid al-Fitr")
        #expect(calendar.holiday(on: try tehran(1403, 1, 23, 12)) == "Eid al-Fitr")
        #expect(calendar.holiday(on: try tehran(1404, 1, 11, 12)) == "Eid al-Fitr")
        #expect(calendar.holiday(on: try tehran(1404, 4, 14, 12)) == "Tasua")
        #expect(calendar.holiday(on: try tehran(1404, 4, 15, 12)) == "Ashura")
        // Within a day: Ashura 1403 was 1403-04-26 (2024-07-16); the arithmetic calendar puts
        // it a day late, on 1403-04-27 (and Tasua on the official Ashura).
        let ashura1403 = try tehran(1403, 4, 26, 12)
        let near = (-1...1).map { calendar.holiday(on: ashura1403.adding(days: Int64($0))) }
        #expect(near.contains("Ashura"))
        #expect(calendar.holiday(on: try tehran(1403, 4, 27, 12)) == "Ashura")
        // The official days as extra days are named first, and `lunar: []` turns the computed
        // ones off.
        let official = TehranCalendar(
            holidays: PublicHolidays(
                lunar: [],
                extraDays: [
                    PublicHolidays.Dated(day: SolarHijriDay(year: 1403, month: 4, day: 26), name: "Ashura")
                ]))
        #expect(official.holiday(on: ashura1403) == "Ashura")
        #expect(official.holiday(on: try tehran(1403, 4, 27, 12)) == nil)
        #expect(official.holiday(on: try tehran(1404, 4, 15, 12)) == nil)
        #expect(PublicHolidays.lunarHijri.count == 17)
    }

    @Test("SUS-2 (b): the eve of a lunar holiday, the holiday itself, and the last day of Safar")
    func lunarEve() throws {
        // Ashura 1404 is Sunday 1404-04-15: Saturday 1404-04-14 is Tasua, Friday 04-13 its eve
        // but a Friday first.
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1404, 4, 14, 10)) == .publicHoliday("Tasua"))
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1404, 4, 13, 10)) == .friday)
        // Eid al-Fitr 1404 is Monday 1404-01-11: Sunday 1404-01-10 is its eve, all day.
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1404, 1, 10, 0, 0)) == .eveOfPublicHoliday("Eid al-Fitr"))
        #expect(
            calendar.isLastWorkingDayBeforeRest(try tehran(1404, 1, 10, 23, 59, 59))
                == .eveOfPublicHoliday("Eid al-Fitr"))
        #expect(calendar.isLastWorkingDayBeforeRest(try tehran(1404, 1, 9, 23, 59, 59)) == nil)
        // Safar 1447 has 29 days in the arithmetic calendar: the 29th (1404-06-02) is its
        // last, Imam Reza's martyrdom; the 28th (1404-06-01) the Prophet's death.
        #expect(calendar.holiday(on: try tehran(1404, 6, 1, 12)) == "Death of the Prophet and martyrdom of Imam Hassan")
        #expect(calendar.holiday(on: try tehran(1404, 6, 2, 12)) == "Martyrdom of Imam Reza")
        #expect(calendar.isNonWorkingDay(try tehran(1404, 6, 2, 12)))
        #expect(!calendar.isNonWorkingDay(try tehran(1404, 6, 3, 12)))
    }
}
