internal import CSubledgerChecksum

/// A stored value followed by the CRC-32C (big-endian) of its key and its bytes, for the
/// values that no other check covers: a value read flipped, or read from another key, is
/// found by the read that takes it rather than signed into a checkpoint or folded into a
/// projection (the simulator's findings, docs/testing.md).
///
/// Values written before they carried a checksum are read as they are when they have their
/// old, fixed length (``open(_:key:legacyLength:what:)``): such a store has no checksum to
/// check, and a checked value torn just after its payload still holds the whole payload.
enum CheckedValue {
    /// The bytes a checksum adds.
    static let checksumBytes = 4

    /// `payload` followed by the checksum of `key` and `payload`.
    /// - Parameters:
    ///   - payload: The value's bytes.
    ///   - key: The key it is stored under, in its table.
    /// - Returns: The bytes to store, `payload.count + 4` of them.
    static func sealed(_ payload: some Collection<UInt8>, key: [UInt8]) -> [UInt8] {
        var value = Array(payload)
        value.reserveCapacity(value.count + checksumBytes)
        let sum = checksum(key: key, payload: value)
        for shift in stride(from: 24, through: 0, by: -8) { value.append(UInt8(truncatingIfNeeded: sum >> shift)) }
        return value
    }

    /// The payload of a value stored under `key`: the bytes before a matching checksum, or
    /// the whole value when it is `payloadLength` bytes long (written before checksums).
    /// - Parameters:
    ///   - stored: The bytes read.
    ///   - key: The key they were read under.
    ///   - payloadLength: The payload's fixed length, which was also the whole value's before
    ///     values carried a checksum.
    ///   - what: What the value is, for the error (`"the store's id"`).
    /// - Returns: The payload, `payloadLength` bytes.
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/corrupted`` when the value
    ///   is of neither length or does not match its checksum.
    static func open(
        _ stored: some Collection<UInt8>, key: [UInt8], payloadLength: Int, what: @autoclosure () -> String
    ) throws -> ArraySlice<UInt8> {
        let bytes = ArraySlice(stored)
        if bytes.count == payloadLength { return bytes }
        guard bytes.count == payloadLength + checksumBytes else {
            throw EventStoreError(
                .corrupted, "\(what()) is not \(payloadLength) or \(payloadLength + checksumBytes) bytes")
        }
        let payload = bytes.prefix(payloadLength)
        let stored = bytes.suffix(checksumBytes).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard stored == checksum(key: key, payload: payload) else {
            throw EventStoreError(.corrupted, "\(what()) does not match its checksum")
        }
        return payload
    }

    private static func checksum(key: [UInt8], payload: some Collection<UInt8>) -> UInt32 {
        let covered = key + payload
        return covered.withUnsafeBytes { subledger_crc32c($0.baseAddress, $0.count) }
    }
}
