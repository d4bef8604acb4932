import Foundation
import Testing
import SubledgerLedger
import SubledgerStore

@Suite("Rule editions as data (POL-1, THR-1, THR-2, NTC-1, CUT-1)")
struct PolicyEditionTests {
    let older = PolicyEdition.older
    let edition2021 = PolicyEdition.edition2021

    func at(_ text: String) throws -> Timestamp { try Timestamp(rfc3339: text) }

    // MARK: THR-1

    @Test("THR-1: noDeposit thresholds: 200,000 fixed, 300,000 mobile, whatever is held")
    func noDepositThresholds() {
        for edition in [older, edition2021] {
            #expect(
                edition.thresholdRials(plan: .noDeposit, service: .fixed, depositHeldRials: 0, guaranteeHeldRials: 0)
                    == 200_000)
            #expect(
                edition.thresholdRials(plan: .noDeposit, service: .mobile, depositHeldRials: 0, guaranteeHeldRials: 0)
                    == 300_000)
            #expect(
                edition.thresholdRials(
                    plan: .noDeposit, service: .mobile, depositHeldRials: 5_000_000, guaranteeHeldRials: 7_000_000)
                    == 300_000)
        }
    }

    @Test(
        "THR-1: deposit and guarantee thresholds are 80 % of the amount held, for both services",
        arguments: [Service.mobile, .fixed])
    func heldThresholds(_ service: Service) {
        for edition in [older, edition2021] {
            #expect(
                edition.thresholdRials(
                    plan: .deposit, service: service, depositHeldRials: 1_000_000, guaranteeHeldRials: 9_999) == 800_000
            )
            #expect(
                edition.thresholdRials(
                    plan: .guarantee, service: service, depositHeldRials: 9_999, guaranteeHeldRials: 500_000) == 400_000
            )
            // Nothing held: the noDeposit threshold of the service (THR-1, issue 11 item 1), not 0.
            let noDeposit =
                service == .fixed ? edition.noDepositFixedThresholdRials : edition.noDepositMobileThresholdRials
            #expect(
                edition.thresholdRials(
                    plan: .deposit, service: service, depositHeldRials: 0, guaranteeHeldRials: 500_000) == noDeposit)
        }
    }

    @Test("THR-1: the reported figure is rounded down; an amount held below zero counts as zero")
    func reportedThresholdRoundsDown() {
        #expect(
            edition2021.thresholdRials(
                plan: .deposit, service: .mobile, depositHeldRials: 333_333, guaranteeHeldRials: 0) == 266_666)
        #expect(
            edition2021.thresholdRials(plan: .guarantee, service: .fixed, depositHeldRials: 0, guaranteeHeldRials: 1)
                == 0)
        // Held below zero counts as nothing held: the noDeposit threshold (THR-1, issue 11 item 1).
        #expect(
            edition2021.thresholdRials(plan: .deposit, service: .fixed, depositHeldRials: -100, guaranteeHeldRials: 0)
                == 200_000)
        #expect(
            edition2021.thresholdRials(plan: .deposit, service: .fixed, depositHeldRials: .max, guaranteeHeldRials: 0)
                == Int64.max / 100 * 80 + (Int64.max % 100) * 80 / 100)
        let threshold = edition2021.threshold(
            plan: .deposit, service: .mobile, depositHeldRials: 333_333, guaranteeHeldRials: 0)
        #expect(threshold.baseRials == 333_333)
        #expect(threshold.percentOfBase == 80)
        #expect(threshold.description == "266666 (80 % of 333333)")
    }

    // MARK: THR-2

    @Test("THR-2: deposit 333,333: debt 266,666 is below 80 % of it, 266,667 reaches it")
    func exactBoundary() {
        func reaches(_ debt: Rials) -> Bool {
            edition2021.reaches(
                debtRials: debt, percentOfThreshold: 100, plan: .deposit, service: .mobile,
                depositHeldRials: 333_333, guaranteeHeldRials: 0)
        }
        // 266,666 × 100 = 26,666,600 < 333,333 × 80 = 26,666,640, though 266,666 is the reported threshold.
        #expect(!reaches(266_666))
        #expect(reaches(266_667))
        #expect(reaches(10_000_000))
        // The deposit-plan notice (100 % of the threshold) and the cut level are the same bar.
        #expect(
            !edition2021.noticeIsDue(
                debtRials: 266_666, plan: .deposit, service: .mobile, depositHeldRials: 333_333, guaranteeHeldRials: 0))
        #expect(
            edition2021.noticeIsDue(
                debtRials: 266_667, plan: .deposit, service: .mobile, depositHeldRials: 333_333, guaranteeHeldRials: 0))
        #expect(
            !edition2021.cutLevelReached(
                debtRials: 266_666, plan: .guarantee, service: .fixed, depositHeldRials: 0, guaranteeHeldRials: 333_333)
        )
        #expect(
            edition2021.cutLevelReached(
                debtRials: 266_667, plan: .guarantee, service: .fixed, depositHeldRials: 0, guaranteeHeldRials: 333_333)
        )
    }

    @Test("THR-2: 80 % of a deposit threshold is 64 % of the deposit, compared without rounding")
    func percentOfAHeldThreshold() throws {
        // 64 % of 333,333 = 213,333.12.
        let edition = try PolicyEdition(
            id: "all-at-80", effectiveDate: at("2030-01-01T00:00:00Z"),
            noticeTriggerPercent: PerPlan(all: 80))
        #expect(
            !edition.noticeIsDue(
                debtRials: 213_333, plan: .deposit, service: .mobile, depositHeldRials: 333_333, guaranteeHeldRials: 0))
        #expect(
            edition.noticeIsDue(
                debtRials: 213_334, plan: .deposit, service: .mobile, depositHeldRials: 333_333, guaranteeHeldRials: 0))
    }

    @Test("THR-2: no debt reaches nothing; 64-bit amounts never overflow the comparison")
    func extremes() {
        // Nothing held: the noDeposit threshold (THR-1, issue 11 item 1; it was 0, so one rial
        // reached it), and a line owing nothing is not due a notice.
        #expect(
            !edition2021.reaches(
                debtRials: 0, percentOfThreshold: 100, plan: .deposit, service: .mobile, depositHeldRials: 0,
                guaranteeHeldRials: 0))
        #expect(
            !edition2021.reaches(
                debtRials: 1, percentOfThreshold: 100, plan: .deposit, service: .mobile, depositHeldRials: 0,
                guaranteeHeldRials: 0))
        #expect(
            edition2021.reaches(
                debtRials: 300_000, percentOfThreshold: 100, plan: .deposit, service: .mobile, depositHeldRials: 0,
                guaranteeHeldRials: 0))
        #expect(
            !edition2021.reaches(
                debtRials: 1, percentOfThreshold: 100, plan: .noDeposit, service: .mobile, depositHeldRials: 0,
                guaranteeHeldRials: 0))
        #expect(
            !edition2021.reaches(
                debtRials: -5, percentOfThreshold: 100, plan: .noDeposit, service: .mobile, depositHeldRials: 0,
                guaranteeHeldRials: 0))
        #expect(
            edition2021.reaches(
                debtRials: .max, percentOfThreshold: 100, plan: .deposit, service: .mobile, depositHeldRials: .max,
                guaranteeHeldRials: 0))
        #expect(
            !edition2021.reaches(
                debtRials: .max / 100 * 80, percentOfThreshold: 100, plan: .deposit, service: .mobile,
                depositHeldRials: .max, guaranteeHeldRials: 0))
        let threshold = Threshold(baseRials: .max, percentOfBase: 100)
        #expect(!threshold.isReached(byDebtRials: .max, percent: .max))
        #expect(threshold.isReached(byDebtRials: 1, percent: .min))
    }

    // MARK: NTC-1

    @Test("NTC-1 (edition 2021): a noDeposit line's notice is due at 80 % of the threshold")
    func noticeTrigger2021() {
        func due(_ debt: Rials, _ service: Service) -> Bool {
            edition2021.noticeIsDue(
                debtRials: debt, plan: .noDeposit, service: service, depositHeldRials: 0, guaranteeHeldRials: 0)
        }
        #expect(!due(239_999, .mobile))
        #expect(due(240_000, .mobile))
        #expect(!due(159_999, .fixed))
        #expect(due(160_000, .fixed))
        #expect(edition2021.noticeTriggerPercent(for: .noDeposit) == 80)
        #expect(edition2021.noticeTriggerPercent(for: .deposit) == 100)
        #expect(edition2021.noticeTriggerPercent(for: .guarantee) == 100)
        // Deposit plans: at the threshold itself (80 % of the deposit).
        #expect(
            !edition2021.noticeIsDue(
                debtRials: 799_999, plan: .deposit, service: .mobile, depositHeldRials: 1_000_000, guaranteeHeldRials: 0
            ))
        #expect(
            edition2021.noticeIsDue(
                debtRials: 800_000, plan: .deposit, service: .mobile, depositHeldRials: 1_000_000, guaranteeHeldRials: 0
            ))
    }

    @Test("NTC-1 (older edition): every notice is due at the threshold")
    func noticeTriggerOlder() {
        func due(_ debt: Rials, _ service: Service) -> Bool {
            older.noticeIsDue(
                debtRials: debt, plan: .noDeposit, service: service, depositHeldRials: 0, guaranteeHeldRials: 0)
        }
        #expect(!due(299_999, .mobile))
        #expect(due(300_000, .mobile))
        #expect(!due(199_999, .fixed))
        #expect(due(200_000, .fixed))
        for plan in Plan.allCases { #expect(older.noticeTriggerPercent(for: plan) == 100) }
    }

    @Test("NTC-1: minimum deadlines are 24 h (noDeposit) and 72 h (deposit, guarantee), exact, in both editions")
    func noticeDeadlines() throws {
        let sent = try at("2022-03-21T12:00:00Z")
        for edition in [older, edition2021] {
            #expect(edition.noticeMinimumDeadlineHours(for: .noDeposit) == 24)
            #expect(edition.noticeMinimumDeadlineHours(for: .deposit) == 72)
            #expect(edition.noticeMinimumDeadlineHours(for: .guarantee) == 72)
            #expect(edition.noticeMinimumDeadline(plan: .noDeposit, from: sent) == (try at("2022-03-22T12:00:00Z")))
            #expect(edition.noticeMinimumDeadline(plan: .guarantee, from: sent) == (try at("2022-03-24T12:00:00Z")))
        }
    }

    @Test("NTC-1: the two editions differ only in the notice trigger")
    func editionsDifferOnlyInTheTrigger() throws {
        let olderAsIf2021 = try PolicyEdition(
            id: edition2021.id, effectiveDate: edition2021.effectiveDate, source: edition2021.source,
            noticeTriggerPercent: older.noticeTriggerPercent
        )
        #expect(
            olderAsIf2021.json.objectValue?["noticeTriggerPercent"] == older.json.objectValue?["noticeTriggerPercent"])
        var a = olderAsIf2021.json.objectValue!
        var b = older.json.objectValue!
        for key in ["id", "effectiveDate", "source"] {
            a[key] = nil
            b[key] = nil
        }
        #expect(a == b)
    }

    // MARK: Other parameters

    @Test("CUT-1, BIL, OVD, VAN, LEG, RET and section 9: the defaults of rules.md")
    func defaults() throws {
        for edition in [older, edition2021] {
            #expect(edition.cutLevelPercent == 100)
            #expect(edition.invoiceMinimumIntervalMonths == 1)
            #expect(edition.invoicePaymentDays == 15)
            #expect(edition.oneWayMinimumDays == 14)
            #expect(edition.graceAfterWrittenWarningYears == 1)
            #expect(edition.vanityExtraHoldYears == 2)
            #expect(edition.legalEntityMinimumActiveYears == 10)
            #expect(edition.legalEntityGraceYears == 2)
            #expect(edition.retentionMonthsAfterLastSubscription == 6)
            #expect(edition.complaintAnswerDays == 15)  // CMP-1
            #expect(edition.maximumReconnectionFeeRials == nil)
            #expect(edition.thresholdCutDirection == .oneWay)
            #expect(edition.noticeRequiredBeforeEveryDebtCut)
            #expect(edition.netDepositAndGuaranteeAtRevocation)
            #expect(edition.graceRunsFromWrittenWarning)
            #expect(edition.noDepositFixedThresholdRials == 200_000)
            #expect(edition.noDepositMobileThresholdRials == 300_000)
            #expect(edition.depositThresholdPercent == 80)
            #expect(edition.guaranteeThresholdPercent == 80)
        }
        let calendar = TehranCalendar()
        let issued = try at("2024-02-29T06:30:00Z")  // 1403-12-10 10:00 Tehran
        // BIL-3 (issue 11, item 9): to the end of the fifteenth calendar day in Tehran, no
        // longer exactly 15 × 86,400 s.
        #expect(
            calendar.solarHijriDate(of: edition2021.invoicePaymentDeadline(issuedAt: issued, calendar: calendar))
                .description == "1402-12-25 23:59:59")
        #expect(edition2021.earliestTwoWayCut(oneWaySince: issued) == issued.adding(weeks: 2))
        #expect(
            calendar.solarHijriDate(of: edition2021.earliestNextInvoice(after: issued, calendar: calendar)).description
                == "1403-01-10 10:00:00")
        #expect(
            calendar.solarHijriDate(of: edition2021.retentionEnd(lastSubscriptionEndedAt: issued, calendar: calendar))
                .description == "1403-06-10 10:00:00")
    }

    // MARK: POL-1

    @Test("POL-1: edition 2021 is in force from 1400-05-30 00:00 Tehran = 2021-08-20T19:30:00Z")
    func selectsTheEditionInForce() throws {
        let editions = PolicyEditions.builtIn
        let effective = try at("2021-08-20T19:30:00Z")
        #expect(edition2021.effectiveDate == effective)
        #expect(TehranCalendar().solarHijriDate(of: effective).description == "1400-05-30 00:00:00")
        #expect(editions.edition(at: effective).id == "2021")
        #expect(editions.edition(at: effective.adding(milliseconds: -1)).id == "older")
        #expect(editions.edition(at: effective.adding(milliseconds: 1)).id == "2021")
        #expect(editions.edition(at: try at("2030-01-01T00:00:00Z")).id == "2021")
        #expect(older.effectiveDate == (try at("2000-01-01T00:00:00Z")))
        #expect(editions.edition(at: try at("2000-01-01T00:00:00Z")).id == "older")
        // Before every edition: the oldest.
        #expect(editions.edition(at: try at("1990-05-05T00:00:00Z")).id == "older")
        #expect(editions.edition(at: .minimum).id == "older")
        #expect(editions.edition(id: "2021") == edition2021)
        #expect(editions.edition(id: "2031") == nil)
        #expect(editions.oldest == older)
        #expect(editions.newest == edition2021)
    }

    @Test("POL-1: a new edition is data; sets refuse ambiguity")
    func editionSets() throws {
        let edition2030 = try PolicyEdition(
            id: "2030", effectiveDate: at("2030-03-20T20:30:00Z"), noDepositMobileThresholdRials: 500_000)
        let editions = try PolicyEditions.builtIn.merging([edition2030])
        #expect(editions.editions.map(\.id) == ["older", "2021", "2030"])
        #expect(editions.edition(at: try at("2030-03-20T20:29:59.999Z")).id == "2021")
        #expect(
            editions.edition(at: try at("2030-03-20T20:30:00Z")).thresholdRials(
                plan: .noDeposit, service: .mobile, depositHeldRials: 0, guaranteeHeldRials: 0) == 500_000)
        // In any order.
        #expect(try PolicyEditions([edition2030, older, edition2021]) == editions)
        // Replacing a built-in by id.
        let moved = try PolicyEdition(id: "2021", effectiveDate: at("2021-08-21T00:00:00Z"))
        #expect(try PolicyEditions.builtIn.merging([moved]).edition(id: "2021")?.effectiveDate == moved.effectiveDate)

        #expect(throws: PolicyEditionError(field: "", reason: .noEditions)) { try PolicyEditions([]) }
        #expect(throws: PolicyEditionError(field: "id", reason: .duplicateIdentifier("2021"))) {
            try PolicyEditions([older, edition2021, moved])
        }
        let sameInstant = try PolicyEdition(id: "other", effectiveDate: edition2021.effectiveDate)
        #expect(
            throws: PolicyEditionError(
                field: "effectiveDate", reason: .duplicateEffectiveDate("2021-08-20T19:30:00.000Z"))
        ) {
            try PolicyEditions([older, edition2021, sameInstant])
        }
    }
}
