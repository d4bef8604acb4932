import Foundation
import Testing
@testable import SubledgerStore
import SubledgerStoreTesting

/// The encoders and decoders on the hot paths of export, verify and import write several
/// bytes at a time and skip work when they can (stack buffers, eight bytes at a time, keys
/// already in order, one encoding for both the line and its hash). Each is held here to a
/// plain reference implementation on many values, the edges included.
@Suite("Fast encoding and decoding paths match their plain references")
struct EncodingFastPathTests {
    // MARK: References

    static func referenceTimestamp(_ milliseconds: Int64) -> String {
        var days = milliseconds / 86_400_000
        var remainder = milliseconds % 86_400_000
        if remainder < 0 {
            remainder += 86_400_000
            days -= 1
        }
        let civil = CivilDate(daysSinceEpoch: days)
        func digits(_ value: Int64, _ count: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        return
            "\(digits(civil.year, 4))-\(digits(civil.month, 2))-\(digits(civil.day, 2))T\(digits(remainder / 3_600_000, 2)):"
            + "\(digits(remainder / 60000 % 60, 2)):\(digits(remainder / 1000 % 60, 2)).\(digits(remainder % 1000, 3))Z"
    }

    /// `json.dumps(text, ensure_ascii=False)`.
    static func referenceString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func randomText(_ random: inout SeededRandom) -> String {
        let pieces: [String] = [
            "a", "Z", "0", " ", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}",
            "é", "ت", "€", "\u{1F600}", "/", "\u{2028}", "abcdefgh",
        ]
        return (0..<random.below(40)).map { _ in pieces[random.below(pieces.count)] }.joined()
    }

    // MARK: Tests

    @Test func timestampsAreWrittenAsDigitByDigit() {
        var random = SeededRandom(seed: 1)
        var values: [Int64] = [
            Timestamp.minimum.millisecondsSinceEpoch, Timestamp.maximum.millisecondsSinceEpoch, 0, -1, 1,
            -62_167_219_200_000, 946_684_799_999, 951_782_400_000,
        ]
        for _ in 0..<5000 {
            values.append(
                Timestamp.minimum.millisecondsSinceEpoch
                    + Int64(
                        random.next()
                            % UInt64(
                                Timestamp.maximum.millisecondsSinceEpoch - Timestamp.minimum.millisecondsSinceEpoch)))
        }
        for value in values {
            #expect(Timestamp(millisecondsSinceEpoch: value).rfc3339 == Self.referenceTimestamp(value), "\(value)")
        }
    }

    @Test func integersHashesAndEventIDsAreWrittenAsBefore() {
        var random = SeededRandom(seed: 2)
        var integers: [Int64] = [0, 1, -1, 9, 10, -10, Int64.max, Int64.min, Int64.min + 1, 1_000_000_000_000_000_000]
        for _ in 0..<2000 { integers.append(Int64(bitPattern: random.next()) >> Int64(random.below(64))) }
        for integer in integers {
            var bytes: [UInt8] = [7]
            CanonicalJSON.writeInteger(integer, into: &bytes)
            #expect(bytes == [7] + Array(String(integer).utf8), "\(integer)")
        }
        for _ in 0..<500 {
            let hash = ChainHash(words: (random.next(), random.next(), random.next(), random.next()))
            let reference = [hash.words.0, hash.words.1, hash.words.2, hash.words.3].map { word in
                let hex = String(word, radix: 16)
                return String(repeating: "0", count: 16 - hex.count) + hex
            }.joined()
            #expect(hash.hex == reference)
            #expect(ChainHash(hex: reference) == hash)
            let id = EventID.random(using: &random)
            let uuid = UUID(
                uuid: withUnsafeBytes(of: (id.high.bigEndian, id.low.bigEndian)) { $0.load(as: uuid_t.self) })
            #expect(id.description == uuid.uuidString.lowercased())
            #expect(EventID(id.description) == id)
            #expect(EventID(id.description.uppercased()) == id)
        }
        for bad in [
            "", "x", "0123456789abcdef0123456789abcdef", "01234567-89ab-cdef-0123-456789abcdeg",
            "01234567-89ab-cdef-0123456789abcdef0", "01234567-89ab-cdef-0123-456789abcdef0",
            "01234567089ab-cdef-0123-456789abcdef",
            "01234567-89ab-cdef-0123-456789abcdé",
        ] {
            #expect(EventID(bad) == nil, "\(bad)")
        }
    }

    @Test func stringsAreEscapedAsPythonDoes() {
        var random = SeededRandom(seed: 3)
        var texts = ["", "plain", "12345678", "1234567\"", "\"1234567", String(repeating: "a", count: 64) + "\u{1}"]
        for _ in 0..<3000 { texts.append(Self.randomText(&random)) }
        for text in texts {
            var bytes: [UInt8] = []
            CanonicalJSON.writeString(text, into: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == Self.referenceString(text), "\(text.debugDescription)")
        }
    }

    @Test func utf8IsValidatedAsTheStandardLibraryDoes() {
        var random = SeededRandom(seed: 4)
        let interesting: [UInt8] = [
            0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F,
            0x90, 0x8F,
        ]
        for _ in 0..<20000 {
            var bytes = Array(Self.randomText(&random).utf8)
            for _ in 0..<random.below(3) where !bytes.isEmpty {
                bytes[random.below(bytes.count)] = interesting[random.below(interesting.count)]
            }
            let ours = bytes.withUnsafeBytes { UTF8Text.string($0) }
            let reference = String(validating: bytes, as: UTF8.self)
            #expect(ours == reference, "\(bytes)")
        }
    }

    @Test func keysCompareByTheirBytes() {
        var random = SeededRandom(seed: 5)
        for _ in 0..<3000 {
            let left = Self.randomText(&random), right = random.below(4) == 0 ? left : Self.randomText(&random)
            let reference =
                Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
                ? -1 : (Array(left.utf8) == Array(right.utf8) ? 0 : 1)
            #expect(JSONObject.compareKeys(left, right) == reference)
        }
    }

    @Test func objectsParseTheSameInAnyKeyOrder() throws {
        var random = SeededRandom(seed: 6)
        for _ in 0..<500 {
            var keys = Array(Set((0..<(1 + random.below(12))).map { _ in Self.randomText(&random) }))
            let object = JSONObject(keys.map { ($0, JSONValue.integer(Int64(random.below(100)))) })
            keys.shuffle(using: &random)
            let text =
                "{"
                + keys.map {
                    "\(Self.referenceString($0)):\(CanonicalJSON.encode(object[$0]!).map { String(UnicodeScalar($0)) }.joined())"
                }
                .joined(separator: ",") + "}"
            #expect(try JSONParser.parse(text) == .object(object), "\(text)")
            if keys.count > 1 {
                // A repeated key is refused wherever it comes again.
                let repeated = String(text.dropLast()) + ",\(Self.referenceString(keys[random.below(keys.count)])):1}"
                let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(repeated) }
                #expect(error?.reason.contains("duplicate key") == true)
            }
        }
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"b":1,"a":2,"b":3}"#) }
        #expect(error?.column == 17)
    }

    /// A random event of format 2 (with a `streamPrevHash`), or of format 1 with `format1`.
    static func randomEvent(_ random: inout SeededRandom, category: String, metadataCount: Int, format1: Bool = false)
        -> RecordedEvent
    {
        var metadata: [String: String] = [:]
        while metadata.count < metadataCount {
            metadata["k\(random.below(1000))\(randomText(&random))"] = randomText(&random)
        }
        var event = RecordedEvent(
            position: UInt64(1 + random.below(1_000_000)), streamVersion: UInt64(1 + random.below(100)),
            recordedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(random.below(1 << 30))),
            eventID: .random(using: &random), type: "PaymentReceived",
            stream: StreamID(category: category, id: randomText(&random)),
            occurredAt: Timestamp(millisecondsSinceEpoch: 1_600_000_000_000 + Int64(random.below(1 << 30))),
            data: [
                "amount": .integer(Int64(random.below(1_000_000))), "note": .string(randomText(&random)),
                "list": .array([.bool(true), .null, .object(["x": .string(randomText(&random))])]),
            ],
            metadata: metadata,
            previousHash: ChainHash(words: (random.next(), random.next(), random.next(), random.next())), hash: .zero,
            streamPreviousHash: format1
                ? nil : ChainHash(words: (random.next(), random.next(), random.next(), random.next()))
        )
        event.hash = EventJSON.computeHash(of: event)
        return event
    }

    @Test func anExportLineIsWrittenAndCheckedWithOneEncoding() {
        var random = SeededRandom(seed: 8)
        let categories = [
            "line", "subscriber", "a", "data", "e", "hash0", "i", "n", "policy", "position0", "posz", "prevHash0", "q",
            "streamPrevHash0", "streamQ", "streamVersion0", "streamZ", "zz", "\u{1F600}",
        ]
        for trial in 0..<600 {
            let category = categories[trial % categories.count]
            // Every fifth event is of format 1 (a record read by migrate): no streamPrevHash.
            var event = Self.randomEvent(
                &random, category: category, metadataCount: random.below(12), format1: trial % 5 == 4)
            var reference: [UInt8] = [9]
            EventJSON.write(event, includeHashes: true, into: &reference)
            // The keys in code-point order, the stream's among them (issue 10: streamPrevHash
            // sits between recordedAt and streamVersion), as an independent encoder puts them.
            // (A category named as a field, `data`, makes a duplicate key: no object to compare.)
            if category != "data" {
                let parsed = reference.dropFirst().withUnsafeBytes { try? JSONParser.parse(bytes: $0) }?.objectValue
                let reencoded = CanonicalJSON.encode(.object(parsed ?? [:]))
                #expect(
                    Array(reference.dropFirst()) == reencoded,
                    "\(category): \(String(decoding: reencoded, as: UTF8.self))")
                #expect((parsed?["streamPrevHash"] != nil) == (event.streamPreviousHash != nil), "\(category)")
            }
            var line: [UInt8] = [9]
            let layout = EventJSON.writeExportLine(event, into: &line)
            #expect(line == reference, "\(category)")
            #expect(layout.start == 1 && layout.end == line.count)
            #expect(
                line.withUnsafeBytes {
                    EventJSON.hashMatches(line: layout, in: $0, previousHash: event.previousHash, hash: event.hash)
                })
            // The hashed bytes are the line without its hashes: what computeHash hashes.
            var hashed: [UInt8] = []
            EventJSON.write(event, includeHashes: false, into: &hashed)
            let cut =
                Array(line[1..<layout.hashMember.lowerBound])
                + Array(line[layout.hashMember.upperBound..<layout.previousHashMember.lowerBound])
                + Array(line[layout.previousHashMember.upperBound...])
            #expect(cut == hashed, "\(category)")
            // Any change of content, of the previous hash or of the hash fails.
            var other = event
            switch trial % 4 {
            case 0: other.data["amount"] = .integer(-1)
            case 1: other.previousHash = ChainHash(words: (1, 2, 3, 4))
            case 2: other.streamPreviousHash = ChainHash(words: (5, 6, 7, 8))
            default: other.metadata["actor"] = "someone else \(trial)"
            }
            var changed: [UInt8] = []
            #expect(
                !EventJSON.writeVerifyingHash(other, into: &changed) || other == event, "\(category), trial \(trial)")
            event.hash = ChainHash(
                words: (event.hash.words.0 ^ 1, event.hash.words.1, event.hash.words.2, event.hash.words.3))
            #expect(!EventJSON.writeVerifyingHash(event, into: &changed))
        }
    }

    @Test func metadataIsWrittenInKeyOrderWhateverItsSize() {
        var random = SeededRandom(seed: 9)
        for count in 0..<14 {
            for _ in 0..<30 {
                let event = Self.randomEvent(&random, category: "line", metadataCount: count)
                var bytes: [UInt8] = []
                EventJSON.write(event, includeHashes: true, into: &bytes)
                let object = bytes.withUnsafeBytes { try? JSONParser.parse(bytes: $0) }?.objectValue
                let metadata = object?["metadata"]?.objectValue
                #expect(
                    metadata?.members.map(\.key)
                        == event.metadata.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
                #expect(bytes == CanonicalJSON.encode(.object(object ?? [:])))
            }
        }
    }

    /// The category's member is placed where sorting puts it, in every key list an event is
    /// written with (issue 10 added one), for the ledger's categories and for categories
    /// that share their first bytes with a key (issue 12, item 3: no category is special).
    @Test func theCategoryIndexIsWhereSortingPutsTheCategoryInEveryKeyList() {
        let categories = [
            "line", "subscriber", "policy", "a", "d", "dat", "datb", "e", "eventIc", "eventIe", "h", "has", "hasi",
            "hashes", "m", "metadat", "metadatb", "o", "p", "pos", "position0", "prev", "prevHash0", "r", "s", "stream",
            "streamPrevHash0", "streamQ", "streamVersion0", "streamZ", "t", "typ", "typf", "types", "u", "zz",
            "\u{1F600}",
        ]
        for keys in EventJSON.allKeyLists {
            let names = keys.map { key in
                String(decoding: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), as: UTF8.self)
            }
            for category in categories {
                let sorted = (names + [category]).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                #expect(
                    EventJSON.categoryIndex(category, in: keys) == sorted.firstIndex(of: category),
                    "\(category) in \(keys.count) keys")
            }
        }
    }
}
