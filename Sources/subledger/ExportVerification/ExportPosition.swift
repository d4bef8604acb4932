/// A `position` of an exported event as the Python verifier reads it: any positive
/// integer, however large (a hand-edited file may hold one beyond 64 bits).
struct ExportPosition: Comparable, CustomStringConvertible {
    /// Decimal digits without leading zeros.
    private let digits: [UInt8]

    init(_ value: UInt64) {
        digits = Array(String(value).utf8)
    }

    /// The position written as `digits` (ASCII, no sign, no leading zero; at least 1).
    init?(digits text: String) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first != UInt8(ascii: "0"), bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        digits = bytes
    }

    private init(bytes: [UInt8]) {
        digits = bytes
    }

    static let one = ExportPosition(1)

    /// The position after this one.
    var next: ExportPosition {
        var bytes = digits
        var index = bytes.count - 1
        while index >= 0 {
            if bytes[index] == UInt8(ascii: "9") {
                bytes[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                bytes[index] += 1
                return ExportPosition(bytes: bytes)
            }
        }
        return ExportPosition(bytes: [UInt8(ascii: "1")] + bytes)
    }

    static func < (lhs: ExportPosition, rhs: ExportPosition) -> Bool {
        lhs.digits.count != rhs.digits.count ? lhs.digits.count < rhs.digits.count : lhs.digits.lexicographicallyPrecedes(rhs.digits)
    }

    var description: String { String(decoding: digits, as: UTF8.self) }
}
