import Testing
import SubledgerStore

@Suite("Timestamps (RFC 3339, milliseconds, UTC)")
struct TimestampTests {
    @Test(arguments: [
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000Z"),
        ("2024-03-01T10:00:00.5Z", "2024-03-01T10:00:00.500Z"),
        ("2024-03-01T10:00:00.123000Z", "2024-03-01T10:00:00.123Z"),
        ("2024-03-01T13:30:00+03:30", "2024-03-01T10:00:00.000Z"),
        ("2024-02-29T23:59:59.999-00:30", "2024-03-01T00:29:59.999Z"),
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
    ])
    func parsesAndWritesTheOutputForm(_ input: String, _ output: String) throws {
        #expect(try Timestamp(rfc3339: input).rfc3339 == output)
    }

    @Test(arguments: [
        "2024-03-01", "2024-03-01T10:00:00", "2024-02-30T10:00:00Z", "2023-02-29T00:00:00Z",
        "2024-03-01T24:00:00Z", "2024-03-01T10:00:60Z", "2024-03-01T10:00:00.1234Z", "2024-03-01T10:00:00.Z",
        "2024-3-01T10:00:00Z", "2024-03-01T10:00:00Zjunk", "", "٢٠٢٤-03-01T10:00:00Z",
    ])
    func refusesWhatIsNotAnRFC3339Time(_ input: String) {
        #expect(throws: TimestampParseError.self) { try Timestamp(rfc3339: input) }
    }

    @Test func roundTripsEveryDayOfFourCenturies() throws {
        var day = try Timestamp(rfc3339: "1900-01-01T00:00:00Z")
        let end = try Timestamp(rfc3339: "2300-01-01T00:00:00Z")
        while day < end {
            #expect(try Timestamp(rfc3339: day.rfc3339) == day)
            day = day.adding(seconds: 86_400 + 3_661)
        }
    }
}
