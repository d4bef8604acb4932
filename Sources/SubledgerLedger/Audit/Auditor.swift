public import SubledgerStore

/// The audit: every operator action judged twice, on what was known when it was recorded
/// (a broken rule is a `violation`) and on what had in fact occurred by then, counting
/// facts recorded later (an action this shows wrong is a `warning` under the same rule).
/// SUS-2's patterns are warnings.
public enum Auditor: Sendable {
    public static func audit(_ history: LineHistory, editions: PolicyEditions, calendar: TehranCalendar) throws(FactError) -> [Finding] {
        var findings: [Finding] = []
        for action in history.facts where action.event.type.isOperatorAction {
            let known = try context(history, before: action, countingLateFacts: false, editions: editions, calendar: calendar)
            let edition = editions.edition(at: action.occurredAt)
            let knownJudgements = Rulebook.judge(action.fact, context: known)
            var forbiddenRules: Set<RuleID> = []
            for judgement in knownJudgements where judgement.isForbidden {
                forbiddenRules.insert(judgement.rule)
                findings.append(finding(action, history, judgement.rule, judgement.edition, .violation, judgement.reason))
            }
            let actual = try context(history, before: action, countingLateFacts: true, editions: editions, calendar: calendar)
            for judgement in Rulebook.judge(action.fact, context: actual)
            where judgement.isForbidden && !forbiddenRules.contains(judgement.rule) {
                findings.append(finding(action, history, judgement.rule, judgement.edition, .warning,
                                        "facts recorded later show: \(judgement.reason)"))
            }
            if case .lineSuspended = action.event {
                for message in SuspensionPatterns.warnings(for: action, line: known.line, calendar: calendar) {
                    findings.append(finding(action, history, "SUS-2", edition.id, .warning, message))
                }
            }
        }
        return findings
    }

    /// The rules' context just before `action`: facts recorded before it that occurred by
    /// then; with `countingLateFacts`, also the subscriber's and the network's facts that
    /// occurred by then but were recorded after it.
    static func context(_ history: LineHistory, before action: RecordedFact, countingLateFacts: Bool,
                        editions: PolicyEditions, calendar: TehranCalendar) throws(FactError) -> RuleContext {
        let facts = history.facts.filter { fact in
            guard fact.position != action.position, fact.occurredAt <= action.occurredAt else { return false }
            if fact.position < action.position { return true }
            return countingLateFacts && !fact.event.type.isOperatorAction
        }
        var subscriber: SubscriberState?
        for fact in history.subscriberFacts where fact.position < action.position || countingLateFacts {
            if fact.occurredAt <= action.occurredAt { subscriber = try SubscriberState.evolve(subscriber, fact.fact) }
        }
        return RuleContext(line: try LineHistory.fold(facts), subscriber: subscriber, editions: editions, calendar: calendar)
    }

    private static func finding(_ action: RecordedFact, _ history: LineHistory, _ rule: RuleID, _ edition: String,
                                _ severity: Finding.Severity, _ message: String) -> Finding {
        Finding(rule: rule, edition: edition, severity: severity, line: history.number, position: action.position,
                occurredAt: action.occurredAt, message: "\(action.event.type.rawValue): \(message)")
    }
}
