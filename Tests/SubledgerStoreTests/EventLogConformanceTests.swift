import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// Issue 12, item 3: the storage seam's conformance suite (``EventLogConformance``), the one
/// a PostgreSQL backend will pass (issue 15, item 4), run on every backend of the store.
@Suite("The storage seam's conformance suite (EventLogStorage)")
struct EventLogConformanceTests {
    @Test(arguments: Backend.allCases, EventLogConformance.checks)
    func theContractHolds(_ backend: Backend, _ check: EventLogConformance.Check) throws {
        let fixture = try StoreFixture(backend)
        try check.run(on: fixture.store)
    }

    /// The suite can fail: a log that breaks the contract (its appends take no heed of the
    /// expected versions) fails the checks of expected versions and conflicts, and only those.
    @Test func aLogThatIgnoresExpectedVersionsFailsTheChecksOfThem() throws {
        var failed: [String] = []
        for check in EventLogConformance.checks {
            do {
                try check.run(on: IgnoringExpectations(EventStore.inMemory()))
            } catch let failure as ConformanceFailure {
                #expect(failure.check == check.name)
                failed.append(check.name)
            }
        }
        let aboutVersions = EventLogConformance.checks.map(\.name)
            .filter { $0.contains("expected versions") || $0.contains("conflict") }
        #expect(failed == aboutVersions)
    }
}

/// A log that breaks the contract on purpose: it drops every expected version.
struct IgnoringExpectations: EventLogStorage {
    let store: EventStore
    init(_ store: EventStore) { self.store = store }

    func append(_ batch: [ProposedEvent], expecting expectations: [StreamID: ExpectedVersion]) throws -> AppendResult {
        try store.append(batch, expecting: [:])
    }
    func events(at positions: Range<UInt64>) throws -> [RecordedEvent] { try store.events(at: positions) }
    func events(in stream: StreamID, versions: Range<UInt64>) throws -> [RecordedEvent] {
        try store.events(in: stream, versions: versions)
    }
    func event(withID id: EventID) throws -> RecordedEvent? { try store.event(withID: id) }
    func version(of stream: StreamID) throws -> UInt64 { try store.version(of: stream) }
    func head() throws -> (position: UInt64, hash: ChainHash) { try store.head() }
}
