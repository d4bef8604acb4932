import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Random histories built only through `decide` and subscriber-side facts.
enum RandomHistory {
    static func make(seed: UInt64, steps: Int) -> [LedgerFact] {
        var random = SeededRandom(seed: seed)
        var facts = Given.mobileLine(plan: [Plan.noDeposit, .deposit, .guarantee].randomElement(using: &random)!)
        if case .lineActivated(let activated) = facts[2].event, activated.plan != .noDeposit {
            facts.append(
                .on(
                    "2024-01-01T09:00:00Z",
                    activated.plan == .deposit
                        ? .depositPaid(DepositPaid(amount: 500_000)) : .guaranteePaid(GuaranteePaid(amount: 500_000))))
        }
        var time = Timestamp.at("2024-01-02T00:00:00Z")
        var invoiceNumber = 0
        for _ in 0..<steps {
            time = time.adding(seconds: Int64.random(in: 3_600...(6 * 86_400), using: &random))
            let line = Given(facts).line
            switch Int.random(in: 0..<10, using: &random) {
            case 0...2:
                facts.append(
                    .line(
                        Given.number, time,
                        .usageRecorded(
                            UsageRecorded(amount: Int64.random(in: 1...150_000, using: &random), description: "usage")))
                )
            case 3:
                facts.append(
                    .line(
                        Given.number, time,
                        .paymentReceived(
                            PaymentReceived(
                                paymentID: "P\(facts.count)", amount: Int64.random(in: 1...200_000, using: &random),
                                method: "card"))))
            default:
                invoiceNumber += 1
                let actions: [OperatorAction] = [
                    .sendNotice(kind: .thresholdWarning, channel: .sms, deadline: nil),
                    .cut(direction: .oneWay, reason: .threshold), .cut(direction: .oneWay, reason: .overdue),
                    .cut(direction: .twoWay, reason: .overdue), .restore(reconnectionFee: 0),
                    .issueInvoice(
                        invoiceID: "I\(invoiceNumber)", periodStart: line.activatedAt, periodEnd: time,
                        items: [.init(description: "usage", amount: line.unbilled)], dueAt: nil),
                    .sendWrittenWarning(channel: .letter), .revoke(reason: "debt"), .chargeLateFee(amount: 1_000),
                ]
                let action = actions.randomElement(using: &random)!
                if case .success(let decision) = Decider.decide(
                    action, line: line, subscriber: Given(facts).subscriber, at: time,
                    editions: .builtIn, calendar: .standard)
                {
                    facts += decision.facts
                }
            }
            if Given(facts).line.isClosed { break }
        }
        return facts
    }
}

@Suite("Properties of random histories")
struct PropertyTests {
    static let seeds: [UInt64] = (1...25).map { $0 &* 0x5DEE_CE66_D }

    @Test(arguments: seeds)
    func debtIsChargesMinusPaymentsWhenPositive(_ seed: UInt64) {
        let facts = RandomHistory.make(seed: seed, steps: 60)
        var line: LineState?
        var charges: Rials = 0
        var payments: Rials = 0
        for (index, fact) in facts.enumerated() {
            if case .line = fact.stream {
                line = try! LineState.checkedEvolve(line, fact, position: UInt64(index))
            } else {
                continue
            }
            switch fact.event {
            case .usageRecorded(let usageRecorded): charges += usageRecorded.amount
            case .lateFeeCharged(let lateFeeCharged): charges += lateFeeCharged.amount
            case .lineRestored(let lineRestored): charges += lineRestored.reconnectionFee
            case .paymentReceived(let paymentReceived): payments += paymentReceived.amount
            default: break
            }
            #expect(line!.debt == max(0, charges - payments), "seed \(seed) at fact \(index)")
            #expect(line!.credit == max(0, payments - charges), "seed \(seed) at fact \(index)")
        }
    }

    /// Section 9's first settled reading: a line is folded in the order its facts occurred,
    /// so a payment recorded late takes its place before the usage that followed it. The same
    /// history recorded with every payment at the end (each keeping its `occurredAt`) gives the
    /// same status at every moment, and the same debt at each notice's sending (NTC-2's
    /// trigger). (This replaces a test that folded the same facts twice in the same order.)
    @Test(arguments: seeds)
    func paymentsRecordedLateGiveTheSameLineAtEveryMoment(_ seed: UInt64) throws {
        let facts = RandomHistory.make(seed: seed, steps: 60)
        let isPayment = { (fact: LedgerFact) -> Bool in if case .paymentReceived = fact.event { true } else { false } }
        let late = facts.filter { !isPayment($0) } + facts.filter(isPayment)
        #expect(late != facts, "seed \(seed): the history has no payment to record late")
        let clock = ManualClock(.at("2030-01-01T00:00:00Z"))
        let inOrder = Ledger.inMemory(clock: clock)
        let recordedLate = Ledger.inMemory(clock: clock)
        try inOrder.record(facts)
        try recordedLate.record(late)
        for moment in facts.filter({ if case .line = $0.stream { true } else { false } }).map(\.occurredAt) + [
            .at("2030-01-01T00:00:00Z")
        ] {
            let view = LineHistory.View(asOf: moment)
            #expect(
                try inOrder.status(of: Given.number, view: view) == recordedLate.status(of: Given.number, view: view),
                "seed \(seed) as of \(moment.rfc3339)")
        }
        let debtsAtNotices = { (ledger: Ledger) throws -> [Rials] in
            try ledger.state(of: Given.number).notices.map(\.debtAtSending)
        }
        #expect(try debtsAtNotices(inOrder) == debtsAtNotices(recordedLate), "seed \(seed)")
    }

    @Test(arguments: seeds)
    func anAuditOfAHistoryBuiltThroughDecideHasNoViolation(_ seed: UInt64) throws {
        let facts = RandomHistory.make(seed: seed, steps: 60)
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2030-01-01T00:00:00Z")))
        try ledger.record(facts)
        let violations = try ledger.audit().filter { $0.severity == .violation }
        #expect(violations.isEmpty, "seed \(seed): \(violations.map(\.message))")
        #expect(
            facts.contains { $0.event.type.isOperatorAction && $0.event.type != .lineActivated },
            "seed \(seed) made no action")
    }
}
