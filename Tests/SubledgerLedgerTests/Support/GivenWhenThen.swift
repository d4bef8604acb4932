import Testing
import SubledgerLedger
import SubledgerStore

/// Given facts, when an operator action at a time, then *exactly* these events (type, stream,
/// time, every data field, the metadata's rule ids and policy edition) or a refusal by one
/// rule (issue 12 item 7). Only the ledger's public API: it may move to a testing product.
///
/// ```swift
/// GivenWhenThen(facts).when(.restore(reconnectionFee: 0), at: time)
///     .then([.init(.lineRestored(LineRestored(reconnectionFee: 0)), rule: "CUT-3", edition: "2021")])
/// ```
struct GivenWhenThen {
    var facts: [LedgerFact]
    var editions: PolicyEditions
    var calendar: TehranCalendar

    init(_ facts: [LedgerFact], editions: PolicyEditions = .builtIn, calendar: TehranCalendar = .standard) {
        self.facts = facts
        self.editions = editions
        self.calendar = calendar
    }

    /// An event a decision must record on the action's line at the action's time.
    struct Expected: CustomStringConvertible {
        var event: LedgerEvent
        /// The deciding rule (`rule` in the metadata) and the others checked (`rulesChecked`).
        var rule: RuleID
        var rulesChecked: [RuleID]
        var edition: String

        init(_ event: LedgerEvent, rule: RuleID, rulesChecked: [RuleID] = [], edition: String) {
            self.event = event
            self.rule = rule
            self.rulesChecked = rulesChecked
            self.edition = edition
        }

        var metadata: [String: String] {
            var metadata = ["rule": rule.rawValue, "policyEdition": edition]
            if !rulesChecked.isEmpty { metadata["rulesChecked"] = rulesChecked.map(\.rawValue).joined(separator: ",") }
            return metadata
        }

        var description: String { "\(event.type) by \(rule) (\(edition))" }
    }

    /// What `decide` made of the action.
    struct Outcome {
        var line: LineState
        var time: Timestamp
        var result: Result<Decider.Decision, RuleViolation>

        /// Then exactly `expected`, in that order, and nothing else.
        func then(_ expected: [Expected], sourceLocation: SourceLocation = #_sourceLocation) {
            guard case .success(let decision) = result else {
                Issue.record("expected \(expected), refused: \(result)", sourceLocation: sourceLocation)
                return
            }
            let number = LineNumber(stored: line.number)
            let wanted = expected.map { LedgerFact.line(number, time, $0.event, metadata: $0.metadata) }
            #expect(decision.facts.count == wanted.count, "\(decision.facts)", sourceLocation: sourceLocation)
            for (made, want) in zip(decision.facts, wanted) {
                #expect(made.stream == want.stream, sourceLocation: sourceLocation)
                #expect(made.occurredAt == want.occurredAt, sourceLocation: sourceLocation)
                #expect(made.event == want.event, sourceLocation: sourceLocation)
                #expect(made.metadata == want.metadata, sourceLocation: sourceLocation)
                #expect(made == want, sourceLocation: sourceLocation)
            }
        }

        /// Then a refusal by `rule` of `edition`, nothing recorded.
        func thenRefused(by rule: RuleID, edition: String, sourceLocation: SourceLocation = #_sourceLocation) {
            guard case .failure(let violation) = result else {
                Issue.record("expected a refusal by \(rule), decided: \(result)", sourceLocation: sourceLocation)
                return
            }
            #expect(violation.rule == rule, "\(violation)", sourceLocation: sourceLocation)
            #expect(violation.edition == edition, "\(violation)", sourceLocation: sourceLocation)
        }
    }

    /// The line's and its subscriber's state folded from the given facts, in order.
    var states: (line: LineState, subscriber: SubscriberState?) {
        var line: LineState?
        var subscriber: SubscriberState?
        for (index, fact) in facts.enumerated() {
            switch fact.stream {
            case .line: line = try! LineState.checkedEvolve(line, fact, position: UInt64(index + 1))
            case .subscriber: subscriber = try! SubscriberState.checkedEvolve(subscriber, fact)
            default: continue
            }
        }
        return (line!, subscriber)
    }

    func when(_ action: OperatorAction, at time: Timestamp) -> Outcome {
        let (line, subscriber) = states
        let result = Decider.decide(
            action, line: line, subscriber: subscriber, at: time, editions: editions, calendar: calendar)
        return Outcome(line: line, time: time, result: result)
    }
}
