internal import CSubledgerChecksum

/// The compact binary encoding of a stored event.
///
/// ```
/// u8       record tag: 3 (format 2); 1 or 2 (format 1, read by `migrate` only)
/// varint   streamVersion
/// zigzag   recordedAt, occurredAt (milliseconds since the epoch)
/// 16 bytes eventId
/// varint   type symbol, category symbol
/// string   stream id (varint length + UTF-8)
/// varint   metadata count, then (key symbol, string) pairs in key order
/// value    data: tag 0 null, 1 false, 2 true, 3 zigzag integer, 4 string,
///          5 array (count, values), 6 object (count, (key symbol, value) in key order)
/// 32 bytes streamPrevHash (tag 3 only)
/// 32 bytes prevHash, 32 bytes hash
/// 4 bytes  CRC-32C of everything before it (tags 2 and 3; tag 1 records have none)
/// ```
/// The position is the record's key. Strings that repeat across events (types, keys)
/// are symbols of ``SymbolTable``. The hash stays last but for the checksum, so
/// ``storedHash(_:)`` finds it in a record of any tag without decoding it.
enum RecordCodec {
    /// The tag of the records written now (format 2): the stream's previous hash, and a
    /// trailing CRC-32C.
    static let recordTag: UInt8 = 3
    /// Format 1 with a trailing CRC-32C, and without `streamPrevHash`: read for `migrate`,
    /// and written only for an event without ``RecordedEvent/streamPreviousHash`` (tests
    /// that make a store of format 1).
    static let format1RecordTag: UInt8 = 2
    /// The first tag of format 1, without a checksum: still read for `migrate`.
    static let uncheckedRecordTag: UInt8 = 1

    /// A decode failed because a symbol is newer than the caller's table.
    struct UnknownSymbol: Error {}

    /// Encodes `event`, interning new symbols in `transaction`.
    static func encode(
        _ event: RecordedEvent, symbols: inout SymbolTable, in transaction: some StorageTransaction
    ) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(event.streamPreviousHash == nil ? format1RecordTag : recordTag)
        ByteWriter.appendVarint(event.streamVersion, to: &bytes)
        ByteWriter.appendSigned(event.recordedAt.millisecondsSinceEpoch, to: &bytes)
        ByteWriter.appendSigned(event.occurredAt.millisecondsSinceEpoch, to: &bytes)
        ByteWriter.appendBigEndian(event.eventID.high, to: &bytes)
        ByteWriter.appendBigEndian(event.eventID.low, to: &bytes)
        ByteWriter.appendVarint(UInt64(try symbols.intern(event.type, in: transaction)), to: &bytes)
        ByteWriter.appendVarint(UInt64(try symbols.intern(event.stream.category, in: transaction)), to: &bytes)
        ByteWriter.appendString(event.stream.id, to: &bytes)
        let metadata =
            event.metadata.count < 2
            ? Array(event.metadata) : event.metadata.sorted { JSONObject.compareKeys($0.key, $1.key) < 0 }
        ByteWriter.appendVarint(UInt64(metadata.count), to: &bytes)
        for (key, value) in metadata {
            ByteWriter.appendVarint(UInt64(try symbols.intern(key, in: transaction)), to: &bytes)
            ByteWriter.appendString(value, to: &bytes)
        }
        try encode(.object(event.data), symbols: &symbols, in: transaction, into: &bytes)
        event.streamPreviousHash?.appendBytes(to: &bytes)
        event.previousHash.appendBytes(to: &bytes)
        event.hash.appendBytes(to: &bytes)
        appendChecksum(to: &bytes)
        return bytes
    }

    /// Appends the CRC-32C of `bytes` to them: the end of a record of tag 2 or 3.
    static func appendChecksum(to bytes: inout [UInt8]) {
        let checksum = bytes.withUnsafeBytes { subledger_crc32c($0.baseAddress, $0.count) }
        withUnsafeBytes(of: checksum.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// The length of a record's checksum: none in a record of tag 1.
    static func checksumLength(tag: UInt8) -> Int { tag == uncheckedRecordTag ? 0 : 4 }

    /// The length of a record's tail after its data: the hashes, and the checksum.
    static func tailLength(tag: UInt8) -> Int { (tag == recordTag ? 96 : 64) + checksumLength(tag: tag) }

    /// Whether the record's CRC-32C matches its bytes (records without one pass).
    static func checksumMatches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let tag = bytes.first, checksumLength(tag: tag) > 0 else { return true }
        guard bytes.count > 4 else { return false }
        let body = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 4)])
        let stored = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
        return subledger_crc32c(body.baseAddress, body.count) == stored
    }

    private static func encode(
        _ value: JSONValue, symbols: inout SymbolTable, in transaction: some StorageTransaction,
        into bytes: inout [UInt8]
    ) throws {
        switch value {
        case .null: bytes.append(0)
        case .bool(let flag): bytes.append(flag ? 2 : 1)
        case .integer(let integer):
            bytes.append(3)
            ByteWriter.appendSigned(integer, to: &bytes)
        case .string(let string):
            bytes.append(4)
            ByteWriter.appendString(string, to: &bytes)
        case .array(let elements):
            bytes.append(5)
            ByteWriter.appendVarint(UInt64(elements.count), to: &bytes)
            for element in elements { try encode(element, symbols: &symbols, in: transaction, into: &bytes) }
        case .object(let object):
            bytes.append(6)
            ByteWriter.appendVarint(UInt64(object.count), to: &bytes)
            for member in object.members {
                ByteWriter.appendVarint(UInt64(try symbols.intern(member.key, in: transaction)), to: &bytes)
                try encode(member.value, symbols: &symbols, in: transaction, into: &bytes)
            }
        }
    }

    /// Decodes the record stored at `position`.
    /// - Throws: ``UnknownSymbol`` when `symbols` is behind the store, or
    ///   ``ByteReader/Malformed`` when the bytes are not a record.
    static func decode(_ bytes: UnsafeRawBufferPointer, position: UInt64, symbols: SymbolTable) throws -> RecordedEvent
    {
        var reader = ByteReader(bytes)
        let tag = try reader.readByte()
        guard tag == recordTag || tag == format1RecordTag || tag == uncheckedRecordTag else {
            throw ByteReader.Malformed(reason: "unknown record tag")
        }
        guard checksumMatches(bytes) else { throw ByteReader.Malformed(reason: "checksum mismatch") }
        guard bytes.count <= StoreLimits.recordBytes else {
            throw ByteReader.Malformed(
                reason: "a record longer than \(StoreLimits.recordBytes) bytes (StoreLimits.recordBytes)")
        }
        let streamVersion = try reader.readVarint()
        let recordedAt = Timestamp(millisecondsSinceEpoch: try reader.readSigned())
        let occurredAt = Timestamp(millisecondsSinceEpoch: try reader.readSigned())
        guard (Timestamp.minimum...Timestamp.maximum).contains(recordedAt),
            (Timestamp.minimum...Timestamp.maximum).contains(occurredAt)
        else {
            throw ByteReader.Malformed(reason: "a time beyond the years 0001 to 9999")
        }
        let eventID = EventID(high: try reader.readBigEndian(), low: try reader.readBigEndian())
        let type = try symbol(&reader, symbols)
        guard !type.isEmpty, type.utf8.count <= StoreLimits.typeBytes else {
            throw ByteReader.Malformed(
                reason: "a type longer than \(StoreLimits.typeBytes) bytes (StoreLimits.typeBytes), or empty")
        }
        let category = try symbol(&reader, symbols)
        let streamID = try reader.readString()
        guard category.utf8.count <= StoreLimits.streamCategoryBytes, streamID.utf8.count <= StoreLimits.streamIDBytes
        else {
            throw ByteReader.Malformed(
                reason: "a stream longer than StoreLimits.streamCategoryBytes or StoreLimits.streamIDBytes")
        }
        let metadataCount = try reader.readLength(limit: reader.remaining)
        guard metadataCount <= StoreLimits.metadataMembers else {
            throw ByteReader.Malformed(
                reason: "more than \(StoreLimits.metadataMembers) metadata members (StoreLimits.metadataMembers)")
        }
        var metadata: [String: String] = [:]
        metadata.reserveCapacity(metadataCount)
        for _ in 0..<metadataCount {
            let key = try symbol(&reader, symbols)
            let value = try reader.readString()
            guard key.utf8.count <= StoreLimits.keyBytes, value.utf8.count <= StoreLimits.metadataValueBytes else {
                throw ByteReader.Malformed(
                    reason: "metadata beyond StoreLimits.keyBytes or StoreLimits.metadataValueBytes")
            }
            metadata[key] = value
        }
        guard case .object(let data) = try decodeValue(&reader, symbols, depth: 1) else {
            throw ByteReader.Malformed(reason: "data is not an object")
        }
        guard reader.remaining == tailLength(tag: tag) else { throw ByteReader.Malformed(reason: "wrong length") }
        var hashes = reader.index
        func nextHash() -> ChainHash {
            defer { hashes += 32 }
            return ChainHash(bytes: UnsafeRawBufferPointer(rebasing: bytes[hashes..<hashes + 32]))
        }
        let streamPreviousHash = tag == recordTag ? nextHash() : nil
        let previousHash = nextHash()
        let hash = nextHash()
        return RecordedEvent(
            position: position, streamVersion: streamVersion, recordedAt: recordedAt, eventID: eventID, type: type,
            stream: StreamID(category: category, id: streamID), occurredAt: occurredAt, data: data,
            metadata: metadata, previousHash: previousHash, hash: hash, streamPreviousHash: streamPreviousHash
        )
    }

    /// The hash stored at the end of a record, without decoding the rest.
    static func storedHash(_ bytes: UnsafeRawBufferPointer) -> ChainHash? {
        // A record read torn or corrupt must not lend its hash to a stream's chain or the
        // Merkle tree, where a wrong one is written for good (issue 12 item 7, the simulator).
        guard let tag = bytes.first, checksumMatches(bytes) else { return nil }
        let end = bytes.count - checksumLength(tag: tag)
        guard end >= tailLength(tag: tag) - checksumLength(tag: tag) else { return nil }
        return ChainHash(bytes: UnsafeRawBufferPointer(rebasing: bytes[(end - 32)..<end]))
    }

    /// The stream version, category symbol and stream id of a record, without decoding the
    /// rest: what an index entry's check needs on the append path.
    static func streamHeader(_ bytes: UnsafeRawBufferPointer) throws(ByteReader.Malformed)
        -> (version: UInt64, categorySymbol: UInt64, streamID: String)
    {
        var reader = ByteReader(bytes)
        _ = try reader.readByte()
        let version = try reader.readVarint()
        _ = try reader.readSigned()
        _ = try reader.readSigned()
        guard reader.remaining >= 16 else { throw ByteReader.Malformed(reason: "truncated") }
        reader.index += 16
        _ = try reader.readVarint()
        let category = try reader.readVarint()
        return (version, category, try reader.readString())
    }

    /// The `recordedAt` of a record, without decoding the rest.
    static func recordedAt(_ bytes: UnsafeRawBufferPointer) throws -> Timestamp {
        var reader = ByteReader(bytes)
        _ = try reader.readByte()
        _ = try reader.readVarint()
        return Timestamp(millisecondsSinceEpoch: try reader.readSigned())
    }

    private static func symbol(_ reader: inout ByteReader, _ symbols: SymbolTable) throws -> String {
        let id = try reader.readVarint()
        guard let name = symbols.name(of: id) else { throw UnknownSymbol() }
        return name
    }

    /// Decodes a value nested `depth` levels (`data` being 1) within the bounds of
    /// ``StoreLimits``, which the append checked.
    private static func decodeValue(_ reader: inout ByteReader, _ symbols: SymbolTable, depth: Int) throws -> JSONValue
    {
        let tag = try reader.readByte()
        guard tag < 5 || depth <= StoreLimits.dataDepth else {
            throw ByteReader.Malformed(
                reason: "data nested deeper than \(StoreLimits.dataDepth) levels (StoreLimits.dataDepth)")
        }
        switch tag {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .integer(try reader.readSigned())
        case 4:
            let string = try reader.readString()
            guard string.utf8.count <= StoreLimits.stringBytes else {
                throw ByteReader.Malformed(
                    reason: "a string longer than \(StoreLimits.stringBytes) bytes (StoreLimits.stringBytes)")
            }
            return .string(string)
        case 5:
            let count = try reader.readLength(limit: reader.remaining)
            guard count <= StoreLimits.arrayElements else {
                throw ByteReader.Malformed(
                    reason: "an array of more than \(StoreLimits.arrayElements) elements (StoreLimits.arrayElements)")
            }
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try decodeValue(&reader, symbols, depth: depth + 1)) }
            return .array(elements)
        case 6:
            let count = try reader.readLength(limit: reader.remaining / 2)
            guard count <= StoreLimits.objectMembers else {
                throw ByteReader.Malformed(
                    reason: "an object of more than \(StoreLimits.objectMembers) members (StoreLimits.objectMembers)")
            }
            var members: [JSONObject.Member] = []
            members.reserveCapacity(count)
            for _ in 0..<count {
                let key = try symbol(&reader, symbols)
                guard key.utf8.count <= StoreLimits.keyBytes else {
                    throw ByteReader.Malformed(
                        reason: "a key longer than \(StoreLimits.keyBytes) bytes (StoreLimits.keyBytes)")
                }
                if let previous = members.last, JSONObject.compareKeys(previous.key, key) >= 0 {
                    throw ByteReader.Malformed(reason: "object keys out of order")
                }
                members.append(JSONObject.Member(key: key, value: try decodeValue(&reader, symbols, depth: depth + 1)))
            }
            return .object(JSONObject(canonicallyOrdered: members))
        default:
            throw ByteReader.Malformed(reason: "unknown value tag")
        }
    }
}
