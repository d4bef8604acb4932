import SubledgerStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Scans canonical JSON, refusing (`false`) at the first byte that is not in canonical form.
struct CanonicalScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    private var current: UInt8 { index < count ? base[index] : 0 }

    /// An object at `index`; calls `member` with each member's key (without quotes) and place.
    mutating func object(depth: Int, _ member: (UnsafeRawBufferPointer, CanonicalLine.Member) -> Void) -> Bool {
        guard depth <= CanonicalLine.maximumDepth, current == UInt8(ascii: "{") else { return false }
        index += 1
        if current == UInt8(ascii: "}") {
            index += 1
            return true
        }
        var previousKey: UnsafeRawBufferPointer?
        while true {
            let start = index
            // A key: a string without escapes (an escape changes the order of its bytes).
            guard current == UInt8(ascii: "\""), let escaped = string(), !escaped else { return false }
            let key = UnsafeRawBufferPointer(start: base + start + 1, count: index - start - 2)
            if let previousKey, !Self.precedes(previousKey, key) { return false }
            previousKey = key
            guard current == UInt8(ascii: ":") else { return false }
            index += 1
            let valueStart = index
            guard let kind = value(depth: depth) else { return false }
            member(key, CanonicalLine.Member(start: start, valueStart: valueStart, end: index, kind: kind))
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard current == UInt8(ascii: "}") else { return false }
            index += 1
            return true
        }
    }

    /// Whether `lhs` sorts strictly before `rhs` by bytes (the order of code points).
    private static func precedes(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        let common = min(lhs.count, rhs.count)
        var index = 0
        while index < common {
            let left = lhs[index], right = rhs[index]
            if left != right { return left < right }
            index += 1
        }
        return lhs.count < rhs.count
    }

    private mutating func value(depth: Int) -> CanonicalLine.Kind? {
        switch current {
        case UInt8(ascii: "\""):
            guard let escaped = string() else { return nil }
            return escaped ? .escapedString : .plainString
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return integer() ? .integer : nil
        case UInt8(ascii: "{"):
            return object(depth: depth + 1) { _, _ in } ? .other : nil
        case UInt8(ascii: "["):
            return array(depth: depth + 1) ? .other : nil
        case UInt8(ascii: "t"):
            return literal("true") ? .other : nil
        case UInt8(ascii: "f"):
            return literal("false") ? .other : nil
        case UInt8(ascii: "n"):
            return literal("null") ? .other : nil
        default:
            return nil
        }
    }

    private mutating func array(depth: Int) -> Bool {
        guard depth <= CanonicalLine.maximumDepth else { return false }
        index += 1
        if current == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            guard value(depth: depth) != nil else { return false }
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard current == UInt8(ascii: "]") else { return false }
            index += 1
            return true
        }
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard count - index >= length, memcmp(base + index, text.utf8Start, length) == 0 else { return false }
        index += length
        return true
    }

    /// `0`, or up to 18 digits without a leading zero, negative or not (`-0` is not canonical).
    private mutating func integer() -> Bool {
        if current == UInt8(ascii: "-") { index += 1 }
        let start = index
        guard current >= UInt8(ascii: "1"), current <= UInt8(ascii: "9") else {
            // A lone zero, not after a minus sign.
            guard current == UInt8(ascii: "0"), start == 0 || base[start - 1] != UInt8(ascii: "-") else { return false }
            index += 1
            return !isDigit(current)
        }
        while isDigit(current) { index += 1 }
        return index - start <= CanonicalLine.maximumIntegerDigits
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// A string at `index` (its opening quote) in canonical form; returns whether it holds
    /// an escape, or `nil` when it is not canonical (or not UTF-8).
    private mutating func string() -> Bool? {
        index += 1
        var escaped = false
        while true {
            // Eight bytes at a time while none is a quote, a backslash, a control character
            // or beyond ASCII.
            while count - index >= 8 {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if Self.isPlainASCII(word) { index += 8 } else { break }
            }
            guard index < count else { return nil }
            let byte = base[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                guard escape() else { return nil }
                escaped = true
            case 0x00..<0x20:
                return nil
            case 0x20..<0x80:
                index += 1
            default:
                guard let length = utf8SequenceLength() else { return nil }
                index += length
            }
        }
    }

    /// Whether none of the eight bytes is `"`, `\`, below 0x20 or beyond 0x7F.
    private static func isPlainASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let below0x20 = (word &- ones &* 0x20) & ~word & highs != 0
        let quote = hasZeroByte(word ^ (ones &* 0x22))
        let backslash = hasZeroByte(word ^ (ones &* 0x5C))
        return word & highs == 0 && !below0x20 && !quote && !backslash
    }

    /// An escape as `json.dumps` writes one: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, or
    /// `\u00xx` (lowercase) for another control character.
    private mutating func escape() -> Bool {
        guard count - index >= 2 else { return false }
        switch base[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
            UInt8(ascii: "b"), UInt8(ascii: "f"):
            index += 2
            return true
        case UInt8(ascii: "u"):
            guard count - index >= 6, base[index + 2] == UInt8(ascii: "0"), base[index + 3] == UInt8(ascii: "0") else {
                return false
            }
            let high = base[index + 4], low = base[index + 5]
            guard high == UInt8(ascii: "0") || high == UInt8(ascii: "1") else { return false }
            let lowValue: UInt8
            switch low {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): lowValue = low - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): lowValue = low - 0x61 + 10
            default: return false
            }
            let value = (high - 0x30) << 4 | lowValue
            // These have a short form, which is the canonical one.
            guard ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(value) else { return false }
            index += 6
            return true
        default:
            return false
        }
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or `nil`.
    private func utf8SequenceLength() -> Int? {
        let lead = base[index]
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            index + offset < count && base[index + offset] >= low && base[index + offset] <= high
        }
        switch lead {
        case 0xC2...0xDF: return continuation(1) ? 2 : nil
        case 0xE0: return continuation(1, 0xA0) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : nil
        case 0xED: return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : nil
        case 0xF0: return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4: return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default: return nil
        }
    }
}
