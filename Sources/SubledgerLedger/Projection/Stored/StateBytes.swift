import SubledgerStore

/// The bytes of a stored state (the line and subscriber projections): varints and zigzag
/// integers (the store's ``Varint``, the one codec of both formats), length-prefixed UTF-8,
/// enums by their index in `allCases`. Deterministic: the same state always gives the same
/// bytes, so that a rebuild can be compared.
struct StateWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func unsigned(_ value: UInt64) { Varint.append(value, to: &bytes) }
    mutating func signed(_ value: Int64) { Varint.appendSigned(value, to: &bytes) }
    mutating func count(_ value: Int) { unsigned(UInt64(value)) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    mutating func time(_ value: Timestamp) { signed(value.millisecondsSinceEpoch) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func choice<Value: CaseIterable & Equatable>(_ value: Value) {
        let index =
            Value.allCases.firstIndex(of: value).map {
                Value.allCases.distance(from: Value.allCases.startIndex, to: $0)
            } ?? 0
        count(index)
    }

    mutating func optional<Value>(_ value: Value?, _ write: (inout StateWriter, Value) -> Void) {
        guard let value else { bytes.append(0); return }
        bytes.append(1)
        write(&self, value)
    }

    mutating func array<Value>(_ values: [Value], _ write: (inout StateWriter, Value) -> Void) {
        count(values.count)
        for value in values { write(&self, value) }
    }
}

/// Reads what ``StateWriter`` wrote; anything else is refused with ``StateBytesError``.
struct StateReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(StateBytesError) -> UInt8 {
        guard offset < bytes.count else { throw StateBytesError(reason: "it ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func unsigned() throws(StateBytesError) -> UInt64 {
        do throws(Varint.Failure) {
            return try Varint.read(from: bytes, at: &offset)
        } catch {
            throw StateBytesError(reason: error == .truncated ? "it ends early" : "a varint is too long")
        }
    }

    mutating func signed() throws(StateBytesError) -> Int64 { Varint.unzigzag(try unsigned()) }

    mutating func count() throws(StateBytesError) -> Int {
        let value = try unsigned()
        guard value <= UInt64(bytes.count - offset) else {
            throw StateBytesError(reason: "a count of \(value) exceeds the record")
        }
        return Int(value)
    }

    mutating func bool() throws(StateBytesError) -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        case let other: throw StateBytesError(reason: "a flag is \(other)")
        }
    }

    mutating func time() throws(StateBytesError) -> Timestamp { Timestamp(millisecondsSinceEpoch: try signed()) }

    mutating func string() throws(StateBytesError) -> String {
        let length = try count()
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }

    mutating func choice<Value: CaseIterable>(_: Value.Type) throws(StateBytesError) -> Value {
        let index = try unsigned()
        guard index < UInt64(Value.allCases.count) else {
            throw StateBytesError(reason: "\(Value.self) index \(index) is unknown")
        }
        return Value.allCases[Value.allCases.index(Value.allCases.startIndex, offsetBy: Int(index))]
    }

    mutating func optional<Value>(_ read: (inout StateReader) throws(StateBytesError) -> Value) throws(StateBytesError)
        -> Value?
    {
        try bool() ? try read(&self) : nil
    }

    mutating func array<Value>(_ read: (inout StateReader) throws(StateBytesError) -> Value) throws(StateBytesError)
        -> [Value]
    {
        let count = try count()
        var values: [Value] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }
}

/// A stored state that does not decode: the projection is rebuilt from the log.
public struct StateBytesError: Error, CustomStringConvertible {
    /// What is wrong with the record: `"its format byte is unknown"`, `"bytes are left after the state"`.
    public var reason: String
    /// `a stored projection record does not decode: ` and the reason.
    public var description: String { "a stored projection record does not decode: \(reason)" }
}
