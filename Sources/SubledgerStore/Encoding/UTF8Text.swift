/// Strings made from UTF-8 bytes on the hot paths (the store's records, JSON input): the
/// same result as `String(validating:as:)`, without its generic path.
enum UTF8Text {
    /// The string of `bytes`, or `nil` when they are not well-formed UTF-8.
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        let utf8 = bytes.assumingMemoryBound(to: UInt8.self)
        guard isWellFormed(utf8) else { return nil }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Whether `bytes` are well-formed UTF-8 (Unicode table 3-7): eight ASCII bytes at a
    /// time, the other sequences byte by byte.
    static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index < count {
            if count - index >= 8,
                UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
                continue
            }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
                index + offset < count && base[index + offset] >= low && base[index + offset] <= high
            }
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = continuation(1) ? 2 : 0
            case 0xE0: length = continuation(1, 0xA0) && continuation(2) ? 3 : 0
            case 0xE1...0xEC, 0xEE...0xEF: length = continuation(1) && continuation(2) ? 3 : 0
            case 0xED: length = continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
            case 0xF0: length = continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
            case 0xF1...0xF3: length = continuation(1) && continuation(2) && continuation(3) ? 4 : 0
            case 0xF4: length = continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
            default: length = 0
            }
            guard length > 0 else { return false }
            index += length
        }
        return true
    }
}
