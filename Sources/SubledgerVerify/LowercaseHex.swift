/// The 64 lowercase hex digits of `hash` and `prevHash`, checked and read without building
/// a ``ChainHash`` (the verifier's hot path).
enum LowercaseHex {
    /// Whether `text` is exactly 64 characters of `0-9a-f`.
    static func isHash(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { utf8 in
            guard utf8.count == 64 else { return false }
            for byte in utf8 where !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)) { return false }
            return true
        }
    }

    /// The bytes `text` spells (two digits a byte); `text` must pass ``isHash(_:)``.
    static func bytes(of text: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(32)
        var high: UInt8 = 0
        for (offset, byte) in text.utf8.enumerated() {
            let digit = byte <= 0x39 ? byte - 0x30 : byte - 0x61 + 10
            if offset % 2 == 0 { high = digit << 4 } else { result.append(high | digit) }
        }
        return result
    }
}
