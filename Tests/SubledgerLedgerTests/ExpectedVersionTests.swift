import SubledgerLedger
import SubledgerStore
import SubledgerTesting
import Testing

/// `record(_:expecting:)` and `apply(_:expecting:)` (issue 14 item 2): the caller's expected
/// stream versions are checked with the batch, a conflict names the current version and
/// records nothing, and a batch of idempotent retries is answered whatever the versions.
@Suite struct ExpectedVersionTests {
    static let line = AsyncLedgerTests.lines[0]

    @Test func aStreamAtAnotherVersionRefusesTheBatchWithItsCurrentVersion() async throws {
        let ledger = Ledger.inMemory(clock: ManualClock(AsyncLedgerTests.now))
        try await ledger.record(AsyncLedgerTests.signedUp())
        let stream = StreamID.line(Self.line.text)
        let first = try await ledger.record([AsyncLedgerTests.usage(Self.line, 1)], expecting: [stream: 1])
        #expect(first.appendedCount == 1)
        let head = try ledger.store.head().position
        do {
            try await ledger.record([AsyncLedgerTests.usage(Self.line, 2)], expecting: [stream: 1])
            Issue.record("a stale expected version was accepted")
        } catch {
            #expect(error.code == .versionConflict)
            #expect(error.currentVersion == 2)
        }
        await #expect(throws: LedgerError.self) {
            try await ledger.apply([AsyncLedgerTests.usage(Self.line, 3)], expecting: [.subscriber("S-9"): 5])
        }
        #expect(try ledger.store.head().position == head, "nothing recorded")
        try await ledger.record([AsyncLedgerTests.usage(Self.line, 4)], expecting: [stream: 2, .subscriber("S-9"): 1])
        #expect(try ledger.store.head().position == head + 1)
    }

    @Test func aBatchOfRetriesIsAnsweredWhateverTheVersionsNow() throws {
        let ledger = Ledger.inMemory(clock: ManualClock(AsyncLedgerTests.now))
        try ledger.record(AsyncLedgerTests.signedUp())
        var fact = AsyncLedgerTests.usage(Self.line, 1)
        fact.eventID = EventID("8f14e45f-ceea-467f-a0b6-7a2f2b3c4d5e")
        let stream = StreamID.line(Self.line.text)
        #expect(try ledger.record([fact], expecting: [stream: 1]).appendedCount == 1)
        try ledger.record([AsyncLedgerTests.usage(Self.line, 2)])
        let retried = try ledger.record([fact], expecting: [stream: 1])
        #expect(retried.appendedCount == 0, "the retry records nothing, though the line is at version 3 now")
        #expect(try ledger.store.version(of: stream) == 3)
    }
}
