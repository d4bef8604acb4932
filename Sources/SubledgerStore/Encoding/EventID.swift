import Synchronization

/// The identity of an event: a UUID, kept as its 16 bytes and written in lowercase
/// (`8-4-4-4-12` hex digits). A repeated id is an idempotent retry, not a second event.
public struct EventID: Hashable, Sendable, CustomStringConvertible {
    /// The first 64 bits of the UUID (bytes 0 to 7, big-endian order).
    public var high: UInt64
    /// The last 64 bits of the UUID (bytes 8 to 15, big-endian order).
    public var low: UInt64

    /// The UUID whose 128 bits are `high` then `low` (no check of version or variant).
    /// - Parameters:
    ///   - high: The first 64 bits, big-endian.
    ///   - low: The last 64 bits, big-endian.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A random version-4 UUID, from the process's ChaCha20 generator keyed by one
    /// `getrandom` (``ChaChaRandom``, issue 13 item 3): no system call per id.
    /// - Returns: A fresh id (version 4, RFC 4122 variant, 122 random bits).
    public static func random() -> EventID {
        ChaChaRandom.withProcessWide { random(using: &$0) }
    }

    /// A version-4 UUID drawn from `generator` (seeded generators give reproducible ids).
    /// - Parameter generator: The source of the 122 random bits.
    /// - Returns: A version-4, RFC 4122-variant id.
    public static func random(using generator: inout some RandomNumberGenerator) -> EventID {
        let randomHigh: UInt64 = generator.next()
        let randomLow: UInt64 = generator.next()
        let high = (randomHigh & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (randomLow & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return EventID(high: high, low: low)
    }

    /// Parses `8-4-4-4-12` hex digits, in either case; `nil` if `text` is not a UUID.
    /// - Parameter text: The UUID text, 36 characters.
    public init?(_ text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ EventID(utf8: $0) }) else { return nil }
        self = parsed
    }

    private init?(utf8: UnsafeBufferPointer<UInt8>) {
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digitCount = 0
        for (offset, byte) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: return nil
            }
            if digitCount < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
            digitCount += 1
        }
        self.init(high: high, low: low)
    }

    /// The lowercase `8-4-4-4-12` form.
    public var description: String {
        var bytes: [UInt8] = []
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 36 bytes of the lowercase `8-4-4-4-12` form (written on the stack,
    /// appended at once).
    /// - Parameter bytes: The buffer the 36 ASCII bytes are appended to.
    public func write(into bytes: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { buffer in
            var offset = 0
            for nibbleIndex in 0..<32 {
                if nibbleIndex == 8 || nibbleIndex == 12 || nibbleIndex == 16 || nibbleIndex == 20 {
                    buffer[offset] = UInt8(ascii: "-")
                    offset += 1
                }
                let word = nibbleIndex < 16 ? high : low
                let shift = UInt64(60 - (nibbleIndex & 15) * 4)
                buffer[offset] = table[Int((word >> shift) & 0xF)]
                offset += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    /// The 16 bytes, big-endian.
    var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(16)
        ByteWriter.appendBigEndian(high, to: &result)
        ByteWriter.appendBigEndian(low, to: &result)
        return result
    }
}
