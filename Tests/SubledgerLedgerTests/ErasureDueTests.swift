import SubledgerLedger
import SubledgerStore
import Testing

/// RET-1 in the work list (issue 10, item 1): `erase` is due six Solar Hijri months after
/// the subscriber's last line ended, the day clamped to the month's length; `eraseDue`
/// carries it out and the subscriber is not listed again.
@Suite("RET-1: erase in the work list")
struct ErasureDueTests {
    static func at(_ text: String) throws -> Timestamp { try Timestamp(rfc3339: text) }

    /// A ledger whose subscriber S-1 had one line, revoked at `revokedAt`.
    static func ledger(revokedAt: Timestamp) throws -> Ledger {
        let ledger = Ledger.inMemory()
        let number = "+989121234567"
        try ledger.record([
            LedgerFact(
                stream: .subscriber("S-1"), occurredAt: try at("2023-01-01T08:00:00Z"),
                event: .subscriberRegistered(
                    SubscriberRegistered(
                        subscriberID: "S-1", kind: .individual, governmental: false,
                        name: "Mina Due", nationalID: "1234567890"))),
            .line(
                LineNumber(stored: number), try at("2023-01-02T08:00:00Z"),
                .lineActivated(
                    LineActivated(
                        subscriberID: "S-1", service: .mobile, plan: .deposit,
                        connectionFee: 0, vanityPremium: 0))),
            .line(LineNumber(stored: number), revokedAt, .lineRevoked(LineRevoked(reason: "ended"))),
        ])
        return ledger
    }

    /// 1403-06-31 12:00 Tehran + 6 months: Esfand 1403 has 30 days (a leap year), so
    /// 1403-12-30; 1402-06-31 + 6 months: Esfand 1402 has 29, so 1402-12-29.
    @Test(arguments: [
        ("2024-09-21T08:30:00Z", "2025-03-20T08:30:00Z"), ("2023-09-22T08:30:00Z", "2024-03-19T08:30:00Z"),
    ])
    func RET1_eraseIsDueSixSolarHijriMonthsAfterTheLastLineEndedClampedToTheMonth(revoked: String, due: String) throws {
        let ledger = try Self.ledger(revokedAt: try Self.at(revoked))
        let since = try Self.at(due)
        #expect(try ledger.due(at: since.adding(milliseconds: -1)).filter { $0.action == .erase }.isEmpty)
        let entries = try ledger.due(at: since).filter { $0.action == .erase }
        #expect(
            entries == [
                DueAction(line: "+989121234567", action: .erase, rule: "RET-1", since: since, subscriber: "S-1")
            ])
        #expect(try ledger.eraseDue(at: since) == ["S-1"])
        #expect(try ledger.store.disclosures(at: 1) == nil)
        #expect(try ledger.due(at: since.adding(days: 1)).filter { $0.action == .erase }.isEmpty)
        #expect(try ledger.subscriber("S-1").erasedAt == since)
    }
}
