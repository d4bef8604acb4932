import Testing
import SubledgerLedger
import SubledgerStore

/// TIME-1: Tehran wall-clock time written in the Solar Hijri calendar, as options take it
/// (`1402/11/12 16:30`), read at the offset Tehran had then.
@Suite("TIME-1: reading Solar Hijri wall-clock times")
struct SolarHijriWallClockParsingTests {
    let calendar = TehranCalendar()

    private func at(_ text: String) throws -> Timestamp { try Timestamp(rfc3339: text) }

    @Test("The issue's example: 1402/11/12 16:30 is 2024-02-01 13:00 UTC (+03:30)")
    func issueExample() throws {
        #expect(try calendar.timestamp(solarHijri: "1402/11/12 16:30") == at("2024-02-01T13:00:00Z"))
        #expect(try calendar.timestamp(solarHijri: "1402/11/12 16:30:45") == at("2024-02-01T13:00:45Z"))
        #expect(try calendar.timestamp(solarHijri: "1402/11/12") == at("2024-01-31T20:30:00Z"))
        // Persian digits and one-digit months and days read the same.
        #expect(try calendar.timestamp(solarHijri: "۱۴۰۲/۱۱/۱۲ ۱۶:۳۰") == at("2024-02-01T13:00:00Z"))
        #expect(try calendar.timestamp(solarHijri: "1402/1/5") == calendar.timestamp(solarHijri: "1402/01/05"))
    }

    @Test("A summer before 2022 is +04:30 (daylight saving time); a summer after it +03:30")
    func summerOffsets() throws {
        #expect(try calendar.timestamp(solarHijri: "1400/05/01 12:00") == at("2021-07-23T07:30:00Z"))
        #expect(try calendar.timestamp(solarHijri: "1402/05/01 12:00") == at("2023-07-23T08:30:00Z"))
        // Winter of the same year as the first: +03:30.
        #expect(try calendar.timestamp(solarHijri: "1400/11/01 12:00") == at("2022-01-21T08:30:00Z"))
    }

    @Test(
        "Where the clocks changed: a skipped time is refused, a repeated one refused naming both, a day alone starts when the day did"
    )
    func clockChanges() throws {
        // 1400/01/02 (2021-03-22): 00:00 became 01:00.
        let skipped = try #require(throws: SolarHijriTimeError.self) {
            try calendar.timestamp(solarHijri: "1400/01/02 00:30")
        }
        #expect(skipped.reason.contains("did not exist"))
        #expect(try calendar.timestamp(solarHijri: "1400/01/02 01:00") == at("2021-03-21T20:30:00Z"))
        #expect(try calendar.timestamp(solarHijri: "1400/01/02") == at("2021-03-21T20:30:00Z"))
        // 1400/06/30 (2021-09-21): 24:00 became 23:00, so 23:30 came twice.
        let repeated = try #require(throws: SolarHijriTimeError.self) {
            try calendar.timestamp(solarHijri: "1400/06/30 23:30")
        }
        #expect(repeated.reason.contains("occurred twice"))
        #expect(repeated.reason.contains("2021-09-21T19:00:00.000Z or 2021-09-21T20:00:00.000Z"))
        #expect(try calendar.timestamp(solarHijri: "1400/06/30 22:59") == at("2021-09-21T18:29:00Z"))
    }

    @Test(
        "Impossible dates and times are refused with the reason",
        arguments: [
            ("1402/13/01", "month 13 does not exist"),
            ("1402/00/10", "month 0 does not exist"),
            ("1402/01/32", "day 32 does not exist"),
            ("1402/07/31", "Mehr (month 7) has 30 days"),
            ("1404/12/30", "1404 is a common year: Esfand (month 12) has 29 days"),
            ("1402/11/12 24:00", "hour 24 does not exist"),
            ("1402/11/12 16:60", "minute 60 does not exist"),
            ("1402/11/12 16:30:61", "second 61 does not exist"),
            ("2024/02/01", "2024 looks like a Gregorian year"),
            ("1402-11/12", "not a Solar Hijri date"),
            ("1402/11/12 4pm", "not a time of day"),
            ("1402/11/12T16:30", "not a Solar Hijri date"),
        ])
    func refusals(_ text: String, _ reason: String) throws {
        let error = try #require(throws: SolarHijriTimeError.self) { try calendar.timestamp(solarHijri: text) }
        #expect(error.description.contains(reason), "\(error)")
        #expect(error.text == text)
    }

    @Test("Esfand 30 of a leap year exists")
    func leapEsfand() throws {
        #expect(try calendar.timestamp(solarHijri: "1403/12/30 12:00") == at("2025-03-20T08:30:00Z"))
    }
}
