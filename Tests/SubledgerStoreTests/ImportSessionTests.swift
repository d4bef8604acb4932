import Foundation
import Testing
@_spi(Testing) import SubledgerStore

/// An import in bounded transactions beyond the visible head (issue 13 items 1-4): invisible
/// until it ends, then whole; other writers refused; a failed or interrupted import rolled
/// back, the store verifying, and a retry imported whole at the same positions.
@Suite("An import commits in bounded transactions, all or nothing")
struct ImportSessionTests {
    /// Five events before the import, then forty of three lines: more than 16, so the
    /// import completes Merkle nodes the rollback must remove.
    private static let before = (1...5).map { paymentEvent("+98911", amount: Int64($0)) }
    private static let imported = (1...40).map { index in
        paymentEvent("+9891\(index % 3 + 2)", amount: Int64(100 + index), at: "2024-03-01T1\(index % 10):00:00Z")
    }

    private func fixture(_ backend: Backend) throws -> StoreFixture {
        let fixture = try StoreFixture(backend)
        try fixture.store.append(Self.before)
        return fixture
    }

    @Test(arguments: Backend.allCases)
    func anImportIsInvisibleUntilItEndsThenWhole(_ backend: Backend) throws {
        let fixture = try fixture(backend)
        let store = fixture.store
        let headBefore = try store.head()
        try store.withImport { session in
            #expect(session.firstPosition == 6)
            try session.append(Array(Self.imported[..<25]))
            #expect(try session.version(of: .line("+98912")) > 0)
            try session.append(Array(Self.imported[25...]))
            // Readers see the store as it was; writers are refused at once, never interleaved.
            #expect(try store.head() == headBefore)
            #expect(try store.events(from: 6).isEmpty)
            #expect(try store.events(in: .line("+98912")).isEmpty)
            #expect(try store.event(withID: Self.imported[0].eventID) == nil)
            let report = try store.verify()
            #expect(report.isValid && report.verifiedCount == 5, "\(report.problem ?? "")")
            let append = #expect(throws: EventStoreError.self) { try store.append([paymentEvent("+98919", amount: 1)]) }
            #expect(append?.code == .importInProgress)
            #expect(append?.message.contains("from position 6") == true)
            let second = #expect(throws: EventStoreError.self) { try store.withImport { _ in } }
            #expect(second?.code == .importInProgress)
        }
        #expect(try store.head().position == 45)
        #expect(try store.events(from: 6, limit: 100).map(\.eventID) == Self.imported.map(\.eventID))
        let report = try store.verify()
        #expect(report.isValid && report.verifiedCount == 45, "\(report.problem ?? "")")
        #expect(try store.append([paymentEvent("+98919", amount: 1)]).positions == [46])
    }

    /// A body that throws after two transactions: nothing of the import stays, the store
    /// verifies, and the same events imported again take the same positions.
    @Test(arguments: Backend.allCases)
    func aFailedImportIsRolledBackAndARetryImportsItWhole(_ backend: Backend) throws {
        let fixture = try fixture(backend)
        let store = fixture.store
        struct InputWentBad: Error {}
        let counts = try store.rowCounts()
        #expect(throws: InputWentBad.self) {
            try store.withImport { session in
                try session.append(Array(Self.imported[..<20]))
                try session.append(Array(Self.imported[20...]))
                throw InputWentBad()
            }
        }
        try expectRolledBack(store)
        #expect(try store.rowCounts() == counts, "every table as it was before the import")
        try fixture.reopen()
        try expectRolledBack(fixture.store)
        let positions = try fixture.store.withImport { session in try session.append(Self.imported).positions }
        #expect(positions == Array(6...45))
        #expect(try fixture.store.verify().verifiedCount == 45)
        #expect(try fixture.store.append([paymentEvent("+98919", amount: 1)]).positions == [46])
    }

    /// The import fails and so does its rollback's commit (as if the process died): the
    /// marker stays with the import's rows, and the next open for writing (whose import
    /// lock is free) rolls it back.
    @Test func anInterruptedImportIsRolledBackWhenTheStoreNextOpens() throws {
        let faults = StorageFaults()
        var opened: FaultInjectionTests.Opened? = try FaultInjectionTests.open(.lmdb, faults: faults)
        let folder = try #require(opened?.folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try opened?.store.append(Self.before)
        struct Died: Error {}
        #expect(throws: Died.self) {
            try opened?.store.withImport { session in
                try session.append(Self.imported)
                faults.arm(.commit, occurrence: 1)  // the rollback's commit
                throw Died()
            }
        }
        faults.disarm()
        #expect(try opened?.store.head().position == 5)
        let refused = #expect(throws: EventStoreError.self) { try opened?.store.append(Self.before) }
        #expect(refused?.code == .importInProgress, "the marker stayed")
        opened = nil
        let store = try EventStore.open(at: folder)
        try expectRolledBack(store)
        #expect(try store.withImport { session in try session.append(Self.imported).positions } == Array(6...45))
        #expect(try store.verify().verifiedCount == 45)
    }

    /// The subject keys an import made (RET-1: a subscriber's personal data is sealed under
    /// its own key, which erasure destroys), and the master key generation it stored first,
    /// go with it (from its journal): every table is as it was, and no key outlives the
    /// import that made it.
    @Test func aRolledBackImportTakesTheSubjectKeysItMadeWithIt() throws {
        let store = try fixture(.inMemory).store
        let counts = try store.rowCounts()
        struct InputWentBad: Error {}
        #expect(throws: InputWentBad.self) {
            try store.withImport { session in
                try session.append([
                    PersonalDataVaultTests.registration("S-1"), PersonalDataVaultTests.registration("S-2"),
                ])
                #expect(try store.rowCounts()["subjectKeys"] == 2)
                throw InputWentBad()
            }
        }
        // The symbols the import interned stay (a table that only grows, read by no fact).
        var after = try store.rowCounts()
        #expect(after.removeValue(forKey: "symbols")! > counts["symbols"]!)
        #expect(after == counts.filter { $0.key != "symbols" }, "\(after) against \(counts)")
        try store.withImport { session in try session.append([PersonalDataVaultTests.registration("S-1")]) }
        #expect(try store.disclosures(at: 6)?["data.name"]?.value == PersonalDataVaultTests.name)
        #expect(try store.rowCounts()["subjectKeys"] == 1)
        #expect(try store.rowCounts()["meta"] == counts["meta"].map { $0 + 1 }, "the generation, and no journal left")
    }

    private func expectRolledBack(_ store: EventStore) throws {
        #expect(try store.head().position == 5)
        let report = try store.verify()
        #expect(report.isValid && report.verifiedCount == 5, "\(report.problem ?? "")")
        #expect(try store.event(withID: Self.imported[0].eventID) == nil)
        #expect(try store.events(in: .line("+98912")).isEmpty)
        #expect(try store.version(of: .line("+98913")) == 0)
    }
}
