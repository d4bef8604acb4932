public import SubledgerStore

/// How the ledger shows figures and instants to people (TIME-1): amounts with digit
/// grouping (`315,000`), instants in Tehran time with the Solar Hijri and the Gregorian
/// date (`1403-11-15 21:40 Tehran (2025-02-03)`). Every command's human output, the
/// replay and the audit's messages show times through it; `--json` keeps UTC RFC 3339.
public struct DisplayFormat: Sendable {
    /// The Tehran calendar the instants are shown in (its holidays do not change the text).
    public var calendar: TehranCalendar

    /// A format over `calendar`.
    ///
    /// - Parameters:
    ///   - calendar: the Tehran calendar; ``TehranCalendar/standard`` by default.
    public init(calendar: TehranCalendar = .standard) {
        self.calendar = calendar
    }

    /// `315,000`; `-1,200` for a negative amount.
    ///
    /// - Parameters:
    ///   - amount: the amount, in rials.
    /// - Returns: the digits grouped by three with commas, no unit.
    public static func rials(_ amount: Rials) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        grouped.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return amount < 0 ? "-" + grouped : grouped
    }

    /// `1403-11-15 21:40 Tehran (2025-02-03)`: Tehran wall-clock time on the Solar Hijri
    /// date, the Gregorian date of the same Tehran day in brackets (TIME-1). Seconds are
    /// shown when not zero (`21:40:04`), for deadlines that turn on them, and milliseconds
    /// only when not zero (`21:40:04.250`): people never read `.000`.
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: the text.
    public func time(_ timestamp: Timestamp) -> String {
        Self.text(of: calendar.solarHijriDate(of: timestamp))
    }

    /// ``time(_:)`` after the English name of the Tehran weekday:
    /// `Monday 1403-11-15 21:40 Tehran (2025-02-03)` (SUS-2 turns on the weekday).
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: the text, weekday first.
    public func timeWithWeekday(_ timestamp: Timestamp) -> String {
        let local = calendar.solarHijriDate(of: timestamp)
        return "\(Self.weekdayName(local.weekday)) \(Self.text(of: local))"
    }

    /// The English name of a weekday, capitalised as in a sentence: `Thursday`.
    ///
    /// - Parameters:
    ///   - weekday: the day of the week.
    /// - Returns: its name.
    public static func weekdayName(_ weekday: Weekday) -> String {
        let name = weekday.description
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    /// The one shape every time shown to people has (see ``time(_:)``).
    ///
    /// - Parameters:
    ///   - local: an instant as read in Tehran.
    /// - Returns: the text, as ``time(_:)`` gives it.
    public static func text(of local: TehranDateTime) -> String {
        var text = "\(local.solarHijriDay) \(twoDigits(local.hour)):\(twoDigits(local.minute))"
        if local.second != 0 || local.millisecond != 0 { text += ":\(twoDigits(local.second))" }
        if local.millisecond != 0 { text += "." + String(String(1000 + local.millisecond).dropFirst()) }
        return text + " Tehran (\(local.gregorianDescription))"
    }

    /// `1403-11-15 (2025-02-03)`: the day only.
    ///
    /// - Parameters:
    ///   - timestamp: the instant.
    /// - Returns: its Tehran day, Solar Hijri then Gregorian.
    public func day(_ timestamp: Timestamp) -> String {
        let local = calendar.solarHijriDate(of: timestamp)
        return "\(local.solarHijriDay) (\(local.gregorianDescription))"
    }

    /// A message of the rules made readable: every RFC 3339 instant in it becomes Tehran
    /// time (``time(_:)``) and every whole number of five digits or more that stands alone
    /// is grouped (`315000` → `315,000`). Identifiers (`N-7`, `+989121234567`,
    /// `thresholdWarning-1738606200000`) are left as they are.
    ///
    /// - Parameters:
    ///   - message: a message of the rules or the audit, with UTC instants and plain numbers.
    /// - Returns: the message for a person; the text between those is unchanged.
    public func humanize(_ message: String) -> String {
        let bytes = Array(message.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            if let (timestamp, length) = Self.instant(in: bytes, at: index), Self.standsAlone(bytes, index) {
                output.append(contentsOf: Array(time(timestamp).utf8))
                index += length
                continue
            }
            if Self.isDigit(bytes[index]), Self.standsAlone(bytes, index) {
                var end = index
                while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
                let run = bytes[index..<end]
                let followedWell = end == bytes.count || Self.endsNumber(bytes, end)
                if run.count >= 5, run.count <= 18, followedWell,
                    let value = Int64(String(decoding: run, as: UTF8.self))
                {
                    output.append(contentsOf: Array(Self.rials(value).utf8))
                } else {
                    output.append(contentsOf: run)
                }
                index = end
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Helpers

    /// `2 day(s) 3 h`, `5 h 20 min`, `40 min`: whole minutes, the rest dropped.
    ///
    /// - Parameters:
    ///   - milliseconds: the duration, in milliseconds.
    /// - Returns: the duration in days, hours and minutes, the largest units only.
    package static func duration(milliseconds: Int64) -> String {
        let minutes = milliseconds / 60_000
        let days = minutes / 1440
        let hours = minutes % 1440 / 60
        if days > 0 { return hours > 0 ? "\(days) day(s) \(hours) h" : "\(days) day(s)" }
        if hours > 0 { return minutes % 60 > 0 ? "\(hours) h \(minutes % 60) min" : "\(hours) h" }
        return "\(minutes) min"
    }

    /// `value` with a leading zero below 10 (`07`), for hours, minutes, seconds.
    ///
    /// - Parameters:
    ///   - value: a number from 0.
    /// - Returns: its digits, at least two.
    package static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/")
    }

    /// Whether the token starting at `index` is not the tail of a word or an identifier.
    private static func standsAlone(_ bytes: [UInt8], _ index: Int) -> Bool {
        index == 0 || !isWordByte(bytes[index - 1])
    }

    /// Whether a number that ends before `end` ends there as a number (not `12ab`, `12-3`).
    private static func endsNumber(_ bytes: [UInt8], _ end: Int) -> Bool {
        let byte = bytes[end]
        if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") {
            return end + 1 == bytes.count || !isWordByte(bytes[end + 1])
        }
        return !isWordByte(byte)
    }

    /// An RFC 3339 instant of the format's output shape (`YYYY-MM-DDTHH:MM:SS(.sss)Z`)
    /// starting at `index`, and its length.
    private static func instant(in bytes: [UInt8], at index: Int) -> (Timestamp, Int)? {
        guard index + 20 <= bytes.count, isDigit(bytes[index]), bytes[index + 4] == UInt8(ascii: "-"),
            bytes[index + 10] == UInt8(ascii: "T")
        else { return nil }
        var end = index + 19
        if end < bytes.count, bytes[end] == UInt8(ascii: ".") {
            end += 1
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "Z") else { return nil }
        let text = String(decoding: bytes[index...end], as: UTF8.self)
        guard let timestamp = try? Timestamp(rfc3339: text) else { return nil }
        return (timestamp, end + 1 - index)
    }
}
