/// A `position` (or a `streamVersion`) of an exported event as the Python verifier reads
/// it: any positive integer, however large (a hand-edited file may hold one beyond 64 bits).
package struct ExportPosition: Comparable, CustomStringConvertible {
    /// The value when it fits in 64 bits (every position the store writes), else `nil`.
    private let small: UInt64?
    /// Decimal digits without leading zeros, for a value beyond 64 bits only.
    private let digits: [UInt8]

    init(_ value: UInt64) {
        small = value
        digits = []
    }

    /// The position written as `digits` (ASCII, no sign, no leading zero; at least 1).
    init?(digits text: String) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first != UInt8(ascii: "0"), bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        self.init(bytes: bytes)
    }

    /// Digits already checked: kept as a number when they fit in 64 bits.
    private init(bytes: [UInt8]) {
        if bytes.count <= 20, let value = UInt64(String(decoding: bytes, as: UTF8.self)) {
            small = value
            digits = []
        } else {
            small = nil
            digits = bytes
        }
    }

    static let one = ExportPosition(1)

    /// The position after this one.
    var next: ExportPosition {
        if let small, small < UInt64.max { return ExportPosition(small + 1) }
        var bytes = small.map { Array(String($0).utf8) } ?? digits
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

    /// The position before this one (which must be above 1).
    var previous: ExportPosition {
        if let small {
            precondition(small > 1, "no position before 1")
            return ExportPosition(small - 1)
        }
        // Beyond 64 bits: subtract one from the digits (never down to a leading zero, as the
        // result is above UInt64.max).
        var bytes = digits
        var index = bytes.count - 1
        while bytes[index] == UInt8(ascii: "0") {
            bytes[index] = UInt8(ascii: "9")
            index -= 1
        }
        bytes[index] -= 1
        if bytes[0] == UInt8(ascii: "0") { bytes.removeFirst() }
        return ExportPosition(bytes: bytes)
    }

    /// Whether `lhs` comes before `rhs`, however many digits they have.
    /// - Parameters:
    ///   - lhs: A position.
    ///   - rhs: Another.
    /// - Returns: `true` when `lhs` is the smaller number.
    package static func < (lhs: ExportPosition, rhs: ExportPosition) -> Bool {
        switch (lhs.small, rhs.small) {
        case (let left?, let right?): left < right
        // A value beyond 64 bits is larger than any that fits.
        case (.some, .none): true
        case (.none, .some): false
        case (.none, .none):
            lhs.digits.count != rhs.digits.count
                ? lhs.digits.count < rhs.digits.count : lhs.digits.lexicographicallyPrecedes(rhs.digits)
        }
    }

    /// The position's digits, as the file wrote them (without leading zeros).
    package var description: String { small.map { String($0) } ?? String(decoding: digits, as: UTF8.self) }
}
