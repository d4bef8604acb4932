import SubledgerLedger
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

extension LedgerSimulation {
    /// Records one or two facts on random lines, now or up to three days late.
    func record() throws(LedgerError) -> String? {
        let facts = (0...random.below(2)).map { _ in nextFact() }
        try ledger.record(facts)
        try! shadow.record(facts)
        accept(facts)
        return nil
    }

    /// Applies a random operator action now; it must record what `decide` makes of the fold.
    func applyAction() throws(LedgerError) -> String? {
        let line = Self.lines[random.below(Self.lines.count)]
        let actions: [OperatorAction] = [
            .sendNotice(kind: .thresholdWarning, channel: .sms, deadline: nil),
            .cut(direction: .oneWay, reason: .threshold), .restore(reconnectionFee: 0),
        ]
        let action = actions[random.below(actions.count)]
        let (state, subscriber) = folded(line)
        let expected = Decider.decide(
            action, line: state, subscriber: subscriber, at: clock.now(), editions: shadow.editions,
            calendar: .standard)
        let recorded: [RecordedFact]
        do {
            recorded = try ledger.apply(action, to: line, at: clock.now())
        } catch let error where error.violation != nil {
            guard case .failure(let violation) = expected, error.violation?.rule == violation.rule else {
                return "\(action) on \(line) refused by \(error), decide gives \(expected)"
            }
            count("refused \(violation.rule) as decide")
            return nil
        }
        guard case .success(let decision) = expected else { return "\(action) recorded, decide refuses it" }
        let facts = recorded.map(\.fact)
        guard facts.map(\.event) == decision.facts.map(\.event),
            facts.map({ $0.metadata["rule"] }) == decision.facts.map({ $0.metadata["rule"] }),
            facts.map({ $0.metadata["policyEdition"] }) == decision.facts.map({ $0.metadata["policyEdition"] })
        else { return "\(action) on \(line) recorded \(facts), decide gives \(decision.facts)" }
        try! shadow.record(facts)
        accept(facts)
        return nil
    }

    /// A random read, whose answer must be the fold's or the shadow's.
    func read() throws(LedgerError) -> (String, String?) {
        let line = Self.lines[random.below(Self.lines.count)]
        let back = Int64(random.below(4 * 86_400_000))
        let earlier = Timestamp(millisecondsSinceEpoch: clock.now().millisecondsSinceEpoch - back)
        switch random.below(7) {
        case 0:
            let state = try ledger.state(of: line)
            return ("state", state == folded(line).line ? nil : "state of \(line) is not the fold")
        case 1:
            let status = try ledger.status(of: line)
            return ("status", status == (try! shadow.status(of: line)) ? nil : "status \(status)")
        case 2:
            let view = LineHistory.View(asOf: random.below(2) == 0 ? earlier : nil, knownAt: earlier)
            let state: LineState?
            do { state = try ledger.state(of: line, view: view) } catch let error where error.code == .unknownStream {
                state = nil
            }
            return ("replay", state == (try? shadow.state(of: line, view: view)) ? nil : "state in \(view) differs")
        case 3:
            let due = try ledger.due(at: clock.now())
            return ("due", due == (try! shadow.due(at: clock.now())) ? nil : "due \(due)")
        case 4:
            let findings = try ledger.audit(line: line)
            return ("audit", findings == (try! shadow.audit(line: line)) ? nil : "audit \(findings)")
        case 5:
            _ = try ledger.rebuildProjections()
            return ("rebuild", nil)
        default:
            do {
                let report = try ledger.store.verify()
                return ("verify", report.isValid || armedThisStep ? nil : "verify: \(report.problem ?? "")")
            } catch let error as EventStoreError {
                throw LedgerError(.store(error))
            } catch {
                return ("verify", "verify failed untyped: \(error)")
            }
        }
    }

    private func nextFact() -> LedgerFact {
        made += 1
        let line = Self.lines[random.below(Self.lines.count)]
        let late = random.below(4) == 0 ? Int64(random.below(3 * 86_400_000)) : 0
        let time = Timestamp(millisecondsSinceEpoch: max(clock.now().millisecondsSinceEpoch - late, 1_735_700_000_000))
        let amount = Rials(1 + random.below(200_000))
        let event: LedgerEvent =
            random.below(2) == 0
            ? .usageRecorded(UsageRecorded(amount: amount, description: "use \(made)"))
            : .paymentReceived(PaymentReceived(paymentID: "P-\(made)", amount: amount, method: "card"))
        return .line(line, time, event)
    }

    private func accept(_ facts: [LedgerFact]) {
        accepted += facts
    }
}
