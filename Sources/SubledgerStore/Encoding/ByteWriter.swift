/// Little helpers to write the compact binary encoding: LEB128 varints and zigzag signed
/// integers (``Varint``), big-endian fixed-width keys.
enum ByteWriter {
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        Varint.append(value, to: &bytes)
    }

    static func appendSigned(_ value: Int64, to bytes: inout [UInt8]) {
        Varint.appendSigned(value, to: &bytes)
    }

    static func appendBigEndian(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    static func appendString(_ string: String, to bytes: inout [UInt8]) {
        var copy = string
        copy.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }
}

/// Reads what ``ByteWriter`` wrote, refusing truncated or oversized input with
/// ``ByteReader/Truncated`` instead of reading past the end.
struct ByteReader {
    struct Malformed: Error {
        var reason: String
    }

    let bytes: UnsafeRawBufferPointer
    var index: Int

    init(_ bytes: UnsafeRawBufferPointer, index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    var remaining: Int { bytes.count - index }

    mutating func readByte() throws(Malformed) -> UInt8 {
        guard index < bytes.count else { throw Malformed(reason: "truncated") }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readVarint() throws(Malformed) -> UInt64 {
        do throws(Varint.Failure) {
            return try Varint.read(from: bytes, at: &index)
        } catch {
            throw Malformed(reason: error == .truncated ? "truncated" : "varint overflow")
        }
    }

    mutating func readSigned() throws(Malformed) -> Int64 {
        Varint.unzigzag(try readVarint())
    }

    mutating func readBigEndian() throws(Malformed) -> UInt64 {
        guard remaining >= 8 else { throw Malformed(reason: "truncated") }
        var value: UInt64 = 0
        for offset in 0..<8 { value = value << 8 | UInt64(bytes[index + offset]) }
        index += 8
        return value
    }

    mutating func readLength(limit: Int) throws(Malformed) -> Int {
        let length = try readVarint()
        guard length <= UInt64(min(limit, remaining)) else { throw Malformed(reason: "length past the end") }
        return Int(length)
    }

    mutating func readString() throws(Malformed) -> String {
        let length = try readLength(limit: remaining)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[index..<index + length])
        guard let string = UTF8Text.string(slice) else { throw Malformed(reason: "invalid UTF-8") }
        index += length
        return string
    }

    static func bigEndian(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        var reader = ByteReader(bytes)
        return try? reader.readBigEndian()
    }
}
