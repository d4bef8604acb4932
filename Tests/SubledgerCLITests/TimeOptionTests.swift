import Testing
import SubledgerStore
@testable import subledger

/// Times given as options (TIME-1, issue 9 item 4): RFC 3339, or Tehran wall-clock time in
/// the Solar Hijri calendar with slashes, one parser for every option.
@Suite("Time options: RFC 3339 or Solar Hijri Tehran time")
struct TimeOptionTests {
    private func at(_ text: String) throws -> Timestamp { try Timestamp(rfc3339: text) }

    @Test(
        "One parser reads both forms: the issue's 1402/11/12 16:30, a summer before 2022 (+04:30) and after it (+03:30)"
    )
    func readsBothForms() throws {
        #expect(try TimeArgument.parse("1402/11/12 16:30") == at("2024-02-01T13:00:00Z"))
        #expect(try TimeArgument.parse("1400/05/01 12:00") == at("2021-07-23T07:30:00Z"))
        #expect(try TimeArgument.parse("1402/05/01 12:00") == at("2023-07-23T08:30:00Z"))
        #expect(try TimeArgument.parse("2025-02-03T20:00:00Z") == at("2025-02-03T20:00:00Z"))
        #expect(try TimeArgument.parse("1900-01-01T00:00:00+03:30") == at("1899-12-31T20:30:00Z"))
    }

    @Test(
        "The issue's example: due --at 1402-11-12T16:30:00+03:30 is refused with the Solar Hijri spelling, nothing on stdout"
    )
    func solarHijriYearWrittenAsGregorianIsRefused() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let refused = try sandbox.subledger("due", "--at", "1402-11-12T16:30:00+03:30")
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
        #expect(refused.stderr.contains("--at"), "the option is named: \(refused)")
        #expect(refused.stderr.contains("looks like a Solar Hijri date"), "\(refused)")
        #expect(refused.stderr.contains("1402/11/12 16:30"), "the hint says how to write it: \(refused)")
        let past = try #require(throws: (any Error).self) { try TimeArgument.parse("1899-12-31T23:59:59Z") }
        #expect("\(past)".contains("before 1900"), "\(past)")
    }

    @Test("Every time option takes Solar Hijri Tehran time: status and replay --as-of, due --at, export --from/--to")
    func everyOptionReadsSolarHijri() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let line = WorkedExample.line
        // The roaming usage occurred at 2025-02-03T09:00:00Z, 12:30 on 1403/11/15 in Tehran.
        let before = try sandbox.subledger("status", line, "--as-of", "1403/11/15 12:29", "--json")
        let atIt = try sandbox.subledger("status", line, "--as-of", "1403/11/15 12:30", "--json")
        #expect(try before.json()["debt"] == .integer(245_000), "\(before)")
        #expect(try atIt.json()["debt"] == .integer(315_000), "\(atIt)")
        // Each option's Solar Hijri form gives what its RFC 3339 form gives.
        let pairs: [([String], [String])] = [
            (
                ["status", line, "--as-of", "1403/11/15", "--json"],
                ["status", line, "--as-of", "2025-02-02T20:30:00Z", "--json"]
            ),
            (
                ["replay", line, "--as-of", "1403/11/15 22:30", "--json"],
                ["replay", line, "--as-of", "2025-02-03T19:00:00Z", "--json"]
            ),
            (["due", "--at", "1403/11/15 22:00:30", "--json"], ["due", "--at", "2025-02-03T18:30:30Z", "--json"]),
            (
                ["export", "--from", "1403/11/14 21:40", "--to", "1403/11/15 12:30:01"],
                ["export", "--from", "2025-02-02T18:10:00Z", "--to", "2025-02-03T09:00:01Z"]
            ),
        ]
        for (solarHijri, rfc3339) in pairs {
            let read = try sandbox.run(SubledgerBinary.path, solarHijri)
            let expected = try sandbox.run(SubledgerBinary.path, rfc3339)
            #expect(
                read.status == expected.status && read.stdout == expected.stdout,
                "\(solarHijri): \(read)\nvs \(rfc3339): \(expected)")
            #expect(!read.stdout.isEmpty, "\(read)")
        }
        let exported = try sandbox.subledger("export", "--from", "1403/11/14 21:40", "--to", "1403/11/15 12:30:01")
        #expect(
            exported.stdout.split(separator: "\n").count == 3,
            "the notice, its delivery and the roaming usage: \(exported)")
    }

    @Test(
        "Impossible Solar Hijri dates are refused naming the option",
        arguments: [
            (["due", "--at", "1402/13/01"], "--at", "month 13 does not exist"),
            (["due", "--at", "1402/01/32 10:00"], "--at", "day 32 does not exist"),
            (["status", WorkedExample.line, "--as-of", "1404/12/30"], "--as-of", "1404 is a common year"),
            (["replay", WorkedExample.line, "--known-at", "1402/11/12 25:00"], "--known-at", "hour 25 does not exist"),
            (["export", "--from", "1400/01/02 00:30"], "--from", "did not exist in Tehran"),
            (["export", "--to", "1400/06/30 23:30"], "--to", "occurred twice in Tehran"),
        ])
    func impossibleDatesAreRefused(_ arguments: [String], _ option: String, _ reason: String) throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text)).status == 0)
        let refused = try sandbox.run(SubledgerBinary.path, arguments)
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
        #expect(refused.stderr.contains("'\(option) <time>'"), "\(refused)")
        #expect(refused.stderr.contains(reason), "\(refused)")
    }
}
