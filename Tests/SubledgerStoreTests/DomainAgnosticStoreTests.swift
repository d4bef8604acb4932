import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// Issue 12, item 3: the store knows streams by category and id, and names no category; the
/// categories it allows are said by ``StreamID`` (``StreamID/reservedCategories``, the bounds).
@Suite("The store is domain-agnostic (issue 12, item 3)")
struct DomainAgnosticStoreTests {
    static func event(_ stream: StreamID) -> ProposedEvent {
        ProposedEvent(
            type: "MeterRead", stream: stream, occurredAt: .at("2024-03-01T10:00:00Z"),
            data: ["kwh": .integer(7)])
    }

    /// The export line of the event of a fresh store on the stream `meter M-1`, parsed.
    static func exportedMeterEvent() throws -> JSONObject {
        let store = EventStore.inMemory()
        try store.append([Self.event(StreamID(category: "meter", id: "M-1"))])
        let event = try #require(try store.events(from: 1).first)
        var line: [UInt8] = []
        EventJSON.write(event, includeHashes: true, into: &line)
        return try #require(try line.withUnsafeBytes { try JSONParser.parse(bytes: $0) }.objectValue)
    }

    /// The reserved names are exactly the members of an exported event besides its stream's.
    @Test func theReservedCategoriesAreTheMembersOfAnExportedEventBesidesItsStream() throws {
        let object = try Self.exportedMeterEvent()
        #expect(Set(object.members.map(\.key)) == StreamID.reservedCategories.union(["meter"]))
    }

    /// Given a store, when a stream's category is one of the reserved names, then the append
    /// is refused, naming it, and nothing is written; one letter more is a category like any.
    @Test(arguments: StreamID.reservedCategories.sorted())
    func aReservedNameIsRefusedAsACategory(_ name: String) throws {
        let store = EventStore.inMemory()
        let error = #expect(throws: EventStoreError.self) {
            try store.append([Self.event(StreamID(category: name, id: "1"))])
        }
        #expect(error?.code == .invalidEvent)
        #expect(error?.message.contains("\"\(name)\"") == true, "\(String(describing: error))")
        #expect(try store.head().position == 0)
        try store.append([Self.event(StreamID(category: name + "s", id: "1"))])
        #expect(try store.head().position == 1)
    }

    /// Categories the store has never heard of are stored, read by stream, hashed and
    /// exported as the ledger's are, on every backend, before and after every other member.
    @Test(arguments: Backend.allCases)
    func anyAllowedCategoryIsStoredHashedAndExported(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let streams = ["a", "meter", "policy", "streamZ", "zz", "\u{1F600}"].map { StreamID(category: $0, id: "X-1") }
        try fixture.store.append(streams.map(Self.event))
        #expect(try fixture.store.verify().isValid)
        for stream in streams {
            let read = try fixture.store.events(in: stream)
            #expect(read.map(\.stream) == [stream])
            let event = try #require(read.first)
            #expect(EventJSON.computeHash(of: event) == event.hash)
            var line: [UInt8] = []
            EventJSON.write(event, includeHashes: true, into: &line)
            let object = try #require(try line.withUnsafeBytes { try JSONParser.parse(bytes: $0) }.objectValue)
            #expect(
                line == CanonicalJSON.encode(.object(object)),
                "\(stream.category): the member is in code-point order")
            #expect(try EventJSON.recordedEvent(from: object) == event)
        }
    }

    /// An export line whose stream member is missing, doubled or not a string: the error
    /// names the member at fault (the store names no category of its own).
    @Test func aBadStreamMemberIsNamedInTheError() throws {
        let object = try Self.exportedMeterEvent()
        func error(_ change: (inout JSONObject) -> Void) -> ExportedEventError? {
            var changed = object
            change(&changed)
            return #expect(throws: ExportedEventError.self) { try EventJSON.recordedEvent(from: changed) }
        }
        #expect(error { $0["meter"] = nil }?.field == "stream")
        let doubled = error { $0["gauge"] = .string("G-1") }
        #expect(
            doubled?.field == "gauge" && doubled?.reason.contains("meter") == true,
            "\(String(describing: doubled))")
        #expect(error { $0["meter"] = .integer(1) }?.field == "meter")
    }
}
