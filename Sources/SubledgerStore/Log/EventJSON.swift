internal import Crypto

/// The JSON form of a recorded event (interchange.md), canonical (RFC 8785): what export
/// prints, and what the hash chain is computed over.
public enum EventJSON: Sendable {
    /// The keys of an exported event other than its stream's, in code-point order: of
    /// format 2 (with `streamPrevHash`), and of format 1 (a record read by `migrate`).
    private static let keysWithHashes: [StaticString] = [
        "data", "eventId", "hash", "metadata", "occurredAt", "position", "prevHash", "recordedAt", "streamPrevHash",
        "streamVersion", "type",
    ]
    private static let keysWithoutHashes: [StaticString] =
        [
            "data", "eventId", "metadata", "occurredAt", "position", "recordedAt", "streamPrevHash", "streamVersion",
            "type",
        ]
    private static let format1KeysWithHashes: [StaticString] =
        [
            "data", "eventId", "hash", "metadata", "occurredAt", "position", "prevHash", "recordedAt", "streamVersion",
            "type",
        ]
    private static let format1KeysWithoutHashes: [StaticString] =
        ["data", "eventId", "metadata", "occurredAt", "position", "recordedAt", "streamVersion", "type"]

    /// The keys of `event`'s JSON other than its stream's.
    static func keys(of event: RecordedEvent, includeHashes: Bool) -> [StaticString] {
        if event.streamPreviousHash == nil { return includeHashes ? format1KeysWithHashes : format1KeysWithoutHashes }
        return includeHashes ? keysWithHashes : keysWithoutHashes
    }

    /// Where the stream's member falls among `keys`: before the first key that sorts after
    /// its category (issue 12, item 3: from the category's bytes, whatever the category; the
    /// store names none). A category never equals a key (``StreamID/reservedCategories``).
    /// Every key's first byte differs from the category's in most cases, so the bytes after
    /// it are compared only for keys that begin with the same one.
    /// (A native string's UTF-8 is contiguous: the bytes are compared in place, about 2 ns
    /// more than the fixed places of `line` and `subscriber` this replaced for a `line`, 10 ns
    /// for a `subscriber`, measured with `swiftc -O`.)
    static func categoryIndex(_ category: String, in keys: [StaticString]) -> Int {
        if let index = category.utf8.withContiguousStorageIfAvailable({ categoryIndex($0, in: keys) }) { return index }
        return Array(category.utf8).withUnsafeBufferPointer { categoryIndex($0, in: keys) }
    }

    private static func categoryIndex(_ category: UnsafeBufferPointer<UInt8>, in keys: [StaticString]) -> Int {
        guard let first = category.first else { return 0 }
        for (index, key) in keys.enumerated() {
            let keyFirst = key.utf8Start[0]
            if keyFirst < first { continue }
            if keyFirst > first { return index }
            let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
            if category.lexicographicallyPrecedes(keyBytes) { return index }
        }
        return keys.count
    }

    /// Every key list an event's JSON is written with.
    static var allKeyLists: [[StaticString]] {
        [keysWithHashes, keysWithoutHashes, format1KeysWithHashes, format1KeysWithoutHashes]
    }

    /// Appends the canonical JSON of `event`; with `includeHashes`, the full export line
    /// (`hash` and `prevHash` too), without it the bytes that are hashed.
    /// - Parameters:
    ///   - event: The event to write.
    ///   - includeHashes: Whether to write `hash` and `prevHash`.
    ///   - bytes: The buffer the bytes are appended to.
    public static func write(_ event: RecordedEvent, includeHashes: Bool, into bytes: inout [UInt8]) {
        var hashMember = 0..<0
        var previousHashMember = 0..<0
        write(
            event, includeHashes: includeHashes, into: &bytes, hashMember: &hashMember,
            previousHashMember: &previousHashMember)
    }

    /// ``write(_:includeHashes:into:)``, noting where the `hash` and `prevHash` members were
    /// written (each with the comma after it: neither is ever the last member).
    private static func write(
        _ event: RecordedEvent, includeHashes: Bool, into bytes: inout [UInt8],
        hashMember: inout Range<Int>, previousHashMember: inout Range<Int>
    ) {
        let keys = keys(of: event, includeHashes: includeHashes)
        let categoryIndex = categoryIndex(event.stream.category, in: keys)
        bytes.append(UInt8(ascii: "{"))
        for index in 0...keys.count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if index == categoryIndex {
                CanonicalJSON.writeString(event.stream.category, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                CanonicalJSON.writeString(event.stream.id, into: &bytes)
                continue
            }
            let key = keys[index > categoryIndex ? index - 1 : index]
            let start = bytes.count
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
            writeValue(of: key, event, into: &bytes)
            if includeHashes {
                if key.utf8Start[0] == UInt8(ascii: "h") {
                    hashMember = start..<bytes.count + 1
                } else if key.utf8Start[0] == UInt8(ascii: "p"), key.utf8Start[1] == UInt8(ascii: "r") {
                    previousHashMember = start..<bytes.count + 1
                }
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Where the parts of an export line are in the bytes it was written to.
    public struct LineLayout: Hashable, Sendable {
        /// The index of the line's first byte, its `{`.
        public var start: Int
        /// The index past the line's last byte, its `}`.
        public var end: Int
        /// The `hash` member with the comma after it.
        public var hashMember: Range<Int>
        /// The `prevHash` member with the comma after it.
        public var previousHashMember: Range<Int>
    }

    /// Appends the export line of `event` (``write(_:includeHashes:into:)`` with hashes) and
    /// says where its parts are, for ``hashMatches(line:in:previousHash:hash:)``.
    /// - Parameters:
    ///   - event: The event to write.
    ///   - bytes: The buffer the line is appended to (without a newline).
    /// - Returns: Where the line and its hash members are in `bytes`.
    public static func writeExportLine(_ event: RecordedEvent, into bytes: inout [UInt8]) -> LineLayout {
        let start = bytes.count
        var hashMember = 0..<0
        var previousHashMember = 0..<0
        write(
            event, includeHashes: true, into: &bytes, hashMember: &hashMember, previousHashMember: &previousHashMember)
        return LineLayout(
            start: start, end: bytes.count, hashMember: hashMember, previousHashMember: previousHashMember)
    }

    /// Whether `hash` is SHA-256 of the 32 bytes of `previousHash` followed by the canonical
    /// JSON of the event without `hash` and `prevHash`, given its export line in `bytes` as
    /// ``writeExportLine(_:into:)`` wrote it: that JSON is the line with those two members cut
    /// out, so this is ``computeHash(of:)`` compared with `hash`, with one encoding instead of
    /// two for an export that checks every event.
    /// - Parameters:
    ///   - layout: Where the line and its hash members are (``writeExportLine(_:into:)``).
    ///   - bytes: The bytes holding the line.
    ///   - previousHash: The hash of the event before.
    ///   - hash: The event's hash, to check.
    /// - Returns: `true` when the hash is right.
    public static func hashMatches(
        line layout: LineLayout, in bytes: UnsafeRawBufferPointer,
        previousHash: ChainHash, hash: ChainHash
    ) -> Bool {
        precondition(
            layout.start < layout.hashMember.lowerBound
                && layout.hashMember.upperBound <= layout.previousHashMember.lowerBound
                && layout.previousHashMember.upperBound < layout.end && layout.end <= bytes.count,
            "hash is written before prevHash, neither last")
        var hasher = SHA256()
        withUnsafeBytes(of: previousHash.words.0.bigEndian) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: previousHash.words.1.bigEndian) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: previousHash.words.2.bigEndian) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: previousHash.words.3.bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(
            bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[layout.start..<layout.hashMember.lowerBound]))
        hasher.update(
            bufferPointer: UnsafeRawBufferPointer(
                rebasing: bytes[layout.hashMember.upperBound..<layout.previousHashMember.lowerBound]))
        hasher.update(
            bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[layout.previousHashMember.upperBound..<layout.end]))
        return hasher.finalize().withUnsafeBytes { ChainHash(bytes: $0) } == hash
    }

    /// Appends the export line of `event` and checks its hash over the same bytes
    /// (``writeExportLine(_:into:)`` then ``hashMatches(line:in:previousHash:hash:)``).
    /// - Parameters:
    ///   - event: The event to write.
    ///   - bytes: The buffer the line is appended to (without a newline).
    /// - Returns: `true` when the event's `hash` is right; the line is written either way.
    public static func writeVerifyingHash(_ event: RecordedEvent, into bytes: inout [UInt8]) -> Bool {
        let layout = writeExportLine(event, into: &bytes)
        return bytes.withUnsafeBytes {
            hashMatches(line: layout, in: $0, previousHash: event.previousHash, hash: event.hash)
        }
    }

    private static func writeValue(of key: StaticString, _ event: RecordedEvent, into bytes: inout [UInt8]) {
        switch key.utf8Start[0] {
        case UInt8(ascii: "d"): CanonicalJSON.write(.object(event.data), into: &bytes)
        case UInt8(ascii: "e"): writeQuoted(into: &bytes) { event.eventID.write(into: &$0) }
        case UInt8(ascii: "h"): writeQuoted(into: &bytes) { event.hash.writeHex(into: &$0) }
        case UInt8(ascii: "m"): writeMetadata(event.metadata, into: &bytes)
        case UInt8(ascii: "o"): writeQuoted(into: &bytes) { event.occurredAt.write(into: &$0) }
        case UInt8(ascii: "r"): writeQuoted(into: &bytes) { event.recordedAt.write(into: &$0) }
        case UInt8(ascii: "s"):
            // "streamPrevHash" and "streamVersion" differ at their seventh letter.
            if key.utf8Start[6] == UInt8(ascii: "P"), let streamPreviousHash = event.streamPreviousHash {
                writeQuoted(into: &bytes) { streamPreviousHash.writeHex(into: &$0) }
            } else {
                CanonicalJSON.writeInteger(Int64(event.streamVersion), into: &bytes)
            }
        case UInt8(ascii: "t"): CanonicalJSON.writeString(event.type, into: &bytes)
        default:
            // "position" and "prevHash" share their first letter.
            if key.utf8Start[1] == UInt8(ascii: "o") {
                CanonicalJSON.writeInteger(Int64(event.position), into: &bytes)
            } else {
                writeQuoted(into: &bytes) { event.previousHash.writeHex(into: &$0) }
            }
        }
    }

    private static func writeQuoted(into bytes: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        bytes.append(UInt8(ascii: "\""))
        body(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private static func writeMetadata(_ metadata: [String: String], into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        if metadata.count == 1, let member = metadata.first {
            CanonicalJSON.writeString(member.key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            CanonicalJSON.writeString(member.value, into: &bytes)
        } else if metadata.count > 1, metadata.count <= 8 {
            // A few members: each the smallest key after the one before, without sorting a copy.
            var previous: String?
            for index in 0..<metadata.count {
                var smallest: (key: String, value: String)?
                for member in metadata {
                    if let previous, JSONObject.compareKeys(member.key, previous) <= 0 { continue }
                    if let current = smallest, JSONObject.compareKeys(member.key, current.key) >= 0 { continue }
                    smallest = member
                }
                guard let member = smallest else { break }
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(member.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                CanonicalJSON.writeString(member.value, into: &bytes)
                previous = member.key
            }
        } else if metadata.count > 1 {
            let sorted = metadata.sorted { JSONObject.compareKeys($0.key, $1.key) < 0 }
            for (index, member) in sorted.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(member.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                CanonicalJSON.writeString(member.value, into: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// The hash of `event` per interchange.md: SHA-256 of the 32 bytes of `previousHash`
    /// followed by the canonical JSON without `hash` and `prevHash`.
    /// - Parameter event: The event, whose `hash` is not read.
    /// - Returns: The event's chain hash.
    public static func computeHash(of event: RecordedEvent) -> ChainHash {
        var scratch: [UInt8] = []
        return computeHash(of: event, scratch: &scratch)
    }

    /// ``computeHash(of:)`` reusing `scratch` for the JSON bytes (no allocation per event).
    static func computeHash(of event: RecordedEvent, scratch: inout [UInt8]) -> ChainHash {
        scratch.removeAll(keepingCapacity: true)
        event.previousHash.appendBytes(to: &scratch)
        write(event, includeHashes: false, into: &scratch)
        let digest = SHA256.hash(data: scratch)
        return digest.withUnsafeBytes { ChainHash(bytes: $0) }
    }
}

extension ChainHash {
    /// The SHA-256 digest of `bytes`: for verifiers that hash lines not in the store's own
    /// output form (the chain rule of interchange.md applies to any canonical bytes).
    /// - Parameter bytes: The bytes to hash.
    /// - Returns: Their SHA-256 digest.
    public static func sha256(of bytes: [UInt8]) -> ChainHash {
        SHA256.hash(data: bytes).withUnsafeBytes { ChainHash(bytes: $0) }
    }

    /// The SHA-256 digest of `bytes` (no copy).
    /// - Parameter bytes: The bytes to hash.
    /// - Returns: Their SHA-256 digest.
    public static func sha256(of bytes: UnsafeRawBufferPointer) -> ChainHash {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize().withUnsafeBytes { ChainHash(bytes: $0) }
    }
}
