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
            facts.append(.on("2024-01-01T09:00:00Z", activated.plan == .deposit ? .depositPaid(DepositPaid(amount: 500_000)) : .guaranteePaid(GuaranteePaid(amount: 500_000))))
        }
        var time = Timestamp.at("2024-01-02T00:00:00Z")
        var invoiceNumber = 0
        for _ in 0..<steps {
            time = time.adding(seconds: Int64.random(in: 3_600...(6 * 86_400), using: &random))
            let line = Given(facts).line
            switch Int.random(in: 0..<10, using: &random) {
            case 0...2: facts.append(.line(Given.number, time, .usageRecorded(UsageRecorded(amount: Int64.random(in: 1...150_000, using: &random), description: "usage"))))
            case 3: facts.append(.line(Given.number, time, .paymentReceived(PaymentReceived(paymentID: "P\(facts.count)", amount: Int64.random(in: 1...200_000, using: &random), method: "card"))))
            default:
                invoiceNumber += 1
                let actions: [OperatorAction] = [
                    .sendNotice(kind: .thresholdWarning, channel: .sms, deadline: nil),
                    .cut(direction: .oneWay, reason: .threshold), .cut(direction: .oneWay, reason: .overdue),
                    .cut(direction: .twoWay, reason: .overdue), .restore(reconnectionFee: 0),
                    .issueInvoice(invoiceID: "I\(invoiceNumber)", periodStart: line.activatedAt, periodEnd: time,
                                  items: [.init(description: "usage", amount: line.unbilled)], dueAt: nil),
                    .sendWrittenWarning(channel: .letter), .revoke(reason: "debt"), .chargeLateFee(amount: 1_000),
                ]
                let action = actions.randomElement(using: &random)!
                if case .success(let decision) = Decider.decide(action, line: line, subscriber: Given(facts).subscriber, at: time,
                                                                editions: .builtIn, calendar: .standard) {
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
            if case .line = fact.stream { line = try! LineState.evolve(line, fact, position: UInt64(index)) } else { continue }
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

    @Test(arguments: seeds)
    func foldingInOneGoEqualsFoldingInTwoHalves(_ seed: UInt64) throws {
        let facts = RandomHistory.make(seed: seed, steps: 60).enumerated().filter { if case .line = $0.element.stream { true } else { false } }
        var whole: LineState?
        for (index, fact) in facts { whole = try LineState.evolve(whole, fact, position: UInt64(index)) }
        let middle = facts.count / 2
        var halves: LineState?
        for (index, fact) in facts[..<middle] { halves = try LineState.evolve(halves, fact, position: UInt64(index)) }
        let firstHalf = halves
        for (index, fact) in facts[middle...] { halves = try LineState.evolve(halves, fact, position: UInt64(index)) }
        #expect(firstHalf != nil)
        #expect(whole == halves, "seed \(seed)")
    }

    @Test(arguments: seeds)
    func anAuditOfAHistoryBuiltThroughDecideHasNoViolation(_ seed: UInt64) throws {
        let facts = RandomHistory.make(seed: seed, steps: 60)
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2030-01-01T00:00:00Z")))
        try ledger.record(facts)
        let violations = try ledger.audit().filter { $0.severity == .violation }
        #expect(violations.isEmpty, "seed \(seed): \(violations.map(\.message))")
        #expect(facts.contains { $0.event.type.isOperatorAction && $0.event.type != .lineActivated }, "seed \(seed) made no action")
    }
}
