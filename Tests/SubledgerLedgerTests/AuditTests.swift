import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

@Suite("Audit: violations on what was known, warnings on what occurred, SUS-2")
struct AuditTests {
    func audit(_ facts: [LedgerFact]) throws -> [Finding] {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2026-01-01T00:00:00Z")))
        try ledger.record(facts)
        return try ledger.audit()
    }

    @Test func aCutWithoutAnyNoticeIsAViolationAndASUS2Warning() throws {
        let cut = LedgerFact.on(
            "2025-02-04T08:00:00Z",
            .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: Given.number.text)))
        let findings = try audit(Given.mobileLine() + [CutRuleTests.usage, cut])
        #expect(findings.contains { $0.rule == "CUT-1" && $0.severity == .violation && $0.position == 5 })
        #expect(findings.contains { $0.rule == "GEN-5" && $0.severity == .violation })
        #expect(
            findings.contains {
                $0.rule == "SUS-2" && $0.severity == .warning && $0.message.contains("without prior notice about it")
            })
    }

    @Test func aPaymentRecordedAfterTheCutMakesItAWarning() throws {
        let lawful = Given(Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()])
        let cut = try lawful.when(CutRuleTests.thresholdCut, at: "2025-02-03T19:00:00Z").get().facts
        let latePayment = LedgerFact.on(
            "2025-02-03T12:00:00Z", .paymentReceived(PaymentReceived(paymentID: "P-9", amount: 100_000, method: "bank"))
        )
        let findings = try audit(lawful.facts + cut + [latePayment])
        #expect(!findings.contains { $0.severity == .violation }, "\(findings)")
        #expect(
            findings.contains { $0.rule == "CUT-1" && $0.severity == .warning && $0.message.contains("recorded later") }
        )
    }

    @Test func SUS2b_aThursdayOrWednesdayCutIsAWarningATuesdayCutIsNot() throws {
        // 2025-02-06 is a Thursday (1403-11-18); 11:00Z is 14:30 in Tehran.
        let lawful = Given(Given.mobileLine() + [CutRuleTests.usage, CutRuleTests.notice()])
        let cut = try lawful.when(CutRuleTests.thresholdCut, at: "2025-02-06T11:00:00Z").get().facts
        let findings = try audit(lawful.facts + cut)
        #expect(
            findings.contains {
                $0.rule == "SUS-2" && $0.severity == .warning && $0.message.contains("1403-11-18")
                    && $0.message.contains("Thursday, before the weekend")
            })
        #expect(!findings.contains { $0.severity == .violation })
        // Wednesday 1403-11-17 from its first second (2025-02-04T20:30Z); Tuesday's last second is not.
        let wednesday = try lawful.when(CutRuleTests.thresholdCut, at: "2025-02-04T20:30:00Z").get().facts
        #expect(
            try audit(lawful.facts + wednesday).contains {
                $0.rule == "SUS-2" && $0.message.contains("Wednesday, before the weekend")
            })
        let tuesday = try lawful.when(CutRuleTests.thresholdCut, at: "2025-02-04T20:29:59Z").get().facts
        #expect(!(try audit(lawful.facts + tuesday)).contains { $0.rule == "SUS-2" })
    }

    @Test func aLateFeeIsAGEN2Violation() throws {
        let findings = try audit(
            Given.mobileLine() + [.on("2025-03-01T00:00:00Z", .lateFeeCharged(LateFeeCharged(amount: 20_000)))])
        #expect(findings.map(\.rule) == ["GEN-2"])
        #expect(findings.first?.severity == .violation)
    }

    @Test func aHistoryThatBreaksNoRuleHasNoFinding() throws {
        let facts = try Ladder.warned(Given.mobileLine(), at: "2025-03-01T10:00:00Z")
        #expect(try audit(facts).filter { $0.severity == .violation }.isEmpty)
    }
}

@Suite("Ledger queries")
struct LedgerQueryTests {
    @Test func aSubscriberHasTheLinesActivatedForThem() throws {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2026-01-01T00:00:00Z")))
        let second = LedgerFact.line(
            "+989121234568", .at("2024-02-01T00:00:00Z"),
            .lineActivated(
                LineActivated(subscriberID: "S-1", service: .fixed, plan: .deposit, connectionFee: 0, vanityPremium: 0))
        )
        try ledger.record(Given.mobileLine() + [second])
        let subscriber = try ledger.subscriber("S-1")
        #expect(subscriber.lines == [Given.number.text, "+989121234568"])
        #expect(subscriber.verifiedAt == .at("2023-12-01T09:00:00Z"))
        #expect(throws: LedgerError.self) { try ledger.subscriber("S-2") }
    }
}

@Suite("Idempotent retries through the ledger")
struct LedgerRetryTests {
    @Test func recordingTheSameFactsAgainWritesNothing() throws {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2026-01-01T00:00:00Z")))
        var facts = Given.mobileLine() + [CutRuleTests.usage]
        for index in facts.indices { facts[index].eventID = EventID.random() }
        try ledger.record(facts)
        let again = try ledger.record(facts)
        #expect(again.appendedCount == 0)
        #expect(again.positions == [1, 2, 3, 4])
        var changed = facts
        changed[3].event = .usageRecorded(UsageRecorded(amount: 1, description: "other"))
        #expect { try ledger.record(changed) } throws: { error in
            guard let error = error as? LedgerError, let fact = error.factError else { return false }
            return fact.field == "eventId" && error.index == 3
        }
        var validator = try FactStreamValidator(ledger: ledger, mode: .record)
        for (index, fact) in facts.enumerated() { _ = try validator.admit(fact, index: index) }
    }
}
