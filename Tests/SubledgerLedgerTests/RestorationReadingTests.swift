import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Issue 11, item 7: GEN-3 and KYC-1, the restoration owed and the warning 24 h later.
@Suite("Issue 11 item 7: GEN-3, KYC-1 restoration")
struct RestorationReadingTests {
    static let paidAt = Timestamp.at("2025-02-10T00:00:00Z")

    static func cutAndPaid(_ amount: Rials) throws -> [LedgerFact] {
        try LadderReadingTests.thresholdCut([
            .line(
                Given.number, paidAt, .paymentReceived(PaymentReceived(paymentID: "P", amount: amount, method: "bank")))
        ])
    }

    static func restoreEntries(_ facts: [LedgerFact], at time: Timestamp) -> [DueAction] {
        let given = Given(facts)
        return WorkList.due(
            line: given.line, subscriber: given.subscriber, at: time, editions: .builtIn, calendar: .standard
        )
        .filter { $0.action == .restore }
    }

    @Test func GEN3_dueListsRestoreAsSoonAsTheLineNoLongerOwesWhatAllowedTheCut() throws {
        // 315,000 owed, threshold 300,000: a payment of 15,001 leaves 299,999 (one rial below).
        #expect(
            Self.restoreEntries(try Self.cutAndPaid(15_001), at: Self.paidAt) == [
                DueAction(line: Given.number.text, action: .restore, rule: "GEN-3", since: Self.paidAt)
            ])
        #expect(Self.restoreEntries(try Self.cutAndPaid(15_000), at: Self.paidAt).isEmpty)
    }

    @Test func GEN3_stillCutTwentyFourHoursLaterIsAWarning() throws {
        let facts = try Self.cutAndPaid(15_001)
        func audit(at now: Timestamp) throws -> [Finding] {
            let ledger = Ledger.inMemory(clock: ManualClock(now))
            try ledger.record(facts)
            return try ledger.audit().filter { $0.rule == "GEN-3" }
        }
        #expect(try audit(at: Self.paidAt.adding(hours: 24).adding(seconds: -1)).isEmpty)
        let late = try audit(at: Self.paidAt.adding(hours: 24))
        #expect(late.count == 1)
        #expect(late.first?.severity == .warning)
        #expect(late.first?.position == UInt64(facts.count))
        // A restoration 24 h after it was owed is a warning too; one second earlier is not.
        let given = Given(facts)
        #expect(
            try given.when(.restore(reconnectionFee: 0), at: Self.paidAt.adding(hours: 24).rfc3339).get().judgements
                .contains { $0.rule == "GEN-3" && $0.isWarning })
        #expect(
            !(try given.when(
                .restore(reconnectionFee: 0), at: Self.paidAt.adding(hours: 24).adding(seconds: -1).rfc3339
            ).get().judgements
                .contains { $0.isWarning }))
    }

    @Test func KYC1_aKycSuspensionIsOwedItsRestorationOnceTheIdentityIsVerified() throws {
        let registered = LedgerFact(
            stream: .subscriber("S-1"), occurredAt: .at("2023-12-01T08:00:00Z"),
            event: .subscriberRegistered(
                SubscriberRegistered(
                    subscriberID: "S-1", kind: .individual, governmental: false,
                    name: "Test", nationalID: "0012345678")))
        let activated = LedgerFact.on(
            "2024-01-01T08:00:00Z",
            .lineActivated(
                LineActivated(
                    subscriberID: "S-1", service: .mobile, plan: .noDeposit,
                    connectionFee: 0, vanityPremium: 0)))
        let suspended = LedgerFact.on(
            "2024-02-01T08:00:00Z", .lineSuspended(LineSuspended(direction: .twoWay, reason: .kyc, debtLine: nil)))
        let verifiedAt = Timestamp.at("2024-03-01T08:00:00Z")
        let verified = LedgerFact(
            stream: .subscriber("S-1"), occurredAt: verifiedAt,
            event: .identityVerified(IdentityVerified(documents: ["id"])))
        #expect(Self.restoreEntries([registered, activated, suspended], at: verifiedAt).isEmpty)
        #expect(
            Self.restoreEntries([registered, activated, suspended, verified], at: verifiedAt)
                == [DueAction(line: Given.number.text, action: .restore, rule: "KYC-1", since: verifiedAt)])
        let ledger = Ledger.inMemory(clock: ManualClock(verifiedAt.adding(hours: 24)))
        try ledger.record([registered, activated, suspended, verified])
        #expect(
            try ledger.audit().contains {
                $0.rule == "KYC-1" && $0.severity == .warning && $0.message.contains("still twoWay")
            })
    }
}
