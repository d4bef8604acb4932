import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// Times given as options (`--at`, `--as-of`, `--known-at`, `--from`, `--to`): one parser
/// for all (TIME-1).
///
/// - RFC 3339 (interchange.md), such as `2025-02-03T20:00:00Z` or
///   `2025-02-03T23:30:00+03:30`; a year before 1900 is refused, for it is a Solar Hijri
///   date written as Gregorian (`1402-11-12T16:30:00+03:30`), and the hint says how to write it.
/// - Tehran wall-clock time in the Solar Hijri calendar, with slashes: `1402/11/12 16:30`,
///   `1402/11/12 16:30:45`, or a day alone, `1402/11/12` (its start, 00:00), at the offset
///   Tehran had then (``TehranCalendar/timestamp(solarHijri:)``, which states what happens
///   where the clocks changed).
///
/// A refusal is a `ValidationError`, so the message names the option
/// (`The value '1402/13/01' is invalid for '--at <time>': ...`).
enum TimeArgument {
    /// The first Gregorian year read: earlier ones are Solar Hijri years in disguise.
    static let earliestGregorianYear = 1900

    /// What the options' help says a time is.
    static let help = "RFC 3339, or Tehran time in the Solar Hijri calendar as 1402/11/12 16:30"

    /// Parses an option's value, refusing anything else with its reason.
    static func parse(_ text: String) throws -> Timestamp {
        if text.contains("/") {
            do {
                return try TehranCalendar.standard.timestamp(solarHijri: text)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let year = writtenYear(text), year < earliestGregorianYear {
            throw ValidationError(
                "\"\(text)\" has the year \(year), before \(earliestGregorianYear): it looks like a Solar Hijri date written as Gregorian; "
                    + "write Tehran time in the Solar Hijri calendar with slashes, as \(solarHijriSpelling(of: text)), or give the Gregorian date in RFC 3339"
            )
        }
        do {
            return try Timestamp(rfc3339: text)
        } catch {
            throw ValidationError(
                "\(error.description); give a time such as 2025-02-03T20:00:00Z, or Tehran time in the Solar Hijri calendar such as 1403/11/15 23:30"
            )
        }
    }

    /// The year of an RFC 3339 text (its first four characters, when they are digits and a
    /// `-` follows).
    private static func writtenYear(_ text: String) -> Int? {
        let bytes = Array(text.utf8.prefix(5))
        guard bytes.count == 5, bytes[4] == UInt8(ascii: "-"),
            bytes[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        return Int(String(decoding: bytes[0..<4], as: UTF8.self))
    }

    /// `1402-11-12T16:30:00+03:30` written the Solar Hijri way, `1402/11/12 16:30`
    /// (the wall-clock time as written; the offset is Tehran's own).
    private static func solarHijriSpelling(of text: String) -> String {
        let characters = Array(text)
        guard characters.count >= 10 else { return "1402/11/12 16:30" }
        let date = String(characters[0..<10].map { $0 == "-" ? "/" : $0 })
        guard characters.count >= 16, characters[10] == "T" || characters[10] == "t" || characters[10] == " " else {
            return date
        }
        let time = String(characters[11..<16])
        let seconds = characters.count >= 19 && characters[16] == ":" ? String(characters[16..<19]) : ""
        return "\(date) \(time)\(seconds == ":00" ? "" : seconds)"
    }
}
