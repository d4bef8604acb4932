import Testing
@_spi(Testing) import SubledgerStore

/// The visible head (issue 13 item 1): while a pending-import marker is in `meta`, every
/// reader stops before the import's first position and every other writer is refused with
/// `importInProgress`; once it is removed, all the import's events are visible at once.
@Suite("A pending import is invisible to readers and refuses other writers")
struct PendingImportVisibleHeadTests {
    /// Three events of one line and one of another; the last three stand for an import
    /// begun at position 2 that has not committed its last transaction.
    private func storeWithPendingImport(_ backend: Backend) throws -> (StoreFixture, [RecordedEvent]) {
        let fixture = try StoreFixture(backend)
        try fixture.store.append([paymentEvent("+98911", amount: 1)])
        try fixture.store.append([
            paymentEvent("+98911", amount: 2, at: "2024-03-01T11:00:00Z"),
            paymentEvent("+98912", amount: 3), paymentEvent("+98911", amount: 4, at: "2024-03-01T12:00:00Z"),
        ])
        let all = try fixture.store.events(from: 1)
        try fixture.store.markPendingImport(from: 2, id: .random(), startedAt: .at("2024-03-02T00:00:00Z"))
        return (fixture, all)
    }

    @Test(arguments: Backend.allCases)
    func readersStopAtTheVisibleHead(_ backend: Backend) throws {
        let (fixture, all) = try storeWithPendingImport(backend)
        let store = fixture.store
        #expect(all.count == 4)
        #expect(try store.head().position == 1)
        #expect(try store.head().hash == all[0].hash)
        #expect(try store.events(from: 1).map(\.position) == [1])
        #expect(try store.events(from: 2).isEmpty)
        #expect(try store.events(at: 1..<5).map(\.position) == [1])
        #expect(try store.events(in: .line("+98911")).map(\.position) == [1])
        #expect(try store.events(in: .line("+98912")).isEmpty)
        let day = try store.events(
            in: .line("+98911"), occurredFrom: .at("2024-03-01T00:00:00Z"), to: .at("2024-03-02T00:00:00Z"))
        #expect(day.map(\.position) == [1])
        #expect(try store.version(of: .line("+98911")) == 1)
        #expect(try store.version(of: .line("+98912")) == 0)
        #expect(try store.event(withID: all[0].eventID)?.position == 1)
        #expect(try store.event(withID: all[2].eventID) == nil)
        let report = try store.verify()
        #expect(report.isValid && report.verifiedCount == 1 && report.headPosition == 1)
        var walked: [UInt64] = []
        try store.forEachEvent { walked.append($0.position) }
        #expect(walked == [1])
    }

    @Test(arguments: Backend.allCases)
    func removingTheMarkerShowsTheWholeImportAtOnce(_ backend: Backend) throws {
        let (fixture, all) = try storeWithPendingImport(backend)
        if let folder = fixture.folder {
            // A read-only open sees the store clamped and rolls nothing back.
            let reader = try EventStore.open(at: folder, options: .init(readOnly: true))
            #expect(try reader.head().position == 1)
            #expect(try reader.verify().verifiedCount == 1)
        }
        #expect(try fixture.store.head().position == 1)
        try fixture.store.clearPendingImport()
        #expect(try fixture.store.head().position == 4)
        #expect(try fixture.store.events(from: 1) == all)
        #expect(try fixture.store.version(of: .line("+98911")) == 3)
        #expect(try fixture.store.event(withID: all[2].eventID)?.position == 3)
        #expect(try fixture.store.verify().verifiedCount == 4)
    }

    @Test(arguments: Backend.allCases)
    func anotherWriterIsRefusedAtOnceNamingTheImport(_ backend: Backend) throws {
        let (fixture, _) = try storeWithPendingImport(backend)
        let store = fixture.store
        let refusal = #expect(throws: EventStoreError.self) {
            try store.append([paymentEvent("+98913", amount: 5)])
        }
        #expect(refusal?.code == .importInProgress)
        #expect(refusal?.position == 2)
        #expect(refusal?.message.contains("from position 2") == true)
        #expect(refusal?.message.contains("2024-03-02") == true)
        let inSession = #expect(throws: EventStoreError.self) {
            try store.withAppendSession { session in try session.append([paymentEvent("+98913", amount: 6)]) }
        }
        #expect(inSession?.code == .importInProgress)
        try store.clearPendingImport()
        #expect(try store.append([paymentEvent("+98913", amount: 7)]).headPosition == 5)
    }
}
