/// A SHA-256 digest of the hash chain (interchange.md): 32 bytes, written as lowercase hex.
public struct ChainHash: Hashable, Sendable, CustomStringConvertible {
    /// The four big-endian 64-bit words of the digest.
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// The `prevHash` of position 1: 32 zero bytes.
    public static let zero = ChainHash(words: (0, 0, 0, 0))

    /// The digest whose four big-endian 64-bit words are `words`.
    /// - Parameter words: The words, most significant first.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// The digest in 32 raw bytes (fast path: four big-endian loads).
    /// - Parameter bytes: Exactly 32 bytes; any other count stops the process (a precondition).
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32, "a chain hash has 32 bytes")
        words = (
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        )
    }

    /// The digest of 32 bytes.
    /// - Parameter bytes: Exactly 32 bytes; any other count stops the process (a precondition).
    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 32, "a chain hash has 32 bytes")
        var values: [UInt64] = [0, 0, 0, 0]
        for (offset, byte) in bytes.enumerated() { values[offset / 8] = values[offset / 8] << 8 | UInt64(byte) }
        words = (values[0], values[1], values[2], values[3])
    }

    /// Parses 64 lowercase hex digits; `nil` otherwise.
    /// - Parameter hex: The text form, as in `prevHash` and `hash` of interchange.md.
    public init?(hex: String) {
        guard hex.utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var pending: UInt8 = 0
        bytes.reserveCapacity(32)
        for (offset, byte) in hex.utf8.enumerated() {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            if offset % 2 == 0 { pending = digit << 4 } else { bytes.append(pending | digit) }
        }
        self = bytes.withUnsafeBytes { ChainHash(bytes: $0) }
    }

    /// Whether two digests have the same 32 bytes.
    /// - Parameters:
    ///   - lhs: A digest.
    ///   - rhs: Another digest.
    /// - Returns: `true` when all four words are equal.
    public static func == (lhs: ChainHash, rhs: ChainHash) -> Bool {
        lhs.words == rhs.words
    }

    /// Feeds the four words to `hasher`.
    /// - Parameter hasher: The hasher to combine the words into.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// The 32 bytes.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(32)
        appendBytes(to: &result)
        return result
    }

    func appendBytes(to result: inout [UInt8]) {
        ByteWriter.appendBigEndian(words.0, to: &result)
        ByteWriter.appendBigEndian(words.1, to: &result)
        ByteWriter.appendBigEndian(words.2, to: &result)
        ByteWriter.appendBigEndian(words.3, to: &result)
    }

    /// 64 lowercase hex digits.
    public var description: String { hex }

    /// 64 lowercase hex digits.
    public var hex: String {
        var result: [UInt8] = []
        result.reserveCapacity(64)
        writeHex(into: &result)
        return String(decoding: result, as: UTF8.self)
    }

    /// Appends the 64 lowercase hex digits (written on the stack, appended at once).
    /// - Parameter result: The buffer the 64 ASCII digits are appended to.
    public func writeHex(into result: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            Self.putHex(words.0, at: 0, in: buffer)
            Self.putHex(words.1, at: 16, in: buffer)
            Self.putHex(words.2, at: 32, in: buffer)
            Self.putHex(words.3, at: 48, in: buffer)
            result.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    private static func putHex(_ word: UInt64, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        for index in 0..<16 {
            buffer[offset + index] = table[Int((word >> UInt64(60 - 4 * index)) & 0xF)]
        }
    }
}
