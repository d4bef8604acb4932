import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Issue 11, items 4, 5, 6: OVD-2, OVD-3 and LEG-1 of the second reading.
@Suite("Issue 11 items 4-6: OVD-2, OVD-3, LEG-1")
struct LadderReadingTests {
    static let cutAt = Timestamp.at("2025-02-03T18:10:00Z")

    /// A mobile noDeposit line cut one-way for the threshold at `cutAt` (315,000 owed, threshold 300,000).
    static func thresholdCut(_ extra: [LedgerFact] = []) throws -> [LedgerFact] {
        let facts = Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()]
        return facts + (try Given(facts).when(CutRuleTests.thresholdCut, at: cutAt.rfc3339).get().facts) + extra
    }

    static let twoWay = OperatorAction.cut(direction: .twoWay, reason: .threshold)

    @Test func OVD2_twoWayOnlyAfterFourteenDaysOneWay() throws {
        let given = Given(try Self.thresholdCut())
        let periodEnd = Self.cutAt.adding(days: 14)
        #expect(given.when(Self.twoWay, at: periodEnd.adding(seconds: -1).rfc3339).refusedRule == "OVD-2")
        #expect(given.when(Self.twoWay, at: periodEnd.rfc3339).isAllowed)
    }

    @Test func OVD2_twoWayOnlyWhileTheLineStillOwesWhatAllowedTheCut() throws {
        // 315,000 owed; a payment of 15,001 leaves one rial below the threshold: no two-way.
        func paying(_ amount: Rials) throws -> Given {
            Given(
                try Self.thresholdCut([
                    .on(
                        "2025-02-10T00:00:00Z",
                        .paymentReceived(PaymentReceived(paymentID: "P", amount: amount, method: "bank")))
                ]))
        }
        let time = Self.cutAt.adding(days: 15).rfc3339
        #expect(try paying(15_001).when(Self.twoWay, at: time).refusedRule == "OVD-2")
        #expect(try paying(15_000).when(Self.twoWay, at: time).isAllowed)
        // An overdue debt (an invoice past due) also allows it below the threshold.
        let invoice = LedgerFact.on(
            "2025-01-20T08:00:00Z",
            .invoiceIssued(
                InvoiceIssued(
                    invoiceID: "I-1", periodStart: .at("2024-12-21T00:00:00Z"), periodEnd: .at("2025-01-19T00:00:00Z"),
                    items: [.init(description: "usage", amount: 100_000)], total: 100_000,
                    dueAt: .at("2025-02-04T20:29:59Z"))))
        let facts =
            Given.mobileLine() + [
                .on("2025-01-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 100_000, description: "calls"))),
                invoice,
                .on("2025-02-02T18:00:00Z", .usageRecorded(UsageRecorded(amount: 215_000, description: "calls"))),
                CutRuleTests.notice(),
            ]
        let cut = try Given(facts).when(CutRuleTests.thresholdCut, at: Self.cutAt.rfc3339).get().facts
        let partlyPaid = Given(
            facts + cut + [
                .on(
                    "2025-02-10T00:00:00Z",
                    .paymentReceived(PaymentReceived(paymentID: "P", amount: 50_000, method: "bank")))
            ])
        #expect(partlyPaid.line.debt < 300_000)
        #expect(partlyPaid.when(Self.twoWay, at: time).isAllowed)
    }

    @Test func OVD2_aTwoWayCutIsNeverRequired() throws {
        // One-way for a year with the debt unpaid: the audit finds nothing about two-way.
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2026-06-01T00:00:00Z")))
        try ledger.record(try Self.thresholdCut())
        #expect(!(try ledger.audit()).contains { $0.rule == "OVD-2" })
        let due = try ledger.due(at: .at("2026-03-01T00:00:00Z"))
        #expect(due.contains { $0.action == .twoWayCut })
        #expect(due.contains { $0.action == .writtenWarning && $0.since == Self.cutAt.adding(days: 14) })
    }

    @Test func OVD3_theWrittenWarningComesAfterTheOneWayPeriodWithOrWithoutTwoWay() throws {
        let given = Given(try Self.thresholdCut())
        let periodEnd = Self.cutAt.adding(days: 14)
        #expect(
            given.when(.sendWrittenWarning(channel: .letter), at: periodEnd.adding(seconds: -1).rfc3339).refusedRule
                == "OVD-3")
        let sent = try given.when(.sendWrittenWarning(channel: .letter), at: periodEnd.rfc3339).get()
        // Its renewed notice goes with it.
        let kinds = sent.facts.compactMap { fact -> NoticeSent.Kind? in
            guard case .noticeSent(let notice) = fact.event else { return nil }
            return notice.kind
        }
        #expect(kinds == [.revocation, .writtenWarning])
        #expect(given.when(.sendWrittenWarning(channel: .sms), at: periodEnd.rfc3339).refusedRule == "OVD-3")
    }

    @Test func OVD3_theYearRunsFromTheWarningsDeliveryElseItsSending() throws {
        let periodEnd = Self.cutAt.adding(days: 14)
        let base = try Self.thresholdCut()
        let warning = try Given(base).when(
            .sendWrittenWarning(channel: .letter, noticeID: "W-1"), at: periodEnd.rfc3339
        ).get().facts
        let calendar = TehranCalendar.standard
        // No receipt: a year from the sending.
        let unreceipted = Given(base + warning)
        let fromSending = calendar.addingYears(1, to: periodEnd)
        #expect(
            unreceipted.when(.revoke(reason: "debt"), at: fromSending.adding(seconds: -1).rfc3339).refusedRule
                == "OVD-3")
        #expect(unreceipted.when(.revoke(reason: "debt"), at: fromSending.rfc3339).isAllowed)
        // Delivered three days later: a year from the delivery.
        let deliveredAt = periodEnd.adding(days: 3)
        let delivered = Given(
            base + warning + [.line(Given.number, deliveredAt, .noticeDelivered(NoticeDelivered(noticeID: "W-1")))])
        let fromDelivery = calendar.addingYears(1, to: deliveredAt)
        #expect(
            delivered.when(.revoke(reason: "debt"), at: fromDelivery.adding(seconds: -1).rfc3339).refusedRule == "OVD-3"
        )
        #expect(delivered.when(.revoke(reason: "debt"), at: fromDelivery.rfc3339).isAllowed)
    }

    @Test func OVD3_revocationNeedsTheRenewedNotice() throws {
        let periodEnd = Self.cutAt.adding(days: 14)
        let base = try Self.thresholdCut()
        // A written warning recorded alone (by import), without a renewed notice.
        let warning = LedgerFact.line(
            Given.number, periodEnd,
            .noticeSent(NoticeSent(noticeID: "W", kind: .writtenWarning, channel: .letter, deadline: nil, fee: 0)))
        let revokeAt = TehranCalendar.standard.addingYears(1, to: periodEnd).rfc3339
        #expect(Given(base + [warning]).when(.revoke(reason: "debt"), at: revokeAt).refusedRule == "OVD-3")
        let renewed = LedgerFact.line(
            Given.number, periodEnd,
            .noticeSent(NoticeSent(noticeID: "R", kind: .overdue, channel: .sms, deadline: nil, fee: 0)))
        #expect(Given(base + [renewed, warning]).when(.revoke(reason: "debt"), at: revokeAt).isAllowed)
    }
}
