import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Issue 11, item 14: section 9's settled readings, each a given/when/then test.
/// A mobile no-deposit line: threshold 300,000 (THR-1); edition 2021's notice at 240,000.
@Suite("Issue 11 item 14: the fold in the order facts occurred, and section 9's settled readings")
struct SettledReadingTests {
    static let present = Timestamp.at("2025-03-01T00:00:00Z")

    static func ledger() -> Ledger { Ledger.inMemory(clock: ManualClock(present)) }

    static func usage(_ amount: Rials, at time: String) -> LedgerFact {
        .on(time, .usageRecorded(UsageRecorded(amount: amount, description: "calls")))
    }

    static func payment(_ id: String, _ amount: Rials, at time: String) -> LedgerFact {
        .on(time, .paymentReceived(PaymentReceived(paymentID: id, amount: amount, method: "bank")))
    }

    /// Given a counting notice at 315,000 (sent 2025-02-02T18:10Z, deadline a day later),
    /// a payment of 100,000 that occurred on 2025-02-03T08:00Z (debt 215,000, below the
    /// notice level: the notice is spent, CUT-1) and usage of 100,000 on 2025-02-03T09:00Z,
    /// the payment recorded after the usage.
    static let latePaymentHistory: [LedgerFact] =
        Given.mobileLine() + [
            CutRuleTests.usage, CutRuleTests.notice(),
            usage(100_000, at: "2025-02-03T09:00:00Z"),
            payment("P-late", 100_000, at: "2025-02-03T08:00:00Z"),
        ]

    @Test func item14_aPaymentRecordedLateTakesItsPlaceBeforeTheUsageThatFollowedIt() throws {
        let ledger = Self.ledger()
        try ledger.record(Self.latePaymentHistory)
        let number = Given.number
        // The stored projection folded in recording order and knows it; the ledger folds the
        // line afresh in the order of occurrence: the notice is spent by the payment.
        let state = try ledger.state(of: number)
        #expect(!state.foldedOutOfOrder)
        #expect(state == (try ledger.history(of: number).state()))
        #expect(state.debtChanges.map(\.debt).contains(215_000))
        #expect(state.debt == 315_000)
        let due = try ledger.due(at: .at("2025-02-04T00:00:00Z"))
        #expect(due.contains { $0.action == .notice && $0.rule == "NTC-1" && $0.since == .at("2025-02-03T09:00:00Z") })
        #expect(!due.contains { $0.action == .oneWayCut })
        // apply refuses the cut (CUT-1 (a): spent) on the state as it occurred.
        let refused = #expect(throws: LedgerError.self) {
            try ledger.apply(CutRuleTests.thresholdCut, to: number, at: .at("2025-02-04T00:00:00Z"))
        }
        if let violation = refused?.violation {
            #expect(violation.rule == "CUT-1")
            #expect(violation.reason.contains("spent"))
        } else {
            Issue.record("expected a CUT-1 refusal, got \(String(describing: refused))")
        }
    }

    @Test func item14_theAuditJudgesACutRecordedAfterTheLatePaymentOnTheFoldByOccurrence() throws {
        let ledger = Self.ledger()
        let cutNotice = LedgerFact.on(
            "2025-02-04T00:00:00Z",
            .noticeSent(NoticeSent(noticeID: "C-1", kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0)))
        let cut = LedgerFact.on(
            "2025-02-04T00:00:00Z",
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: Given.number.text)))
        try ledger.record(Self.latePaymentHistory + [cutNotice, cut])
        let findings = try ledger.audit()
        #expect(
            findings.contains {
                $0.rule == "CUT-1" && $0.severity == .violation && $0.position == 9 && $0.message.contains("spent")
            })
        // Replay shows the debt after the late payment as it was at the payment's time.
        let replay = try ledger.replay(of: Given.number)
        #expect(replay.entries.first { $0.type == .paymentReceived }?.state.debt == 215_000)
        #expect(
            replay.entries.first { $0.type == .usageRecorded && $0.occurredAt == .at("2025-02-03T09:00:00Z") }?.state
                .debt == 315_000)
    }

    @Test func item14_theStoredProjectionRebuildsByteForByteAfterALateFact() throws {
        let ledger = Self.ledger()
        try ledger.record(Self.latePaymentHistory)
        let report = try ledger.rebuildProjections()
        #expect(report.identicalToPrevious)
        #expect(try ledger.state(of: Given.number) == (try ledger.history(of: Given.number).state()))
    }

    @Test func item14_aLateFactThatWouldRewriteTheLinesPastIsRefused() throws {
        let ledger = Self.ledger()
        try ledger.record(Given.mobileLine() + [CutRuleTests.usage])
        let lateCut = LedgerFact.on(
            "2025-02-01T00:00:00Z", .lineSuspended(LineSuspended(direction: .oneWay, reason: .fraud, debtLine: nil)))
        let refused = Issue9DomainTests.badFact { try ledger.record([lateCut]) }
        #expect(refused?.error.field == "occurredAt")
        #expect(refused?.error.reason.contains("before the line's fact of 2025-02-02T18:00:00") == true)
        let beforeActivation = Self.payment("P-0", 1, at: "2023-12-31T00:00:00Z")
        #expect(
            Issue9DomainTests.badFact { try ledger.record([beforeActivation]) }?.error.reason.contains(
                "before the line's activation") == true)
        let receiptBeforeSending = LedgerFact.on(
            "2025-02-02T18:09:59Z", .noticeDelivered(NoticeDelivered(noticeID: "N-1")))
        try ledger.record([CutRuleTests.notice(), Self.usage(1, at: "2025-02-02T19:00:00Z")])
        #expect(
            Issue9DomainTests.badFact { try ledger.record([receiptBeforeSending]) }?.error.reason.contains(
                "before it was sent") == true)
        #expect(try ledger.store.head().position == 6)
    }

    // MARK: The other settled readings

    @Test func NTC1_whereSeveralNoticesCountTheLatestDeadlineIsTheOneACutWaitsFor() {
        // Two counting notices: the second, sent later, gives its deadline to 2025-02-05T10:00Z.
        let second = CutRuleTests.notice("N-2", at: "2025-02-03T10:00:00Z", deadline: "2025-02-05T10:00:00Z")
        let given = Given(Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice(), second])
        #expect(given.when(CutRuleTests.thresholdCut, at: "2025-02-05T09:59:59Z").refusedRule == "CUT-1")
        #expect(given.when(CutRuleTests.thresholdCut, at: "2025-02-05T10:00:00Z").isAllowed)
    }

    @Test func DLV1_theLatestReceiptWins() {
        let failed = LedgerFact.on("2025-02-02T18:11:00Z", .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: "N-1")))
        let delivered = LedgerFact.on("2025-02-02T18:12:00Z", .noticeDelivered(NoticeDelivered(noticeID: "N-1")))
        let failedAgain = LedgerFact.on(
            "2025-02-02T18:13:00Z", .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: "N-1")))
        let base = Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()]
        // A delivery after a failure: the notice arrived (minimum from delivery: 18:12 + 24 h).
        let arrived = Given(base + [failed, delivered])
        #expect(arrived.when(CutRuleTests.thresholdCut, at: "2025-02-03T18:11:59Z").refusedRule == "CUT-1")
        #expect(arrived.when(CutRuleTests.thresholdCut, at: "2025-02-03T18:12:00Z").isAllowed)
        // A failure after the delivery: the notice is known to have failed.
        let lost = Given(base + [failed, delivered, failedAgain]).when(
            CutRuleTests.thresholdCut, at: "2025-02-04T00:00:00Z")
        #expect(lost.refusedRule == "CUT-1")
    }

    @Test func GEN5_aCutNoticeServesOnlyItsOwnCut() throws {
        // A one-way cut notice, the overdue cut it announced, a restoration; a second cut
        // a month later without a new notice breaks GEN-5.
        var facts =
            Given.mobileLine() + [
                .on("2025-01-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 500_000, description: "usage"))),
                OverdueRuleTests.invoice.withTotal(500_000),
            ]
        facts += try Given(facts).when(.cut(direction: .oneWay, reason: .overdue), at: "2025-02-05T00:00:00Z").get()
            .facts
        #expect(facts.contains { $0.event.type == .noticeSent })
        let restored = LedgerFact.on("2025-02-21T10:00:00Z", .lineRestored(LineRestored(reconnectionFee: 0)))
        let given = Given(facts + [restored])
        let again = given.judge(
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: Given.number.text)),
            at: "2025-03-01T10:00:00Z")
        #expect(again.contains { $0.rule == "GEN-5" && $0.isForbidden })
        // The same cut one second after the restoration with a new notice is not refused for GEN-5.
        let notice = LedgerFact.on(
            "2025-02-21T10:00:01Z",
            .noticeSent(NoticeSent(noticeID: "C-2", kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0)))
        let renewed = Given(facts + [restored, notice])
            .judge(
                .lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: Given.number.text)),
                at: "2025-03-01T10:00:00Z")
        #expect(renewed.contains { $0.rule == "GEN-5" && !$0.isForbidden })
    }

    @Test func GEN1_aFindingNeverStopsTheOthers() throws {
        // A cut citing another line's debt, without a notice or any debt here: GEN-1, GEN-5
        // and CUT-1 are all reported, not GEN-1 alone.
        let cut = LedgerFact.on(
            "2025-02-04T08:00:00Z",
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: "+989120000000")))
        let ledger = Self.ledger()
        try ledger.record(Given.mobileLine() + [cut])
        let rules = Set(try ledger.audit().filter { $0.severity == .violation }.map(\.rule))
        #expect(rules.isSuperset(of: ["GEN-1", "GEN-5", "CUT-1"]), "\(rules)")
    }
}

/// Issue 11, items 1 and 2: THR-1 for a line with nothing held, THR-2/GEN-2 late fees.
@Suite("Issue 11 items 1, 2: THR-1 with nothing held, THR-2 late fees")
struct ThresholdReadingTests {
    static func usage(_ amount: Rials, at time: String = "2025-02-02T18:00:00Z") -> LedgerFact {
        .on(time, .usageRecorded(UsageRecorded(amount: amount, description: "calls")))
    }

    @Test(
        "THR-1: a deposit or guarantee line with nothing held has the noDeposit threshold and notice level",
        arguments: [Plan.deposit, .guarantee])
    func THR1_nothingHeldIsNoDeposit(plan: Plan) {
        // Mobile: threshold 300,000, notice at 240,000 (edition 2021); one rial no longer allows anything.
        let oneRial = Given(Given.mobileLine(plan: plan) + [Self.usage(1)])
        #expect(
            WorkList.due(
                line: oneRial.line, subscriber: oneRial.subscriber, at: .at("2025-02-03T00:00:00Z"),
                editions: .builtIn, calendar: .standard
            ).isEmpty)
        #expect(
            oneRial.judge(
                .noticeSent(
                    NoticeSent(
                        noticeID: "N", kind: .thresholdWarning, channel: .sms,
                        deadline: .at("2025-02-06T00:00:00Z"), fee: 0)), at: "2025-02-03T00:00:00Z"
            )
            .contains { $0.rule == "NTC-2" && $0.isForbidden })
        let report = LineStatusReport(line: oneRial.line, at: .at("2025-02-03T00:00:00Z"), editions: .builtIn)
        #expect(report.threshold == 300_000)
        // At the notice level, one rial either side.
        let below = Given(Given.mobileLine(plan: plan) + [Self.usage(239_999)]).line
        let at = Given(Given.mobileLine(plan: plan) + [Self.usage(240_000)]).line
        func owesNotice(_ line: LineState) -> Bool {
            WorkList.due(
                line: line, subscriber: nil, at: .at("2025-02-03T00:00:00Z"), editions: .builtIn, calendar: .standard
            )
            .contains { $0.action == .notice && $0.rule == "NTC-1" }
        }
        #expect(!owesNotice(below))
        #expect(owesNotice(at))
    }

    @Test func THR1_nothingHeldKeepsTheSeventyTwoHourMinimum() {
        let given = Given(
            Given.mobileLine(plan: .deposit) + [
                Self.usage(300_000), CutRuleTests.notice(deadline: "2025-02-05T18:10:00Z"),
            ])
        #expect(given.when(CutRuleTests.thresholdCut, at: "2025-02-05T18:09:59Z").refusedRule == "CUT-1")
        #expect(given.when(CutRuleTests.thresholdCut, at: "2025-02-05T18:10:00Z").isAllowed)
        // A notice of 72 h less one second does not count (NTC-1, NTC-2).
        let short = Given(Given.mobileLine(plan: .deposit) + [Self.usage(300_000)])
            .judge(
                .noticeSent(
                    NoticeSent(
                        noticeID: "N", kind: .thresholdWarning, channel: .sms, deadline: .at("2025-02-05T18:09:59Z"),
                        fee: 0)),
                at: "2025-02-02T18:10:00Z")
        #expect(short.contains { $0.rule == "NTC-2" && $0.isForbidden })
    }

    @Test func THR1_somethingHeldGivesTheDepositThresholdAgain() {
        let deposit = LedgerFact.on("2024-02-01T00:00:00Z", .depositPaid(DepositPaid(amount: 1_000_000)))
        let line = Given(Given.mobileLine(plan: .deposit) + [deposit, Self.usage(1)]).line
        #expect(LineStatusReport(line: line, at: .at("2025-02-03T00:00:00Z"), editions: .builtIn).threshold == 800_000)
    }

    @Test func THR2_aLateFeeNeverPushesALineOverItsThreshold() {
        // 299,999 of usage and a forbidden late fee of 1: the debt stays one rial below the threshold.
        let fee = LedgerFact.on("2025-02-02T18:05:00Z", .lateFeeCharged(LateFeeCharged(amount: 1)))
        let given = Given(Given.mobileLine() + [Self.usage(299_999), fee, CutRuleTests.notice()])
        #expect(given.line.debt == 299_999)
        #expect(given.when(CutRuleTests.thresholdCut, at: "2025-02-04T00:00:00Z").refusedRule == "CUT-1")
        let report = LineStatusReport(line: given.line, at: .at("2025-02-04T00:00:00Z"), editions: .builtIn)
        #expect(report.lateFees == 1)
        #expect(report.json["lateFees"] == .integer(1))
        let atThreshold = Given(Given.mobileLine() + [Self.usage(300_000), fee, CutRuleTests.notice()])
        #expect(atThreshold.when(CutRuleTests.thresholdCut, at: "2025-02-04T00:00:00Z").isAllowed)
    }

    @Test func GEN2_aBilledLateFeeIsNeverOverdueNorNetted() {
        // An invoice billing 100,000 of usage and a 20,000 late fee; the usage is paid: nothing
        // is overdue, the debt is 0, and the overdue cut is refused (OVD-1).
        let fee = LedgerFact.on("2025-01-10T00:00:00Z", .lateFeeCharged(LateFeeCharged(amount: 20_000)))
        var invoice = OverdueRuleTests.invoice.withTotal(120_000)
        if case .invoiceIssued(var issued) = invoice.event {
            issued.items = [
                .init(description: "usage", amount: 100_000), .init(description: "late payment fee", amount: 20_000),
            ]
            invoice.event = .invoiceIssued(issued)
        }
        let paid = LedgerFact.on(
            "2025-01-20T00:00:00Z", .paymentReceived(PaymentReceived(paymentID: "P", amount: 100_000, method: "bank")))
        let given = Given(Given.mobileLine() + [Self.usage(100_000, at: "2025-01-05T00:00:00Z"), fee, invoice, paid])
        #expect(given.line.debt == 0)
        #expect(given.line.overdue(at: .at("2025-03-01T00:00:00Z")) == 0)
        #expect(
            given.when(.cut(direction: .oneWay, reason: .overdue), at: "2025-03-01T00:00:00Z").refusedRule == "OVD-1")
        // One rial of usage unpaid is overdue again.
        let short = LedgerFact.on(
            "2025-01-20T00:00:00Z", .paymentReceived(PaymentReceived(paymentID: "P", amount: 99_999, method: "bank")))
        let owing = Given(Given.mobileLine() + [Self.usage(100_000, at: "2025-01-05T00:00:00Z"), fee, invoice, short])
        #expect(owing.line.overdue(at: .at("2025-03-01T00:00:00Z")) == 1)
    }
}

/// Issue 11, item 13: `apply` reports every rule an action breaks; `metadata.rule` is the
/// one rule that allowed it, `metadata.rulesChecked` the others.
@Suite("Issue 11 item 13: every broken rule, rule and rulesChecked")
struct EveryRuleTests {
    @Test func item13_applyReportsEveryRuleAnActionBreaks() throws {
        // A threshold cut with no debt, citing another line's debt, barring emergency calls.
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2025-03-01T00:00:00Z")))
        try ledger.record(Given.mobileLine())
        let cut = LedgerFact.on(
            "2025-02-04T08:00:00Z",
            .lineSuspended(
                LineSuspended(
                    direction: .oneWay, reason: .threshold,
                    debtLine: "+989120000000", blocksEmergencyCalls: true)))
        let refused = #expect(throws: LedgerError.self) { try ledger.apply([cut]) }
        guard let violation = refused?.violation else {
            Issue.record("expected a rule violation, got \(String(describing: refused))")
            return
        }
        #expect(Set(violation.rules).isSuperset(of: ["OVD-4", "GEN-1", "GEN-5", "CUT-1"]), "\(violation.rules)")
        #expect(violation.description.contains("GEN-1") && violation.description.contains("CUT-1"))
        #expect(try ledger.store.head().position == 3)
        // Through decide too.
        let decided = Given(Given.mobileLine()).when(
            .cut(direction: .oneWay, reason: .threshold), at: "2025-02-04T08:00:00Z")
        guard case .failure(let decidedViolation) = decided else { Issue.record("expected a refusal"); return }
        #expect(decidedViolation.rules.contains("CUT-1"))
    }

    @Test func item13_metadataNamesTheOneRuleThatAllowedTheActionAndTheOthersChecked() throws {
        let decision = try Given(Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()])
            .when(CutRuleTests.thresholdCut, at: "2025-02-03T18:10:00Z").get()
        let cut = try #require(decision.facts.last)
        #expect(cut.metadata["rule"] == "CUT-1")
        // DLV-1 is judged too: the notice has no receipt by its deadline (a warning).
        #expect(cut.metadata["rulesChecked"] == "OVD-4,GEN-1,GEN-5,CUT-2,DLV-1")
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2025-03-01T00:00:00Z")))
        try ledger.record(Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()])
        let recorded = try ledger.apply(CutRuleTests.thresholdCut, to: Given.number, at: .at("2025-02-03T18:10:00Z"))
        #expect(recorded.last?.fact.metadata["rule"] == "CUT-1")
        #expect(recorded.last?.fact.metadata["rulesChecked"]?.split(separator: ",").contains("GEN-5") == true)
    }
}

/// Issue 11, item 9 (in part): DLV-1's no-receipt warning.
@Suite("Issue 11 item 9: DLV-1 no receipt")
struct DeliveryReadingTests {
    @Test func DLV1_aNoticeReliedOnForACutWithNoReceiptByItsDeadlineIsAWarning() throws {
        let base = Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()]
        let cutAt = "2025-02-03T18:10:00Z"
        let unreceipted = try Given(base).when(CutRuleTests.thresholdCut, at: cutAt).get()
        #expect(unreceipted.judgements.contains { $0.rule == "DLV-1" && $0.isWarning })
        // Delivered at the deadline (one second before it moves the deadline by nothing: 24 h from delivery is later).
        let delivered = LedgerFact.on("2025-02-02T18:10:00Z", .noticeDelivered(NoticeDelivered(noticeID: "N-1")))
        let receipted = try Given(base + [delivered]).when(CutRuleTests.thresholdCut, at: cutAt).get()
        #expect(!receipted.judgements.contains { $0.rule == "DLV-1" })
        // The audit reports it as a warning, not a violation.
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2025-03-01T00:00:00Z")))
        try ledger.record(base + unreceipted.facts)
        let findings = try ledger.audit().filter { $0.rule == "DLV-1" }
        #expect(findings.map(\.severity) == [.warning])
    }
}
