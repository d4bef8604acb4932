import SubledgerStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A line of an export that is already written in canonical JSON (interchange.md: what
/// `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` prints,
/// which is how `subledger export` writes every line): the verifier's fast path.
///
/// When a line is exactly the canonical form of the object it holds, the canonical JSON of
/// that object without `hash` and `prevHash` is the line itself with those two members cut
/// out, so the hash is recomputed over the line's own bytes, with no parse into values and
/// no re-encoding. ``scan(_:)`` accepts a line only when it can prove that: one object, no
/// white space, keys strictly increasing by their UTF-8 bytes at every level (so also
/// unique), strings in valid UTF-8 escaped exactly as `json.dumps` escapes (`\"`, `\\`,
/// `\n`, `\r`, `\t`, `\b`, `\f`, `\u00xx` for the other control characters, nothing else),
/// integers of at most 18 digits without a leading zero or `-0`, nesting of at most
/// ``maximumDepth``. Anything else (another key order, spaces, an escaped letter, a huge
/// integer, a key with an escape) is left to the general path, which parses the values and
/// re-encodes them as Python does; the verdict is the same either way.
package struct CanonicalLine {
    /// The deepest nesting the fast path reads (the general path reads deeper ones).
    static let maximumDepth = 48
    /// The most digits of an integer the fast path reads (all fit in 64 bits).
    static let maximumIntegerDigits = 18

    /// A top-level member: where it starts (its key's opening quote), where its value
    /// starts, where it ends (after its value), and what its value is.
    struct Member {
        var start: Int
        var valueStart: Int
        var end: Int
        var kind: Kind
    }

    enum Kind {
        /// A string without any escape: its text is the bytes between the quotes.
        case plainString
        /// A string with an escape.
        case escapedString
        case integer
        /// `true`, `false`, `null`, an array or an object.
        case other
    }

    /// Where a canonical line's members are: what ``scan(_:)`` found, kept apart from the
    /// bytes so that a reading thread can hand it over with a copy of them.
    package struct Layout: Sendable {
        /// The top-level members the verifier asks for.
        fileprivate(set) var position: Member?
        fileprivate(set) var hash: Member?
        fileprivate(set) var previousHash: Member?
        fileprivate(set) var recordedAt: Member?
        fileprivate(set) var streamVersion: Member?
        fileprivate(set) var streamPreviousHash: Member?
        /// `disclosures` (export --disclose): never hashed, so a line with it is hashed by
        /// the general path (``ExportObject/withoutDisclosures()``).
        fileprivate(set) var disclosures: Member?
        /// The number of top-level members.
        fileprivate(set) var memberCount = 0
        /// The top-level members whose keys are not among ``StreamVersions/commonFields``
        /// (one in an exported event: its stream's), and the last of them.
        fileprivate(set) var otherMemberCount = 0
        fileprivate(set) var otherMember: Member?

        mutating func note(key: UnsafeRawBufferPointer, _ member: Member) {
            memberCount += 1
            switch key.count {
            case 4 where CanonicalLine.equal(key, "hash"): hash = member
            case 8 where CanonicalLine.equal(key, "position"): position = member
            case 8 where CanonicalLine.equal(key, "prevHash"): previousHash = member
            case 10 where CanonicalLine.equal(key, "recordedAt"): recordedAt = member
            case 13 where CanonicalLine.equal(key, "streamVersion"): streamVersion = member
            case 14 where CanonicalLine.equal(key, "streamPrevHash"): streamPreviousHash = member
            case 11 where CanonicalLine.equal(key, "disclosures"): disclosures = member
            case 4 where CanonicalLine.equal(key, "type") || CanonicalLine.equal(key, "data"): break
            case 7 where CanonicalLine.equal(key, "eventId"): break
            case 8 where CanonicalLine.equal(key, "metadata"): break
            case 10 where CanonicalLine.equal(key, "occurredAt"): break
            default:
                otherMemberCount += 1
                otherMember = member
            }
        }
    }

    let bytes: UnsafeRawBufferPointer
    let layout: Layout
    /// What ``hashMatches()`` returns, when it was found already (on a reading thread).
    private let knownHashVerdict: Bool?

    var position: Member? { layout.position }
    var hash: Member? { layout.hash }
    var previousHash: Member? { layout.previousHash }
    var recordedAt: Member? { layout.recordedAt }
    var streamVersion: Member? { layout.streamVersion }

    /// `bytes`, which ``scan(_:)`` found to have `layout`, and what ``hashMatches()``
    /// returned for these bytes if it was asked.
    init(bytes: UnsafeRawBufferPointer, layout: Layout, hashVerdict: Bool? = nil) {
        self.bytes = bytes
        self.layout = layout
        knownHashVerdict = hashVerdict
    }

    /// Whether ``hashMatches()`` may be asked: `hash` and `prevHash` are strings of 64
    /// characters without escapes (the verifier asks only once they are 64 lowercase hex
    /// digits; on other characters the answer is meaningless but the same every time).
    var mayHash: Bool {
        guard let hash, let previousHash else { return false }
        return hash.kind == .plainString && hash.end - hash.valueStart == 66
            && previousHash.kind == .plainString && previousHash.end - previousHash.valueStart == 66
    }

    /// The line as canonical JSON, or `nil` when it is not exactly in canonical form.
    static func scan(_ bytes: UnsafeRawBufferPointer) -> CanonicalLine? {
        guard bytes.count >= 2, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var layout = Layout()
        var scanner = CanonicalScanner(base: base, count: bytes.count)
        let complete = scanner.object(depth: 1) { key, member in
            layout.note(key: key, member)
        }
        guard complete, scanner.index == bytes.count else { return nil }
        return CanonicalLine(bytes: bytes, layout: layout)
    }

    static func equal(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
    }

    /// The member named `key` among those the verifier asks for (`nil` for another key).
    func knownMember(_ key: String) -> Member?? {
        switch key {
        case "position": .some(position)
        case "hash": .some(hash)
        case "prevHash": .some(previousHash)
        case "recordedAt": .some(recordedAt)
        case "streamPrevHash": .some(layout.streamPreviousHash)
        default: nil
        }
    }

    /// The bytes of `member`'s value.
    func value(of member: Member) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[member.valueStart..<member.end])
    }

    /// The key of a top-level member (a canonical key has no escape).
    func key(of member: Member) -> String {
        String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[member.start + 1..<member.valueStart - 2]), as: UTF8.self)
    }

    /// The text of a string member without escapes (between its quotes).
    func plainText(of member: Member) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[member.valueStart + 1..<member.end - 1]), as: UTF8.self)
    }

    /// The value of a positive integer member that fits in 64 bits, else `nil`.
    func positiveInteger(of member: Member) -> UInt64? {
        guard member.kind == .integer, bytes[member.valueStart] != UInt8(ascii: "-") else { return nil }
        var value: UInt64 = 0
        for index in member.valueStart..<member.end { value = value * 10 + UInt64(bytes[index] &- 0x30) }
        return value >= 1 ? value : nil
    }

    /// Whether `hash` is SHA-256 of the 32 bytes `prevHash` spells followed by the
    /// canonical JSON of the object without `hash` and `prevHash` (both must be strings of
    /// 64 lowercase hex digits, as the verifier checked before).
    func hashMatches() -> Bool {
        if let knownHashVerdict { return knownHashVerdict }
        guard let hash, let previousHash, mayHash else { preconditionFailure("hash and prevHash are checked first") }
        // The line without those members: the runs of members around them, joined by commas.
        return withUnsafeTemporaryAllocation(byteCount: 32 + bytes.count, alignment: 8) { buffer in
            let output = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            Self.decodeHex(value(of: previousHash), into: output)
            var length = 32
            output[length] = UInt8(ascii: "{")
            length += 1
            var runStart = 1
            var isFirstRun = true
            func run(upTo end: Int) {
                guard end > runStart else { return }
                if !isFirstRun {
                    output[length] = UInt8(ascii: ",")
                    length += 1
                }
                memcpy(output + length, bytes.baseAddress! + runStart, end - runStart)
                length += end - runStart
                isFirstRun = false
            }
            let (first, second) = hash.start < previousHash.start ? (hash, previousHash) : (previousHash, hash)
            run(upTo: first.start - 1)
            runStart = first.end + 1
            run(upTo: second.start - 1)
            runStart = second.end + 1
            run(upTo: bytes.count - 1)
            output[length] = UInt8(ascii: "}")
            length += 1
            let computed = ChainHash.sha256(of: UnsafeRawBufferPointer(start: output, count: length))
            return withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { stored in
                Self.decodeHex(value(of: hash), into: stored.baseAddress!.assumingMemoryBound(to: UInt8.self))
                return ChainHash(bytes: UnsafeRawBufferPointer(stored)) == computed
            }
        }
    }

    /// Writes the 32 bytes that a quoted string of 64 lowercase hex digits spells.
    private static func decodeHex(_ quoted: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) {
        precondition(quoted.count == 66, "64 hex digits in quotes")
        func digit(_ byte: UInt8) -> UInt8 { byte <= 0x39 ? byte &- 0x30 : byte &- 0x61 &+ 10 }
        for index in 0..<32 {
            output[index] = digit(quoted[1 + 2 * index]) << 4 | digit(quoted[2 + 2 * index])
        }
    }
}
