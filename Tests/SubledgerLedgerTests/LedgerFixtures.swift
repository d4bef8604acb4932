import Foundation
import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

extension Timestamp {
    static func at(_ text: String) -> Timestamp {
        do { return try Timestamp(rfc3339: text) } catch { fatalError("bad test time \(text): \(error)") }
    }
}

/// The worked example of the contract (spec/examples), in the tests' own copy:
/// Tests/Fixtures/spec-examples, so that the tests run where the spec is not beside the
/// repository (issue 9).
enum WorkedExample {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/spec-examples")

    static func facts(_ name: String = "threshold-cut.jsonl") throws -> [LedgerFact] {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard case .object(let object) = try JSONParser.parse(String(line)) else {
                throw FactError(field: "", reason: "not an object")
            }
            return try LedgerFact(input: object)
        }
    }
}

/// Given/when/then on one line: the past facts, an action at a time, the decision.
struct Given {
    var facts: [LedgerFact]
    var editions = PolicyEditions.builtIn
    var calendar = TehranCalendar.standard

    init(_ facts: [LedgerFact]) {
        self.facts = facts
    }

    var line: LineState {
        var state: LineState?
        for (index, fact) in facts.enumerated() where { if case .line = fact.stream { true } else { false } }() {
            state = try! LineState.checkedEvolve(state, fact, position: UInt64(index + 1))
        }
        return state!
    }

    var subscriber: SubscriberState? {
        var state: SubscriberState?
        for fact in facts {
            if case .subscriber = fact.stream { state = try! SubscriberState.checkedEvolve(state, fact.fact) }
        }
        return state
    }

    func when(_ action: OperatorAction, at time: String) -> Result<Decider.Decision, RuleViolation> {
        Decider.decide(
            action, line: line, subscriber: subscriber, at: .at(time), editions: editions, calendar: calendar)
    }

    /// The judgements of a fact, as `apply` and the audit see it.
    func judge(_ event: LedgerEvent, at time: String) -> [RuleJudgement] {
        let fact = LedgerFact.line(Self.number, .at(time), event)
        return Rulebook.judge(
            fact, context: RuleContext(line: line, subscriber: subscriber, editions: editions, calendar: calendar))
    }

    static let number: LineNumber = "+989121234567"

    /// A registered, verified individual with a mobile no-deposit line activated in 2024.
    static func mobileLine(
        plan: Plan = .noDeposit, service: Service = .mobile, vanityPremium: Rials = 0,
        kind: SubscriberRegistered.Kind = .individual, governmental: Bool = false,
        activatedAt: String = "2024-01-01T08:00:00Z"
    ) -> [LedgerFact] {
        [
            LedgerFact(
                stream: .subscriber("S-1"), occurredAt: .at("2023-12-01T08:00:00Z"),
                event: .subscriberRegistered(
                    SubscriberRegistered(
                        subscriberID: "S-1", kind: kind, governmental: governmental,
                        name: "Test", nationalID: "0012345678"))),
            LedgerFact(
                stream: .subscriber("S-1"), occurredAt: .at("2023-12-01T09:00:00Z"),
                event: .identityVerified(IdentityVerified(documents: ["id"]))),
            .line(
                number, .at(activatedAt),
                .lineActivated(
                    LineActivated(
                        subscriberID: "S-1", service: service, plan: plan,
                        connectionFee: 0, vanityPremium: vanityPremium))),
        ]
    }
}

extension LedgerFact {
    var fact: LedgerFact { self }

    static func on(_ time: String, _ event: LedgerEvent) -> LedgerFact { .line(Given.number, .at(time), event) }
}

extension Result where Failure == RuleViolation {
    var refusedRule: RuleID? {
        if case .failure(let violation) = self { return violation.rule }
        return nil
    }

    var isAllowed: Bool {
        if case .success = self { return true }
        return false
    }
}
