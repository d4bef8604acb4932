import Testing
import SubledgerLedger
import SubledgerStore

/// A line cut two-way for debt, then warned, then revoked or sold.
enum Ladder {
    /// Usage, an unpaid invoice, one-way and two-way cuts (through decide), all in debt.
    static func twoWay(_ base: [LedgerFact]) throws -> [LedgerFact] {
        var facts =
            base + [
                .on("2025-01-10T00:00:00Z", .usageRecorded(UsageRecorded(amount: 500_000, description: "usage"))),
                OverdueRuleTests.invoice.withTotal(500_000),
            ]
        for (action, time) in [
            (OperatorAction.cut(direction: .oneWay, reason: .overdue), "2025-02-05T00:00:00Z"),
            (.cut(direction: .twoWay, reason: .overdue), "2025-02-20T00:00:00Z"),
        ] {
            facts += try Given(facts).when(action, at: time).get().facts
        }
        return facts
    }

    static func warned(_ base: [LedgerFact], at time: String) throws -> [LedgerFact] {
        let facts = try twoWay(base)
        return facts + (try Given(facts).when(.sendWrittenWarning(channel: .letter), at: time).get().facts)
    }
}

extension LedgerFact {
    func withTotal(_ total: Rials) -> LedgerFact {
        guard case .invoiceIssued(var invoice) = event else { return self }
        invoice.total = total
        invoice.items = [.init(description: "usage", amount: total)]
        var copy = self
        copy.event = .invoiceIssued(invoice)
        return copy
    }
}

@Suite("Revocation, vanity numbers and legal entities: OVD-3, VAN-1, VAN-2, VAN-3, LEG-1, LEG-2")
struct RevocationRuleTests {
    @Test func OVD3_aWrittenWarningComesAfterTheTwoWayCut() throws {
        #expect(
            Given(Given.mobileLine()).when(.sendWrittenWarning(channel: .letter), at: "2025-03-01T00:00:00Z")
                .refusedRule == "OVD-3")
        #expect(
            Given(try Ladder.twoWay(Given.mobileLine())).when(
                .sendWrittenWarning(channel: .letter), at: "2025-03-01T00:00:00Z"
            ).isAllowed)
    }

    @Test func OVD3_revocationAfterASolarHijriYearAcrossEsfandOfALeapYear() throws {
        // The warning on 1403-12-30 (Esfand 30 exists: 1403 is leap) at 10:00 Tehran; a year later is
        // 1404-12-29 10:00 (1404 has no Esfand 30).
        let calendar = TehranCalendar.standard
        let warningTime = try #require(calendar.timestamp(year: 1403, month: 12, day: 30, hour: 10))
        let graceEnd = try #require(calendar.timestamp(year: 1404, month: 12, day: 29, hour: 10))
        #expect(calendar.addingYears(1, to: warningTime) == graceEnd)
        let given = Given(try Ladder.warned(Given.mobileLine(), at: warningTime.rfc3339))
        #expect(given.when(.revoke(reason: "debt"), at: graceEnd.adding(seconds: -1).rfc3339).refusedRule == "OVD-3")
        #expect(given.when(.revoke(reason: "debt"), at: graceEnd.rfc3339).isAllowed)
    }

    @Test func OVD3_noRevocationWithoutAWarningOrOnceThePaidDebt() throws {
        let twoWay = try Ladder.twoWay(Given.mobileLine())
        #expect(Given(twoWay).when(.revoke(reason: "debt"), at: "2027-01-01T00:00:00Z").refusedRule == "OVD-3")
        let warned = try Ladder.warned(Given.mobileLine(), at: "2025-03-01T00:00:00Z")
        let paid =
            warned + [
                .on(
                    "2025-04-01T00:00:00Z",
                    .paymentReceived(PaymentReceived(paymentID: "P", amount: 500_000, method: "card")))
            ]
        #expect(Given(paid).when(.revoke(reason: "debt"), at: "2026-04-01T00:00:00Z").refusedRule == "OVD-3")
    }

    @Test func VAN1_aVanityNumberIsKeptTwoMoreYears() throws {
        let given = Given(try Ladder.warned(Given.mobileLine(vanityPremium: 50_000_000), at: "2025-03-01T00:00:00Z"))
        #expect(given.when(.revoke(reason: "debt"), at: "2026-03-02T00:00:00Z").refusedRule == "VAN-1")
        #expect(given.when(.revoke(reason: "debt"), at: "2028-03-02T00:00:00Z").isAllowed)
    }

    @Test func VAN2_anAuctionNeedsAVanityNumberAnExpertPriceAndTheHold() throws {
        let warned = try Ladder.warned(Given.mobileLine(vanityPremium: 50_000_000), at: "2025-03-01T00:00:00Z")
        #expect(
            Given(warned).when(.sellAtAuction(price: 90_000_000), at: "2028-04-01T00:00:00Z").refusedRule == "VAN-2")
        let valued =
            warned
            + (try Given(warned).when(.recordExpertValuation(amount: 80_000_000), at: "2028-03-15T00:00:00Z").get()
                .facts)
        #expect(
            Given(valued).when(.sellAtAuction(price: 90_000_000), at: "2027-04-01T00:00:00Z").refusedRule == "VAN-1")
        #expect(
            Given(valued).when(.sellAtAuction(price: 70_000_000), at: "2028-04-01T00:00:00Z").refusedRule == "VAN-2")
        #expect(Given(valued).when(.sellAtAuction(price: 90_000_000), at: "2028-04-01T00:00:00Z").isAllowed)
        let ordinary = try Ladder.warned(Given.mobileLine(), at: "2025-03-01T00:00:00Z")
        #expect(
            Given(ordinary).when(.recordExpertValuation(amount: 1), at: "2028-03-15T00:00:00Z").refusedRule == "VAN-2")
    }

    @Test func VAN3_theDebtIsNettedAgainstTheProceedsAndTheRestRefunded() throws {
        var facts = try Ladder.warned(Given.mobileLine(vanityPremium: 50_000_000), at: "2025-03-01T00:00:00Z")
        facts += [.on("2024-01-01T09:00:00Z", .depositPaid(DepositPaid(amount: 200_000)))]
        for (action, time) in [
            (OperatorAction.recordExpertValuation(amount: 80_000_000), "2028-03-15T00:00:00Z"),
            (.sellAtAuction(price: 90_000_000), "2028-04-01T00:00:00Z"),
        ] {
            facts += try Given(facts).when(action, at: time).get().facts
        }
        let line = Given(facts).line
        let statement = NettingStatement(line: line, countHeldAmounts: true)
        #expect(statement.debt == 500_000)
        #expect(statement.credits.auctionProceeds == 90_000_000)
        #expect(statement.credits.deposit == 200_000)
        #expect(statement.refund == 89_700_000)
        #expect(statement.residualDebt == 0)
        #expect(Given(facts).when(.payRefund(amount: 89_700_001), at: "2028-04-02T00:00:00Z").refusedRule == "VAN-3")
        let refund = try Given(facts).when(.payRefund(amount: nil), at: "2028-04-02T00:00:00Z").get()
        #expect(refund.facts.map(\.event) == [.refundPaid(RefundPaid(amount: 89_700_000))])
        #expect(NettingStatement(line: Given(facts + refund.facts).line, countHeldAmounts: true).refundDue == 0)
    }

    @Test func VAN3_proceedsShortOfTheDebtLeaveItOwed() {
        var line = Given(Given.mobileLine(vanityPremium: 1)).line
        line.usage = 5_000_000
        line.status = .sold
        line.auctionPrice = 3_000_000
        let statement = NettingStatement(line: line, countHeldAmounts: true)
        #expect(statement.refund == 0)
        #expect(statement.residualDebt == 2_000_000)
    }

    @Test func LEG1_aTenYearLegalEntityLineMayBeKeptTwoYearsOnTopOfOVD3sYear() throws {
        // Issue 11, item 6: LEG-1 says "may" (the two years come on top of OVD-3's year):
        // revoking after the one year alone is allowed and a LEG-1 warning, no longer refused.
        let base = Given.mobileLine(kind: .legalEntity, governmental: false, activatedAt: "2015-03-01T00:00:00Z")
        let given = Given(try Ladder.warned(base, at: "2025-03-01T00:00:00Z"))
        let early = try given.when(.revoke(reason: "debt"), at: "2026-06-01T00:00:00Z").get()
        #expect(early.judgements.contains { $0.rule == "LEG-1" && $0.isWarning })
        // OVD-3's year still binds: 2025-03-01 + 1 Solar Hijri year, one second either side.
        let graceEnd = TehranCalendar.standard.addingYears(1, to: .at("2025-03-01T00:00:00Z"))
        #expect(given.when(.revoke(reason: "debt"), at: graceEnd.adding(seconds: -1).rfc3339).refusedRule == "OVD-3")
        #expect(given.when(.revoke(reason: "debt"), at: graceEnd.rfc3339).isAllowed)
        // Three years after the warning the line is no longer kept: no LEG-1 warning.
        let keptUntil = TehranCalendar.standard.addingYears(3, to: .at("2025-03-01T00:00:00Z"))
        let late = try given.when(.revoke(reason: "debt"), at: keptUntil.rfc3339).get()
        #expect(late.judgements.contains { $0.rule == "LEG-1" && $0.verdict == .allowed })
        let justBefore = try given.when(.revoke(reason: "debt"), at: keptUntil.adding(seconds: -1).rfc3339).get()
        #expect(justBefore.judgements.contains { $0.rule == "LEG-1" && $0.isWarning })
        // Counted to the day the operator acts: nine years and a half is not ten.
        let young = Given(
            try Ladder.warned(
                Given.mobileLine(kind: .legalEntity, activatedAt: "2016-09-01T00:00:00Z"), at: "2025-03-01T00:00:00Z"))
        #expect(young.when(.revoke(reason: "debt"), at: "2026-03-02T00:00:00Z").isAllowed)
        // A governmental entity gets the ordinary grace.
        let governmental = Given(
            try Ladder.warned(
                Given.mobileLine(kind: .legalEntity, governmental: true, activatedAt: "2015-03-01T00:00:00Z"),
                at: "2025-03-01T00:00:00Z"))
        #expect(governmental.when(.revoke(reason: "debt"), at: "2026-03-02T00:00:00Z").isAllowed)
    }

    @Test func LEG2_theSubscriptionValueIsNettedOnlyForSuchALine() throws {
        let base = Given.mobileLine(kind: .legalEntity, governmental: false, activatedAt: "2015-03-01T00:00:00Z")
        var facts = try Ladder.warned(base, at: "2025-03-01T00:00:00Z")
        facts += try Given(facts).when(.revoke(reason: "debt"), at: "2027-03-02T00:00:00Z").get().facts
        let settled = try Given(facts).when(.settleSubscriptionValue(value: 2_000_000), at: "2027-04-01T00:00:00Z")
            .get()
        let line = Given(facts + settled.facts).line
        #expect(NettingStatement(line: line, countHeldAmounts: true).refund == 1_500_000)
        var individual = try Ladder.warned(Given.mobileLine(), at: "2025-03-01T00:00:00Z")
        individual += try Given(individual).when(.revoke(reason: "debt"), at: "2026-03-02T00:00:00Z").get().facts
        #expect(
            Given(individual).when(.settleSubscriptionValue(value: 2_000_000), at: "2027-04-01T00:00:00Z").refusedRule
                == "LEG-2")
    }
}

@Suite("General rules: GEN-2, GEN-3, GEN-4, KYC-1, PLAN-4, POL-1, POL-2")
struct GeneralRuleTests {
    @Test func GEN2_lateFeesAreNeverAllowed() {
        #expect(
            Given(Given.mobileLine()).when(.chargeLateFee(amount: 10_000), at: "2025-01-01T00:00:00Z").refusedRule
                == "GEN-2")
    }

    @Test func GEN3_aCutLineIsRestoredAndTheNumberKept() throws {
        let twoWay = try Ladder.twoWay(Given.mobileLine())
        #expect(Given(twoWay).when(.restore(reconnectionFee: 0), at: "2025-03-01T00:00:00Z").isAllowed)
        #expect(
            Given(Given.mobileLine()).when(.restore(reconnectionFee: 0), at: "2025-03-01T00:00:00Z").refusedRule
                == "GEN-3")
    }

    @Test func GEN4_noRestorationAfterRevocation() throws {
        var facts = try Ladder.warned(Given.mobileLine(), at: "2025-03-01T00:00:00Z")
        facts += try Given(facts).when(.revoke(reason: "debt"), at: "2026-03-02T00:00:00Z").get().facts
        #expect(Given(facts).when(.restore(reconnectionFee: 0), at: "2026-04-01T00:00:00Z").refusedRule == "GEN-4")
    }

    @Test func KYC1_identityIsVerifiedBeforeActivation() {
        let unverified = [Given.mobileLine()[0]]
        let activation = LedgerFact.on(
            "2024-01-01T08:00:00Z",
            .lineActivated(
                LineActivated(
                    subscriberID: "S-1", service: .mobile, plan: .noDeposit,
                    connectionFee: 0, vanityPremium: 0)))
        var subscriber: SubscriberState?
        for fact in unverified { subscriber = try? SubscriberState.checkedEvolve(subscriber, fact) }
        let refused = Rulebook.judge(
            activation, context: RuleContext(line: nil, subscriber: subscriber, editions: .builtIn, calendar: .standard)
        )
        #expect(refused.contains { $0.rule == "KYC-1" && $0.isForbidden })
        let verified = Given(Given.mobileLine()).subscriber
        let allowed = Rulebook.judge(
            activation, context: RuleContext(line: nil, subscriber: verified, editions: .builtIn, calendar: .standard))
        #expect(allowed.contains { $0.rule == "KYC-1" && !$0.isForbidden })
    }

    @Test func PLAN4_aPrepaymentRaisesTheHeadroomBelowTheThreshold() {
        let prepaid = Given(
            Given.mobileLine() + [
                .on(
                    "2025-01-01T00:00:00Z",
                    .paymentReceived(PaymentReceived(paymentID: "PRE", amount: 100_000, method: "card"))),
                .on("2025-01-05T00:00:00Z", .usageRecorded(UsageRecorded(amount: 330_000, description: "roaming"))),
            ])
        #expect(prepaid.line.debt == 230_000)
        #expect(
            WorkList.due(
                line: prepaid.line, subscriber: nil, at: .at("2025-01-06T00:00:00Z"), editions: .builtIn,
                calendar: .standard
            ).isEmpty)
    }

    @Test func POL1_anEditionChangeBetweenANoticeAndACut() throws {
        // A notice under the older edition (at 100 % of the threshold) on 2021-08-19; the cut on
        // 2021-08-23 is judged by edition 2021 (in force from 2021-08-20T19:30Z) and still stands.
        let facts =
            Given.mobileLine(activatedAt: "2021-01-01T00:00:00Z") + [
                .on("2021-08-19T08:00:00Z", .usageRecorded(UsageRecorded(amount: 300_000, description: "x"))),
                CutRuleTests.notice(
                    at: "2021-08-19T09:00:00Z", deadline: "2021-08-20T09:00:00Z", kind: .thresholdReached),
            ]
        let judged = try Given(facts).when(CutRuleTests.thresholdCut, at: "2021-08-23T00:00:00Z").get()
        #expect(judged.facts.last?.metadata["policyEdition"] == "2021")
        let noticeJudgement = Given(Given.mobileLine(activatedAt: "2021-01-01T00:00:00Z") + [facts[3]])
            .judge(facts[4].event, at: "2021-08-19T09:00:00Z")
        #expect(noticeJudgement.allSatisfy { $0.edition == "older" })
    }

    @Test func POL2_appliedActionsCarryTheirRuleAndEdition() throws {
        let decision = try Given(Given.mobileLine() + [CutRuleTests.usage])
            .when(.sendNotice(kind: .thresholdWarning, channel: .sms, deadline: nil), at: "2025-02-02T18:10:00Z").get()
        // Issue 11, item 13: `rule` is the one rule that allowed it, `rulesChecked` the others
        // (it was every rule judged, comma-separated).
        #expect(decision.facts[0].metadata["rule"] == "NTC-2")
        #expect(decision.facts[0].metadata["rulesChecked"] == "GEN-5,NTC-1")
        #expect(decision.facts[0].metadata["policyEdition"] == "2021")
    }
}
