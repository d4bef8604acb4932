import SubledgerLedger
import SubledgerStore
import SubledgerTesting
import Testing

/// The `SubledgerTesting` product as a service's tests use it (issue 12 item 6): only its
/// public API and the ledger's, on the worked line of the DocC article `UsingTheLedgerFromAService`.
@Suite("SubledgerTesting: given/when/then on a ledger in memory")
struct LedgerScenarioTests {
    static func time(_ text: String) -> Timestamp {
        do { return try Timestamp(rfc3339: text) } catch { fatalError("bad test time \(text): \(error)") }
    }

    /// A registered individual with a mobile no-deposit line and 245,000 rials of usage.
    static let past: [LedgerFact] = [
        .subscriber(
            "S-1001", time("2025-02-01T09:00:00Z"),
            .subscriberRegistered(
                SubscriberRegistered(
                    subscriberID: "S-1001", kind: .individual, governmental: false,
                    name: "Sara Ahmadi", nationalID: "0012345678"))),
        .line(
            "+989351112233", time("2025-02-01T09:00:00Z"),
            .lineActivated(
                LineActivated(
                    subscriberID: "S-1001", service: .mobile, plan: .noDeposit, connectionFee: 0, vanityPremium: 0))),
        .line(
            "+989351112233", time("2025-02-02T18:00:00Z"),
            .usageRecorded(UsageRecorded(amount: 245_000, description: "calls and data"))),
    ]

    static func given() throws -> LedgerScenario {
        try LedgerScenario.given(past, now: time("2025-02-02T18:00:00Z"))
    }

    // CUT-1: a threshold cut needs its threshold notice first; refused, nothing recorded.
    @Test func aCutWithoutItsNoticeIsRefusedByCut1AndNothingIsRecorded() throws {
        let cutAt = Self.time("2025-02-03T19:00:00Z")
        let outcome = try Self.given().when(.cut(direction: .oneWay, reason: .threshold), at: cutAt)
        try outcome.thenRefused(by: "CUT-1")
        #expect(throws: ScenarioFailure.self) { try outcome.thenRefused(by: "CUT-2") }
        #expect(throws: ScenarioFailure.self) { try outcome.then([]) }
    }

    // NTC-1, NTC-2: the threshold warning is recorded exactly as decided: the deadline given, no fee.
    @Test func aThresholdWarningRecordsExactlyItsNotice() throws {
        let sentAt = Self.time("2025-02-02T18:10:00Z")
        let deadline = sentAt.adding(seconds: 24 * 3600)
        let outcome = try Self.given().when(
            .sendNotice(kind: .thresholdWarning, channel: .sms, deadline: deadline, noticeID: "SMSGW-1"), at: sentAt)
        let notice = NoticeSent(noticeID: "SMSGW-1", kind: .thresholdWarning, channel: .sms, deadline: deadline, fee: 0)
        try outcome.then([.noticeSent(notice)])
        let rules = try outcome.recorded().map { $0.fact.metadata["rule"] }
        #expect(rules == ["NTC-2"])  // NTC-2 counts the warning: the rule that allowed it
        // A then that does not hold fails: another deadline, or one event too many.
        var later = notice
        later.deadline = deadline.adding(seconds: 1)
        #expect(throws: ScenarioFailure.self) { try outcome.then([.noticeSent(later)]) }
        #expect(throws: ScenarioFailure.self) { try outcome.then([.noticeSent(notice), .noticeSent(notice)]) }
        #expect(throws: ScenarioFailure.self) { try outcome.thenRefused(by: "NTC-1") }
    }

    // Facts applied as actions: a usage fact is recorded as it is; bad input names its field.
    @Test func appliedFactsAreRecordedOrRefusedWithTheirField() throws {
        let scenario = try Self.given()
        let usage = LedgerFact.line(
            "+989351112233", Self.time("2025-02-02T19:00:00Z"),
            .usageRecorded(UsageRecorded(amount: 1, description: "sms")))
        try scenario.when(applying: [usage], at: Self.time("2025-02-02T19:00:00Z"))
            .then([.usageRecorded(UsageRecorded(amount: 1, description: "sms"))])
        let unknown = LedgerFact.line(
            "+989350000000", Self.time("2025-02-02T19:00:00Z"),
            .usageRecorded(UsageRecorded(amount: 1, description: "sms")))
        let refused = scenario.when(applying: [unknown], at: Self.time("2025-02-02T19:00:00Z"))
        #expect(throws: ScenarioFailure.self) { try refused.recorded() }
    }

    // The conformance suite comes with the product (re-exported from SubledgerStoreTesting).
    @Test func theStorageConformanceSuiteRunsOnTheInMemoryStore() throws {
        for check in EventLogConformance.checks {
            try check.run(on: EventStore.inMemory())
        }
    }
}
