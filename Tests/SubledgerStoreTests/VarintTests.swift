import Testing
@testable import SubledgerStore

/// Issue 12, item 4: one varint codec (``Varint``) for the store's records and the
/// ledger's stored states; its boundaries, one value either side of each byte count.
@Suite("The one varint codec")
struct VarintTests {
    static func encoded(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        Varint.append(value, to: &bytes)
        return bytes
    }

    static func decoded(_ bytes: [UInt8]) throws(Varint.Failure) -> UInt64 {
        var index = bytes.startIndex
        let value = try Varint.read(from: bytes, at: &index)
        #expect(index == bytes.endIndex, "the whole varint is read, nothing more")
        return value
    }

    @Test("given a value at a byte boundary, when encoded, then it takes one byte per seven bits and decodes back")
    func byteBoundaries() throws {
        #expect(Self.encoded(0) == [0])
        #expect(Self.encoded(127) == [0x7F])
        #expect(Self.encoded(128) == [0x80, 0x01])
        #expect(Self.encoded((1 << 14) - 1) == [0xFF, 0x7F])
        #expect(Self.encoded(1 << 14) == [0x80, 0x80, 0x01])
        #expect(Self.encoded(UInt64.max).count == Varint.maximumBytes)
        for value: UInt64 in [0, 1, 127, 128, 255, 256, (1 << 14) - 1, 1 << 14, 1 << 63 - 1, 1 << 63, UInt64.max] {
            #expect(try Self.decoded(Self.encoded(value)) == value)
        }
    }

    @Test("given a tenth byte of 1 or 2, or an eleventh byte, when decoded, then past 64 bits is refused")
    func overflowBoundary() throws {
        let nine = [UInt8](repeating: 0xFF, count: 9)
        #expect(try Self.decoded(nine + [0x01]) == UInt64.max)
        #expect(throws: Varint.Failure.overflow) { try Self.decoded(nine + [0x02]) }
        #expect(throws: Varint.Failure.overflow) { try Self.decoded([UInt8](repeating: 0x80, count: 10) + [0x00]) }
    }

    @Test("given bytes that stop inside a varint, when decoded, then it is truncated, not read past the end")
    func truncated() {
        #expect(throws: Varint.Failure.truncated) { try Self.decoded([]) }
        #expect(throws: Varint.Failure.truncated) { try Self.decoded([0x80]) }
        #expect(throws: Varint.Failure.truncated) { try Self.decoded([0xFF, 0xFF]) }
    }

    @Test(
        "given signed values either side of zero and the extremes, when zigzagged, then small magnitudes stay small and all come back"
    )
    func zigzag() {
        #expect(Varint.zigzag(0) == 0)
        #expect(Varint.zigzag(-1) == 1)
        #expect(Varint.zigzag(1) == 2)
        #expect(Varint.zigzag(-64) == 127)
        #expect(Varint.zigzag(64) == 128)
        for value: Int64 in [0, -1, 1, -64, 63, 64, -65, Int64.min, Int64.max] {
            #expect(Varint.unzigzag(Varint.zigzag(value)) == value)
        }
    }

    @Test("given the store's record reader, when it reads a varint through the one codec, then it keeps its messages")
    func byteReaderUsesTheCodec() {
        var bytes: [UInt8] = []
        ByteWriter.appendVarint(300, to: &bytes)
        ByteWriter.appendSigned(-300, to: &bytes)
        #expect(bytes == Self.encoded(300) + Self.encoded(Varint.zigzag(-300)))
        bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect((try? reader.readVarint()) == 300)
            #expect((try? reader.readSigned()) == -300)
            #expect(throws: ByteReader.Malformed.self) { try reader.readVarint() }
        }
    }
}
