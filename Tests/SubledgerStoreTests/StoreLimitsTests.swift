import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// Issue 9, item 6: the store refuses on write whatever it would refuse on read, from the
/// bounds of ``StoreLimits``; whatever the append accepts, the reads, `verify` and the
/// export (read back by the JSON parser) accept.
@Suite("The store's limits, on write as on read")
struct StoreLimitsTests {
    /// `data` nested `depth` levels (`data` itself being 1), objects and arrays in turn.
    static func nested(depth: Int) -> JSONObject {
        precondition(depth >= 1)
        var value = JSONValue.integer(1)
        for level in stride(from: depth, to: 1, by: -1) {
            value = level % 2 == 0 ? .array([value]) : .object(["n": value])
        }
        return ["n": value]
    }

    static func event(
        _ data: JSONObject, type: String = "DeepThought", stream: StreamID = .line("+989121234567"),
        metadata: [String: String] = [:]
    ) -> ProposedEvent {
        ProposedEvent(
            type: type, stream: stream, occurredAt: .at("2024-03-01T10:00:00Z"), data: data, metadata: metadata)
    }

    /// What must hold of an append's outcome: an accepted event reads back as it was
    /// proposed, verifies, and its export line parses back to it; a refused one is an
    /// ``EventStoreError/Code/invalidEvent`` naming a bound of ``StoreLimits`` and leaves
    /// the log as it was, verifying. Returns whether it was accepted.
    @discardableResult
    static func checkRoundTrip(_ event: ProposedEvent, in store: EventStore) throws -> Bool {
        let headBefore = try store.head()
        do {
            let result = try store.append([event])
            let position = try #require(result.positions.first)
            let read = try #require(try store.events(from: position, limit: 1, verifyingHashes: true).first)
            #expect(
                read.data == event.data && read.metadata == event.metadata && read.type == event.type
                    && read.stream == event.stream)
            #expect(try store.events(in: event.stream).last == read)
            let report = try store.verify()
            #expect(report.isValid, "verify refused what the append accepted: \(report.problem ?? "")")
            var line: [UInt8] = []
            EventJSON.write(read, includeHashes: true, into: &line)
            #expect(line.count <= StoreLimits.exportedEventBytes)
            let parsed = try line.withUnsafeBytes { try JSONParser.parse(bytes: $0) }
            guard case .object(let object) = parsed else {
                Issue.record("the export line is not an object"); return true
            }
            #expect(try EventJSON.recordedEvent(from: object) == read)
            return true
        } catch let error as EventStoreError {
            #expect(error.code == .invalidEvent, "\(error)")
            #expect(
                error.message.contains("StoreLimits.") || error.message.contains("exported event"),
                "the refusal names no bound: \(error.message)")
            #expect(error.message.contains("nothing was written"), "\(error.message)")
            #expect(try store.head() == headBefore)
            #expect(try store.verify().isValid)
            return false
        }
    }

    @Test(arguments: Backend.allCases)
    func dataNested71DeepIsRefusedAndTheStoreStillVerifies(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1)])
        let error = #expect(throws: EventStoreError.self) {
            try fixture.store.append([Self.event(Self.nested(depth: 71))])
        }
        #expect(error?.code == .invalidEvent)
        #expect(
            error?.message.contains("deeper than \(StoreLimits.dataDepth) levels (StoreLimits.dataDepth)") == true,
            "\(String(describing: error))")
        #expect(error?.message.contains("n[0].n[0].n") == true, "the field is named: \(String(describing: error))")
        #expect(try fixture.store.head().position == 1)
        let report = try fixture.store.verify()
        #expect(report.isValid && report.verifiedCount == 1, "\(report)")
        #expect(try fixture.store.events(from: 1).count == 1)
        try fixture.reopen()
        #expect(try fixture.store.verify().isValid)
    }

    @Test(arguments: Backend.allCases)
    func anAppendSessionRefusesABatchBeyondALimitAndStaysUsable(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.withAppendSession { session in
            #expect(throws: EventStoreError.self) {
                try session.append([Self.event(Self.nested(depth: StoreLimits.dataDepth + 1))])
            }
            try session.append([Self.event(Self.nested(depth: StoreLimits.dataDepth))])
        }
        #expect(try fixture.store.head().position == 1)
        #expect(try fixture.store.verify().isValid)
    }

    @Test func theBoundsAgreeWithEachOtherAndWithTheParser() {
        #expect(StoreLimits.relationsHold)
        #expect(JSONParser.maximumDepth == StoreLimits.jsonDepth)
        #expect(
            StoreLimits.dataDepth == StoreLimits.jsonDepth - 1,
            "an export line holds data one level below its own object")
        #expect(StreamID.maximumIDBytes == StoreLimits.streamIDBytes)
        #expect(StreamID.maximumCategoryBytes == StoreLimits.streamCategoryBytes)
    }

    /// One bound, and an event that sits `offset` past it (0 at the edge, 1 one past).
    struct Bound: Sendable, CustomTestStringConvertible {
        var name: String
        var make: @Sendable (_ offset: Int) -> ProposedEvent
        var testDescription: String { name }
    }

    static let key120 = String(repeating: "k", count: 120)

    static let bounds: [Bound] = [
        Bound(name: "dataDepth") { event(nested(depth: StoreLimits.dataDepth + $0)) },
        Bound(name: "keyBytes") {
            event(["v": .object([String(repeating: "k", count: StoreLimits.keyBytes + $0): .null])])
        },
        Bound(name: "keyBytes, two-byte characters") {
            event([
                String(repeating: "ش", count: StoreLimits.keyBytes / 2) + String(repeating: "k", count: $0): .bool(true)
            ])
        },
        Bound(name: "stringBytes") {
            event(["s": .array([.string(String(repeating: "x", count: StoreLimits.stringBytes + $0))])])
        },
        Bound(name: "objectMembers") { offset in
            var object = JSONObject()
            for index in 0..<(StoreLimits.objectMembers + offset) {
                object[String(format: "m%05d", index)] = .integer(Int64(index))
            }
            return event(["o": .object(object)])
        },
        Bound(name: "arrayElements") {
            event(["a": .array(Array(repeating: .integer(7), count: StoreLimits.arrayElements + $0))])
        },
        Bound(name: "metadataMembers") { offset in
            var metadata: [String: String] = [:]
            for index in 0..<(StoreLimits.metadataMembers + offset) { metadata["meta\(index)"] = "v" }
            return event(["x": .integer(1)], metadata: metadata)
        },
        Bound(name: "metadataValueBytes") {
            event(
                ["x": .integer(1)],
                metadata: ["source": String(repeating: "s", count: StoreLimits.metadataValueBytes + $0)])
        },
        Bound(name: "metadata keyBytes") {
            event(["x": .integer(1)], metadata: [String(repeating: "a", count: StoreLimits.keyBytes + $0): "v"])
        },
        Bound(name: "typeBytes") {
            event(["x": .integer(1)], type: String(repeating: "T", count: StoreLimits.typeBytes + $0))
        },
        Bound(name: "streamIDBytes") {
            event(["x": .integer(1)], stream: .line(String(repeating: "9", count: StoreLimits.streamIDBytes + $0)))
        },
        Bound(name: "streamCategoryBytes") {
            event(
                ["x": .integer(1)],
                stream: StreamID(category: String(repeating: "c", count: StoreLimits.streamCategoryBytes + $0), id: "1")
            )
        },
        // Far from the edge on either side: 15 or 17 strings of 64 KiB.
        Bound(name: "recordBytes") { offset in
            var object = JSONObject()
            for index in 0..<(offset <= 0 ? 15 : 17) {
                object["s\(index)"] = .string(String(repeating: "r", count: StoreLimits.stringBytes))
            }
            return event(object)
        },
        // Long keys cost a byte or two in a record, all their bytes in an export line:
        // 25 objects of 1,000 keys of 120 bytes (3.2 MB of JSON) or 40 (5.2 MB).
        Bound(name: "exportedEventBytes") { offset in
            var inner = JSONObject()
            for index in 0..<1000 { inner[key120 + String(format: "%04d", index)] = .null }
            var object = JSONObject()
            for index in 0..<(offset <= 0 ? 25 : 40) { object["o\(index)"] = .object(inner) }
            return event(object)
        },
    ]

    @Test(arguments: Backend.allCases, bounds)
    func atABoundItIsAcceptedAndReadBackOnePastItIsRefused(_ backend: Backend, _ bound: Bound) throws {
        let fixture = try StoreFixture(backend, initialMapSizeBytes: 64 << 20)
        #expect(try Self.checkRoundTrip(bound.make(0), in: fixture.store), "the edge of \(bound.name) is refused")
        #expect(try !Self.checkRoundTrip(bound.make(1), in: fixture.store), "one past \(bound.name) is accepted")
    }

    /// The property, fuzzed: events mixing several bounds at random, each at, below or one
    /// past its edge; whatever is accepted reads, verifies and exports back.
    @Test(arguments: Backend.allCases)
    func whateverTheAppendAcceptsReadAndVerifyAccept(_ backend: Backend) throws {
        let seed =
            UInt64(ProcessInfo.processInfo.environment["SUBLEDGER_FUZZ_SEED"] ?? "")
            ?? UInt64.random(in: 1...UInt64.max)
        var random = SplitMix(seed: seed)
        let fixture = try StoreFixture(backend, initialMapSizeBytes: 64 << 20)
        var accepted = 0
        for trial in 0..<40 {
            let offset = Int(random.next() % 3) - 1  // -1, 0 or 1 past the edge
            let depth = StoreLimits.dataDepth + (random.next() % 2 == 0 ? offset : -5)
            let keyLength = StoreLimits.keyBytes + (random.next() % 2 == 0 ? offset : -100)
            let stringLength = StoreLimits.stringBytes + (random.next() % 2 == 0 ? offset : -65_000)
            let metadataLength = StoreLimits.metadataValueBytes + (random.next() % 2 == 0 ? offset : -4000)
            var data = Self.nested(depth: depth)
            data[String(repeating: "q", count: keyLength)] = .string(
                String(repeating: "é", count: stringLength / 2) + (stringLength % 2 == 1 ? "e" : ""))
            let event = Self.event(data, metadata: ["actor": String(repeating: "a", count: metadataLength)])
            let expected =
                depth <= StoreLimits.dataDepth && keyLength <= StoreLimits.keyBytes
                && stringLength <= StoreLimits.stringBytes && metadataLength <= StoreLimits.metadataValueBytes
            let outcome = try Self.checkRoundTrip(event, in: fixture.store)
            #expect(
                outcome == expected,
                "seed \(seed), trial \(trial): depth \(depth), key \(keyLength), string \(stringLength), metadata \(metadataLength)"
            )
            if outcome { accepted += 1 }
        }
        #expect(try fixture.store.verify().verifiedCount == UInt64(accepted))
    }

    @Test func aStreamCategoryThatIsAnExportedFieldIsRefused() throws {
        let store = EventStore.inMemory()
        let error = #expect(throws: EventStoreError.self) {
            try store.append([Self.event(["x": .integer(1)], stream: StreamID(category: "hash", id: "1"))])
        }
        #expect(error?.message.contains("a field of every exported event") == true, "\(String(describing: error))")
        #expect(try store.head().position == 0)
    }
}

/// SplitMix64: a seeded generator, so a failing run can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
