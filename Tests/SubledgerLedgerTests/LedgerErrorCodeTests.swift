import Testing
import SubledgerLedger
import SubledgerStore

/// `LedgerError` is matched by its `Code` and read through its accessors (issue 12, item 6),
/// so that a server maps it to a problem: 409 with the current version, 422 with the field
/// or the rule and edition, 404 for an unknown line.
@Suite("LedgerError's codes and details")
struct LedgerErrorCodeTests {
    @Test("given a line, when a fact names a bad number, then badFact with the field (GEN-1)")
    func aBadFactNamesItsField() {
        let ledger = Ledger.inMemory()
        let fact = LedgerFact.line(
            "+98935111223", .at("2025-02-02T18:00:00Z"), .usageRecorded(UsageRecorded(amount: 1, description: "x")))
        let error = #expect(throws: LedgerError.self) { try ledger.record([fact]) }
        #expect(error?.code == .badFact)
        #expect(error?.field == "line")
        #expect(error?.factError?.field == "line")
        #expect(error?.index == 0)
        #expect(error?.violation == nil && error?.rule == nil && error?.storeError == nil)
    }

    @Test("given a line within its credit, when it is cut for debt, then ruleViolation names CUT-1 and its edition")
    func aRefusalNamesTheRuleAndEdition() throws {
        let ledger = Ledger.inMemory()
        try LibraryAPITests.signUp(ledger)
        let error = #expect(throws: LedgerError.self) {
            try ledger.apply(
                .cut(direction: .oneWay, reason: .threshold), to: LibraryAPITests.line, at: .at("2025-02-03T19:00:00Z"))
        }
        #expect(error?.code == .ruleViolation)
        #expect(error?.rule == "CUT-1")
        #expect(error?.edition == error?.violation?.edition && error?.edition?.isEmpty == false)
        #expect(error?.field == nil && error?.factError == nil)
    }

    @Test("an unknown line is unknownStream, naming it")
    func anUnknownLineIsUnknownStream() {
        let error = #expect(throws: LedgerError.self) { try Ledger.inMemory().status(of: "+989121234567") }
        #expect(error?.code == .unknownStream)
        #expect(error?.unknownStream == "line +989121234567")
    }

    @Test("the store's version conflict is versionConflict with the stream's current version; other store errors are store")
    func aVersionConflictCarriesTheCurrentVersion() {
        let conflict = LedgerError.store(
            EventStoreError(.versionConflict, "line moved", expectedVersion: .exactly(2), actualVersion: 3))
        #expect(conflict.code == .versionConflict)
        #expect(conflict.currentVersion == 3)
        #expect(conflict.storeError?.code == .versionConflict)
        let corrupted = LedgerError.store(EventStoreError(.corrupted, "bad hash", actualVersion: 3))
        #expect(corrupted.code == .store)
        #expect(corrupted.currentVersion == nil)
    }

    @Test("codes are stable strings, and the index moves with at(index:)")
    func codesAreStableStrings() {
        #expect(
            [LedgerError.Code.badFact, .ruleViolation, .versionConflict, .readOnly, .store, .unknownStream]
                .map(\.rawValue)
                == ["badFact", "ruleViolation", "versionConflict", "readOnly", "store", "unknownStream"])
        let error = LedgerError.badFact(FactError(field: "data.amount", reason: "negative")).at(index: 4)
        #expect(error.index == 4)
        #expect(error.description == "fact 5: field data.amount: negative")
    }
}
