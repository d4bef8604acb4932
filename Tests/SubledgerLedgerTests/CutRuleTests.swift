import Testing
import SubledgerLedger
import SubledgerStore

/// Given past facts, when an operator cuts, then events or the rule that refuses.
/// A mobile no-deposit line: threshold 300,000 (THR-1); edition 2021 notice at 240,000.
@Suite("Cuts: NTC-1, NTC-2, CUT-1, CUT-2, DLV-1, GEN-1, GEN-5, OVD-1, OVD-2, SUS-1")
struct CutRuleTests {
    static let usage = LedgerFact.on(
        "2025-02-02T18:00:00Z", .usageRecorded(UsageRecorded(amount: 315_000, description: "calls")))
    static func notice(
        _ id: String = "N-1", at time: String = "2025-02-02T18:10:00Z", deadline: String? = "2025-02-03T18:10:00Z",
        kind: NoticeSent.Kind = .thresholdWarning, fee: Rials = 0
    ) -> LedgerFact {
        .on(
            time,
            .noticeSent(
                NoticeSent(noticeID: id, kind: kind, channel: .sms, deadline: deadline.map { .at($0) }, fee: fee)))
    }

    static let thresholdCut = OperatorAction.cut(direction: .oneWay, reason: .threshold)

    @Test func CUT1_allowsACutAfterTheNoticeDeadlineAtTheThreshold() throws {
        let decision = try Given(Given.mobileLine() + [Self.usage, Self.notice()]).when(
            Self.thresholdCut, at: "2025-02-03T18:10:00Z"
        ).get()
        #expect(decision.facts.map(\.event.type) == [.noticeSent, .lineSuspended])
        #expect(decision.facts[1].metadata["rule"]?.contains("CUT-1") == true)
        #expect(decision.facts[1].metadata["policyEdition"] == "2021")
    }

    @Test func CUT1a_refusesACutWithoutAThresholdNotice() {
        let result = Given(Given.mobileLine() + [Self.usage]).when(Self.thresholdCut, at: "2025-02-05T00:00:00Z")
        #expect(result.refusedRule == "CUT-1")
    }

    @Test func CUT1b_refusesACutOneSecondBeforeTwentyFourHours() {
        let result = Given(Given.mobileLine() + [Self.usage, Self.notice()]).when(
            Self.thresholdCut, at: "2025-02-03T18:09:59Z")
        #expect(result.refusedRule == "CUT-1")
    }

    @Test func CUT1c_refusesACutBelowTheThreshold() {
        let below = LedgerFact.on(
            "2025-02-02T18:00:00Z", .usageRecorded(UsageRecorded(amount: 299_999, description: "calls")))
        let result = Given(Given.mobileLine() + [below, Self.notice()]).when(
            Self.thresholdCut, at: "2025-02-04T00:00:00Z")
        #expect(result.refusedRule == "CUT-1")
    }

    @Test func CUT1_aNoticeIsSpentWhenPaymentsBringTheDebtBelowItsLevel() {
        let payment = LedgerFact.on(
            "2025-02-02T20:00:00Z", .paymentReceived(PaymentReceived(paymentID: "P-1", amount: 100_000, method: "card"))
        )
        let more = LedgerFact.on(
            "2025-02-02T21:00:00Z", .usageRecorded(UsageRecorded(amount: 100_000, description: "data")))
        let result = Given(Given.mobileLine() + [Self.usage, Self.notice(), payment, more]).when(
            Self.thresholdCut, at: "2025-02-04T00:00:00Z")
        #expect(result.refusedRule == "CUT-1")
    }

    @Test func DLV1_aFailedNoticeDoesNotCount() {
        let failed = LedgerFact.on("2025-02-02T18:11:00Z", .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: "N-1")))
        let result = Given(Given.mobileLine() + [Self.usage, Self.notice(), failed]).when(
            Self.thresholdCut, at: "2025-02-04T00:00:00Z")
        #expect(result.refusedRule == "CUT-1")
    }

    @Test func DLV1_theMinimumRunsFromDelivery() {
        let delivered = LedgerFact.on("2025-02-02T20:00:00Z", .noticeDelivered(NoticeDelivered(noticeID: "N-1")))
        let given = Given(Given.mobileLine() + [Self.usage, Self.notice(), delivered])
        #expect(given.when(Self.thresholdCut, at: "2025-02-03T19:59:59Z").refusedRule == "CUT-1")
        #expect(given.when(Self.thresholdCut, at: "2025-02-03T20:00:00Z").isAllowed)
    }

    @Test func NTC1_aNoticeMustGiveTwentyFourHoursOnNoDeposit() {
        let given = Given(Given.mobileLine() + [Self.usage])
        let short = given.judge(
            .noticeSent(
                NoticeSent(
                    noticeID: "N", kind: .thresholdWarning, channel: .sms,
                    deadline: .at("2025-02-03T18:09:59Z"), fee: 0)), at: "2025-02-02T18:10:00Z")
        #expect(short.contains { $0.rule == "NTC-1" && $0.isForbidden })
        let enough = given.judge(
            .noticeSent(
                NoticeSent(
                    noticeID: "N", kind: .thresholdWarning, channel: .sms,
                    deadline: .at("2025-02-03T18:10:00Z"), fee: 0)), at: "2025-02-02T18:10:00Z")
        #expect(enough.contains { $0.rule == "NTC-1" && !$0.isForbidden })
    }

    @Test func NTC1_depositPlansGetSeventyTwoHours() {
        let deposit = LedgerFact.on("2024-01-01T09:00:00Z", .depositPaid(DepositPaid(amount: 1_000_000)))
        let given = Given(
            Given.mobileLine(plan: .deposit) + [
                deposit, .on("2025-02-01T00:00:00Z", .usageRecorded(UsageRecorded(amount: 800_000, description: "x"))),
                Self.notice(at: "2025-02-01T10:00:00Z", deadline: "2025-02-04T10:00:00Z"),
            ])
        #expect(given.when(Self.thresholdCut, at: "2025-02-04T09:59:59Z").refusedRule == "CUT-1")
        #expect(given.when(Self.thresholdCut, at: "2025-02-04T10:00:00Z").isAllowed)
    }

    @Test func NTC1_editionsDifferInWhenTheNoticeIsOwed() {
        let editions = PolicyEditions.builtIn
        let line = Given(
            Given.mobileLine() + [
                .on("2025-02-01T00:00:00Z", .usageRecorded(UsageRecorded(amount: 240_000, description: "x")))
            ]
        ).line
        let due2021 = WorkList.due(
            line: line, subscriber: nil, at: .at("2025-02-02T00:00:00Z"), editions: editions, calendar: .standard)
        #expect(due2021.contains { $0.action == .notice && $0.rule == "NTC-1" })
        var olderLine = line
        olderLine.activatedAt = .at("2019-01-01T00:00:00Z")
        let dueOlder = WorkList.due(
            line: olderLine, subscriber: nil, at: .at("2020-02-02T00:00:00Z"), editions: editions, calendar: .standard)
        #expect(!dueOlder.contains { $0.action == .notice })
    }

    @Test func CUT2_aThresholdCutStartsOneWay() {
        let result = Given(Given.mobileLine() + [Self.usage, Self.notice()]).when(
            .cut(direction: .twoWay, reason: .threshold), at: "2025-02-04T00:00:00Z")
        #expect(result.refusedRule == "CUT-2")
    }

    @Test func GEN1_aCutMayNotCiteAnotherLinesDebt() {
        let given = Given(
            Given.mobileLine() + [
                Self.usage, Self.notice(),
                Self.notice("C", at: "2025-02-04T00:00:00Z", deadline: nil, kind: .oneWayCut),
            ])
        let foreign = given.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: "+989120000001")),
            at: "2025-02-04T00:00:00Z")
        #expect(foreign.contains { $0.rule == "GEN-1" && $0.isForbidden })
        let own = given.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: Given.number.text)),
            at: "2025-02-04T00:00:00Z")
        #expect(own.contains { $0.rule == "GEN-1" && !$0.isForbidden })
    }

    @Test func GEN5_aDebtCutNeedsACutNoticeAndNoticesAreFree() {
        let given = Given(Given.mobileLine() + [Self.usage, Self.notice()])
        let bare = given.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: Given.number.text)),
            at: "2025-02-04T00:00:00Z")
        #expect(bare.contains { $0.rule == "GEN-5" && $0.isForbidden })
        let charged = given.judge(
            .noticeSent(NoticeSent(noticeID: "X", kind: .creditStatus, channel: .sms, deadline: nil, fee: 5_000)),
            at: "2025-02-04T00:00:00Z")
        #expect(charged.contains { $0.rule == "GEN-5" && $0.isForbidden })
        let free = given.judge(
            .noticeSent(NoticeSent(noticeID: "X", kind: .creditStatus, channel: .sms, deadline: nil, fee: 0)),
            at: "2025-02-04T00:00:00Z")
        #expect(free.contains { $0.rule == "GEN-5" && !$0.isForbidden })
    }

    @Test func SUS1_aSuspensionForAnotherReasonIsAllowedAndNamed() throws {
        let decision = try Given(Given.mobileLine()).when(
            .cut(direction: .twoWay, reason: .legalOrder), at: "2025-02-04T00:00:00Z"
        ).get()
        #expect(decision.facts.count == 1)
        // Issue 11, item 13: the one rule that allowed it, and the others checked.
        #expect(decision.facts[0].metadata["rule"] == "SUS-1")
        #expect(decision.facts[0].metadata["rulesChecked"] == "OVD-4")
        let again = Given(Given.mobileLine() + decision.facts).when(
            .cut(direction: .twoWay, reason: .fraud), at: "2025-02-05T00:00:00Z")
        #expect(again.refusedRule == "SUS-1")
    }
}

/// The overdue ladder on an invoiced line.
@Suite("Overdue ladder: BIL-1, BIL-2, BIL-3, OVD-1, OVD-2")
struct OverdueRuleTests {
    static let invoice = LedgerFact.on(
        "2025-01-20T08:00:00Z",
        .invoiceIssued(
            InvoiceIssued(
                invoiceID: "I-1", periodStart: .at("2024-12-21T00:00:00Z"), periodEnd: .at("2025-01-19T00:00:00Z"),
                // Due at the end of the fifteenth day in Tehran (BIL-3, issue 11 item 9: it was 15 × 86,400 s
                // later, 2025-02-04T08:00Z): 1403-11-15 23:59:59 Tehran.
                items: [.init(description: "usage", amount: 150_000)], total: 150_000,
                dueAt: .at("2025-02-04T20:29:59Z"))))
    static let given = Given(
        Given.mobileLine() + [
            .on("2025-01-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 150_000, description: "x"))), invoice,
        ])

    @Test func OVD1_aOneWayCutNeedsAnUnpaidInvoicePastItsDueDate() {
        #expect(
            Self.given.when(.cut(direction: .oneWay, reason: .overdue), at: "2025-02-04T20:29:59Z").refusedRule
                == "OVD-1")
        #expect(Self.given.when(.cut(direction: .oneWay, reason: .overdue), at: "2025-02-04T20:30:00Z").isAllowed)
        let paid = Given(
            Self.given.facts + [
                .on(
                    "2025-02-01T00:00:00Z",
                    .paymentReceived(PaymentReceived(paymentID: "P", amount: 150_000, method: "card")))
            ])
        #expect(
            paid.when(.cut(direction: .oneWay, reason: .overdue), at: "2025-02-10T00:00:00Z").refusedRule == "OVD-1")
    }

    @Test func OVD2_twoWayAfterFourteenDaysExactlyOneWay() throws {
        let oneWay = try Self.given.when(.cut(direction: .oneWay, reason: .overdue), at: "2025-02-05T00:00:00Z").get()
        let given = Given(Self.given.facts + oneWay.facts)
        #expect(
            given.when(.cut(direction: .twoWay, reason: .overdue), at: "2025-02-18T23:59:59Z").refusedRule == "OVD-2")
        #expect(given.when(.cut(direction: .twoWay, reason: .overdue), at: "2025-02-19T00:00:00Z").isAllowed)
        #expect(
            Self.given.when(.cut(direction: .twoWay, reason: .overdue), at: "2025-03-01T00:00:00Z").refusedRule
                == "OVD-2")
    }

    // Issue 11, item 9: BIL-3's 15 days run to the end of the fifteenth calendar day in
    // Tehran (TIME-1), no longer 15 × 86,400 s: issued 1403-12-02 03:30 Tehran, the
    // subscriber may pay until 1403-12-17 23:59:59 Tehran = 2025-03-07T20:29:59Z.
    @Test func BIL3_toTheEndOfTheFifteenthDayInTehran() {
        let usage = LedgerFact.on(
            "2025-02-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 10_000, description: "x")))
        let given = Given(Given.mobileLine() + [usage])
        let items = [InvoiceIssued.Item(description: "usage", amount: 10_000)]
        let exact = given.when(
            .issueInvoice(
                invoiceID: "I", periodStart: .at("2025-02-01T00:00:00Z"), periodEnd: .at("2025-02-19T00:00:00Z"),
                items: items, dueAt: .at("2025-03-07T20:29:59Z")), at: "2025-02-20T00:00:00Z")
        #expect(exact.isAllowed)
        let short = given.when(
            .issueInvoice(
                invoiceID: "I", periodStart: .at("2025-02-01T00:00:00Z"), periodEnd: .at("2025-02-19T00:00:00Z"),
                items: items, dueAt: .at("2025-03-07T20:29:58Z")), at: "2025-02-20T00:00:00Z")
        #expect(short.refusedRule == "BIL-3")
        // Issued at 23:00 Tehran the same day: the same end of day.
        let late = given.when(
            .issueInvoice(
                invoiceID: "I", periodStart: .at("2025-02-01T00:00:00Z"), periodEnd: .at("2025-02-19T00:00:00Z"),
                items: items, dueAt: nil), at: "2025-02-20T19:30:00Z")
        if case .invoiceIssued(let invoice)? = (try? late.get())?.facts.first?.event {
            #expect(invoice.dueAt == .at("2025-03-07T20:29:59Z"))
        } else {
            Issue.record("the invoice was refused: \(late)")
        }
    }

    @Test func BIL1_invoicesAtLeastOneSolarHijriMonthApart() {
        // I-1 was issued 1403-10-30 11:30 Tehran; Dey has 30 days, Bahman 30: a month later is 1403-11-30 11:30.
        let usage = LedgerFact.on(
            "2025-02-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 10_000, description: "x")))
        let given = Given(Self.given.facts + [usage])
        let next = TehranCalendar.standard.addingMonths(1, to: .at("2025-01-20T08:00:00Z"))
        let items = [InvoiceIssued.Item(description: "usage", amount: 10_000)]
        let early = given.when(
            .issueInvoice(
                invoiceID: "I-2", periodStart: .at("2025-01-20T00:00:00Z"), periodEnd: .at("2025-02-17T00:00:00Z"),
                items: items, dueAt: nil), at: next.adding(seconds: -1).rfc3339)
        #expect(early.refusedRule == "BIL-1")
        let onTime = given.when(
            .issueInvoice(
                invoiceID: "I-2", periodStart: .at("2025-01-20T00:00:00Z"), periodEnd: .at("2025-02-17T00:00:00Z"),
                items: items, dueAt: nil), at: next.rfc3339)
        #expect(onTime.isAllowed)
    }

    @Test func BIL2_itemsMustAddUpToTheTotal() {
        let usage = LedgerFact.on(
            "2025-02-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 10_000, description: "x")))
        let given = Given(Given.mobileLine() + [usage])
        let wrong = given.judge(
            .invoiceIssued(
                InvoiceIssued(
                    invoiceID: "I", periodStart: .at("2025-02-01T00:00:00Z"), periodEnd: .at("2025-02-19T00:00:00Z"),
                    items: [.init(description: "a", amount: 4_000)], total: 10_000,
                    dueAt: .at("2025-03-10T00:00:00Z"))), at: "2025-02-20T00:00:00Z")
        #expect(wrong.contains { $0.rule == "BIL-2" && $0.isForbidden })
        #expect(wrong.contains { $0.rule == "BIL-1" && !$0.isForbidden })
    }
}

@Suite("Emergency calls and the debt status: OVD-4, BIL-4")
struct EmergencyAndDebtStatusTests {
    @Test func OVD4_aCutNeverBarsEmergencyCalls() {
        let given = Given(
            Given.mobileLine() + [
                CutRuleTests.usage, CutRuleTests.notice(),
                CutRuleTests.notice("C", at: "2025-02-04T00:00:00Z", deadline: nil, kind: .oneWayCut),
            ])
        let barring = given.judge(
            .lineSuspended(
                LineSuspended(
                    direction: .oneWay, reason: .threshold, debtLine: Given.number.text,
                    blocksEmergencyCalls: true)), at: "2025-02-04T00:00:00Z")
        #expect(barring.contains { $0.rule == "OVD-4" && $0.isForbidden })
        let open = given.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: Given.number.text)),
            at: "2025-02-04T00:00:00Z")
        #expect(open.contains { $0.rule == "OVD-4" && !$0.isForbidden })
        #expect(!open.contains { $0.isForbidden })
    }

    @Test func OVD4_theFieldIsReadAndWrittenOnlyWhenTrue() throws {
        let event = try LedgerEvent(
            type: .lineSuspended, data: ["direction": "twoWay", "reason": "fraud", "blocksEmergencyCalls": true])
        #expect(event.data["blocksEmergencyCalls"] == .bool(true))
        let plain = try LedgerEvent(type: .lineSuspended, data: ["direction": "twoWay", "reason": "fraud"])
        #expect(plain.data["blocksEmergencyCalls"] == nil)
    }

    @Test func BIL4_anOverdueCutComesAfterAnInvoiceToldTheDebtStatus() {
        let uninvoiced = Given(
            Given.mobileLine() + [
                .on("2025-01-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 150_000, description: "x")))
            ])
        let judged = uninvoiced.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: Given.number.text)),
            at: "2025-03-01T00:00:00Z")
        #expect(judged.contains { $0.rule == "BIL-4" && $0.isForbidden })
        #expect(
            OverdueRuleTests.given.when(.cut(direction: .oneWay, reason: .overdue), at: "2025-02-05T00:00:00Z")
                .isAllowed)
        let told = OverdueRuleTests.given.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: Given.number.text)),
            at: "2025-02-05T00:00:00Z")
        #expect(told.contains { $0.rule == "BIL-4" && !$0.isForbidden })
    }
}

@Suite("A line's debt history stays small")
struct DebtHistoryTests {
    @Test func CUT1_aDebtPaidInFullSpendsEveryEarlierNoticeSoItsHistoryIsDropped() {
        var facts = Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()]
        var time = Timestamp.at("2025-02-03T00:00:00Z")
        for cycle in 0..<100 {
            time = time.adding(seconds: 86_400)
            facts.append(
                .line(
                    Given.number, time,
                    .paymentReceived(
                        PaymentReceived(paymentID: "P\(cycle)", amount: Given(facts).line.debt, method: "card"))))
            facts.append(
                .line(
                    Given.number, time.adding(seconds: 3_600),
                    .usageRecorded(UsageRecorded(amount: 350_000, description: "x"))))
        }
        let given = Given(facts)
        #expect(given.line.debtChanges.count == 2)
        // The old notice is spent: a cut on today's debt needs a new one.
        #expect(given.when(CutRuleTests.thresholdCut, at: time.adding(seconds: 7_200).rfc3339).refusedRule == "CUT-1")
    }
}
