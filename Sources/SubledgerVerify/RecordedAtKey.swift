import SubledgerStore

/// A key that orders RFC 3339 times by instant, exactly as `_time_key` of
/// `tools/verify_export.py` does: the UTC time to the second as text, then the fraction's
/// digits without trailing zeros (digit strings then compare as decimal fractions).
/// A leap second (`:60`) is accepted and sorts after `:59`.
struct RecordedAtKey: Comparable {
    private let stamp: [UInt8]
    private let fraction: [UInt8]

    static func < (lhs: RecordedAtKey, rhs: RecordedAtKey) -> Bool {
        lhs.stamp != rhs.stamp
            ? lhs.stamp.lexicographicallyPrecedes(rhs.stamp) : lhs.fraction.lexicographicallyPrecedes(rhs.fraction)
    }

    /// The key of `text`, or `nil` when it is not an RFC 3339 time.
    init?(_ text: String) {
        var copy = text
        guard let key = copy.withUTF8({ RecordedAtKey(bytes: $0) }) else { return nil }
        self = key
    }

    private init(stamp: [UInt8], fraction: [UInt8]) {
        self.stamp = stamp
        self.fraction = fraction
    }

    private init?(bytes: UnsafeBufferPointer<UInt8>) {
        // (\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2})), ASCII digits.
        let count = bytes.count
        func isDigit(_ index: Int) -> Bool { index < count && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
        func digits(_ range: Range<Int>) -> Bool {
            for index in range where !isDigit(index) { return false }
            return true
        }
        func at(_ index: Int, _ first: UInt8, _ second: UInt8? = nil) -> Bool {
            index < count && (bytes[index] == first || bytes[index] == second)
        }
        func number(_ range: Range<Int>) -> Int {
            var value = 0
            for index in range { value = value * 10 + Int(bytes[index] - 0x30) }
            return value
        }
        guard count >= 20, digits(0..<4), at(4, UInt8(ascii: "-")), digits(5..<7), at(7, UInt8(ascii: "-")),
            digits(8..<10),
            at(10, UInt8(ascii: "T"), UInt8(ascii: "t")), digits(11..<13), at(13, UInt8(ascii: ":")), digits(14..<16),
            at(16, UInt8(ascii: ":")), digits(17..<19)
        else { return nil }
        var index = 19
        var fractionRange = 19..<19
        if at(index, UInt8(ascii: ".")) {
            let start = index + 1
            index = start
            while isDigit(index) { index += 1 }
            guard index > start else { return nil }
            fractionRange = start..<index
        }
        let year = number(0..<4), month = number(5..<7), day = number(8..<10)
        let hour = number(11..<13), minute = number(14..<16), second = number(17..<19)
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= Int(CivilDate.daysInMonth(year: Int64(year), month: Int64(month))),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        while !fractionRange.isEmpty, bytes[fractionRange.upperBound - 1] == UInt8(ascii: "0") {
            fractionRange = fractionRange.lowerBound..<fractionRange.upperBound - 1
        }
        let fraction = fractionRange.isEmpty ? [] : Array(bytes[fractionRange])
        if at(index, UInt8(ascii: "Z"), UInt8(ascii: "z")), index + 1 == count {
            var stamp = Array(bytes[0..<19])
            stamp[10] = UInt8(ascii: "T")
            self.init(stamp: stamp, fraction: fraction)
            return
        }
        guard at(index, UInt8(ascii: "+"), UInt8(ascii: "-")), count == index + 6, digits(index + 1..<index + 3),
            at(index + 3, UInt8(ascii: ":")), digits(index + 4..<index + 6)
        else { return nil }
        let offsetHours = number(index + 1..<index + 3), offsetMinutes = number(index + 4..<index + 6)
        guard offsetHours <= 23, offsetMinutes <= 59 else { return nil }
        let sign = bytes[index] == UInt8(ascii: "+") ? -1 : 1
        let leap = second == 60
        // Python: datetime(local, seconds 59 for a leap second) -/+ offset, then strftime.
        var minutes =
            Int(CivilDate(year: Int64(year), month: Int64(month), day: Int64(day)).daysSinceEpoch) * 1440 + hour * 60
            + minute
        minutes += sign * (offsetHours * 60 + offsetMinutes)
        let utcDay = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440)
        let minuteOfDay = minutes - utcDay * 1440
        let civil = CivilDate(daysSinceEpoch: Int64(utcDay))
        let date = (year: Int(civil.year), month: Int(civil.month), day: Int(civil.day))
        guard (1...9999).contains(date.year) else { return nil }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        // glibc's strftime writes %Y without padding below year 1000, and Python uses it.
        let text =
            "\(date.year)-\(two(date.month))-\(two(date.day))T\(two(minuteOfDay / 60)):\(two(minuteOfDay % 60)):\(leap ? "60" : two(second))"
        self.init(stamp: Array(text.utf8), fraction: fraction)
    }
}
