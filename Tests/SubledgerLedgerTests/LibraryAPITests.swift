import Foundation
import Testing
import SubledgerLedger
import SubledgerStore

/// What a service needs of the library (issue 9, item 11): a subscriber's facts spelt like
/// a line's, `apply` returning what it recorded, and times from Foundation's `Date`.
@Suite("The library as a service uses it")
struct LibraryAPITests {
    static let line: LineNumber = "+989351112233"

    static func signUp(_ ledger: Ledger) throws {
        try ledger.record([
            .subscriber(
                "S-1", .at("2025-02-01T09:00:00Z"),
                .subscriberRegistered(
                    SubscriberRegistered(
                        subscriberID: "S-1", kind: .individual, governmental: false, name: "Sara",
                        nationalID: "0012345678"))),
            .line(
                line, .at("2025-02-01T09:00:00Z"),
                .lineActivated(
                    LineActivated(
                        subscriberID: "S-1", service: .mobile, plan: .noDeposit, connectionFee: 0, vanityPremium: 0))),
            .line(
                line, .at("2025-02-02T18:00:00Z"), .usageRecorded(UsageRecorded(amount: 245_000, description: "calls"))),
        ])
    }

    @Test("LedgerFact.subscriber puts the fact on the subscriber's stream")
    func aSubscriberFactIsOnTheSubscribersStream() {
        let fact = LedgerFact.subscriber(
            "S-1", .at("2025-02-01T09:00:00Z"), .identityVerified(IdentityVerified(documents: ["id card"])),
            metadata: ["actor": "crm"])
        #expect(fact.stream == .subscriber("S-1"))
        #expect(fact.metadata == ["actor": "crm"])
        #expect(fact.proposedEvent().stream == StreamID.subscriber("S-1"))
    }

    @Test("apply returns the events it recorded with their positions, versions, ids and recording times")
    func applyReturnsTheRecordedEvents() throws {
        let ledger = Ledger.inMemory()
        try Self.signUp(ledger)
        let sentAt = Timestamp.at("2025-02-02T18:10:00Z")
        let recorded = try ledger.apply(
            .sendNotice(kind: .thresholdWarning, channel: .sms, deadline: sentAt.adding(seconds: 86_400)),
            to: Self.line, at: sentAt)
        #expect(recorded.map(\.position) == [4])
        #expect(recorded.map(\.streamVersion) == [3])
        let stored = try ledger.store.events(from: 4, limit: 1)
        #expect(recorded.first?.fact.eventID == stored.first?.eventID)
        #expect(recorded.first?.recordedAt == stored.first?.recordedAt)
        // Issue 11, item 13: `rule` is the one rule that allowed it; NTC-1 is among the others checked.
        #expect(recorded.first?.fact.metadata["rule"] == "NTC-2")
        #expect(recorded.first?.fact.metadata["rulesChecked"]?.contains("NTC-1") == true)
    }

    @Test("a notice sent through apply keeps the caller's id, which its delivery receipt then names")
    func aNoticeKeepsTheCallersID() throws {
        let ledger = Ledger.inMemory()
        try Self.signUp(ledger)
        let sentAt = Timestamp.at("2025-02-02T18:10:00Z")
        let recorded = try ledger.apply(
            .sendNotice(
                kind: .thresholdWarning, channel: .sms, deadline: sentAt.adding(seconds: 86_400),
                noticeID: "SMSGW-778812"), to: Self.line, at: sentAt)
        guard case .noticeSent(let notice)? = recorded.first?.event else {
            Issue.record("no notice recorded: \(recorded)")
            return
        }
        #expect(notice.noticeID == "SMSGW-778812")
        try ledger.record([
            .line(Self.line, .at("2025-02-02T18:11:00Z"), .noticeDelivered(NoticeDelivered(noticeID: "SMSGW-778812")))
        ])
        #expect(try ledger.state(of: Self.line).notice("SMSGW-778812")?.deliveredAt == .at("2025-02-02T18:11:00Z"))
        // The same id again is not a second notice: the action is refused and nothing is recorded.
        #expect(throws: LedgerError.self) {
            try ledger.apply(
                .sendWrittenWarning(channel: .letter, noticeID: "SMSGW-778812"), to: Self.line,
                at: .at("2025-02-02T18:12:00Z"))
        }
        #expect(try ledger.store.head().position == 5)
    }

    @Test("a refused action returns nothing and records nothing")
    func aRefusedActionRecordsNothing() throws {
        let ledger = Ledger.inMemory()
        try Self.signUp(ledger)
        #expect(throws: LedgerError.self) {
            try ledger.apply(
                .cut(direction: .oneWay, reason: .threshold), to: Self.line, at: .at("2025-02-03T19:00:00Z"))
        }
        #expect(try ledger.store.head().position == 3)
    }

    @Test(
        "Timestamp(Date) keeps the millisecond, rounding toward the past",
        arguments: [
            (1_700_000_000.1234, 1_700_000_000_123), (-0.0005, -1), (0, 0),
        ] as [(Double, Int64)])
    func aTimestampFromADate(_ seconds: Double, _ milliseconds: Int64) {
        let timestamp = Timestamp(Date(timeIntervalSince1970: seconds))
        #expect(timestamp.millisecondsSinceEpoch == milliseconds)
        #expect(Timestamp(timestamp.date) == timestamp)
    }
}
