import SubledgerStore

/// The audit: every operator action judged twice, on what was known when it was recorded
/// (a broken rule is a `violation`) and on what had in fact occurred by then, counting
/// facts recorded later (an action this shows wrong is a `warning` under the same rule).
/// SUS-2's patterns are warnings. The editions too (POL-3): the first judgement uses those
/// known when the action was recorded (adopted at or before its `recordedAt`), the second
/// every edition known now, each in force from its effective date.
public enum Auditor: Sendable {
    /// Judges every operator action of one line (interchange.md "How the audit judges"); the fold
    /// runs once along the line when its facts were recorded in the order they occurred, and
    /// afresh for each action otherwise. No SUS-2 mass suspension: that needs many lines
    /// (the audit of `[LineHistory]`).
    /// - Parameters:
    ///   - history: the line's facts and its owner's.
    ///   - editions: every edition known.
    ///   - calendar: the Tehran calendar the rules count days in.
    /// - Returns: the findings, in position order.
    /// - Throws: ``FactError`` when the history does not fold (admission refuses a fact).
    public static func audit(_ history: LineHistory, editions: PolicyEditions, calendar: TehranCalendar)
        throws(FactError) -> [Finding]
    {
        var findings: [Finding] = []
        let facts = history.facts
        // When the facts were recorded in the order they occurred, the state known before an
        // action is the running fold: one fold for the whole line instead of one per action.
        let recordedInOrder = zip(facts, facts.dropFirst()).allSatisfy { $0.occurredAt <= $1.occurredAt }
        let earliestLaterFact = earliestSubscriberSideFact(after: facts)
        let knownByTime = PolicyEditions.KnownByTime(editions)
        var running: LineState?
        for (index, action) in facts.enumerated() {
            if action.event.type.isOperatorAction {
                // Facts recorded later can change the verdict only if one occurred by then.
                let lateFactsMatter =
                    !recordedInOrder || (earliestLaterFact[index].map { $0 <= action.occurredAt } ?? false)
                findings += try judge(
                    action, history, before: recordedInOrder ? .some(running) : nil,
                    lateFactsMatter: lateFactsMatter, editions: knownByTime, calendar: calendar)
            }
            // The fold moves on after the judgement, in place (the state is not copied).
            running = try LineState.checkedEvolve(consume running, action.fact, position: action.position)
        }
        return findings
    }

    /// The findings of one action: judged on what was known (`before`, the running fold,
    /// or folded afresh when `nil`), then on what had occurred when late facts matter.
    private static func judge(
        _ action: RecordedFact, _ history: LineHistory, before: LineState??, lateFactsMatter: Bool,
        editions knownByTime: PolicyEditions.KnownByTime, calendar: TehranCalendar
    ) throws(FactError) -> [Finding] {
        var findings: [Finding] = []
        let editions = knownByTime.all
        // POL-3: on what was known, under the editions known when the action was recorded;
        // as it was, under every edition known now, as each was in force at its occurredAt.
        let knownEditions = knownByTime.at(action.recordedAt)
        let editionsLearnedLater = !editions.isComplete(at: action.recordedAt)
        let known: RuleContext
        if let before {
            known = RuleContext(
                line: before, subscriber: try subscriber(history, before: action, countingLateFacts: false),
                editions: knownEditions, calendar: calendar)
        } else {
            known = try context(
                history, before: action, countingLateFacts: false, editions: knownEditions, calendar: calendar)
        }
        let edition = knownEditions.edition(at: action.occurredAt)
        var forbiddenRules: Set<RuleID> = []
        for judgement in Rulebook.judge(action.fact, context: known) {
            if judgement.isForbidden {
                forbiddenRules.insert(judgement.rule)
                findings.append(
                    finding(action, history, judgement.rule, judgement.edition, .violation, judgement.reason))
            } else if judgement.isWarning {
                findings.append(finding(action, history, judgement.rule, judgement.edition, .warning, judgement.reason))
            }
        }
        if lateFactsMatter || editionsLearnedLater {
            // Only the editions differ: the same state, judged under every edition (no fold again).
            var actual = known
            actual.editions = editions
            if lateFactsMatter {
                actual = try context(
                    history, before: action, countingLateFacts: true, editions: editions, calendar: calendar)
            }
            for judgement in Rulebook.judge(action.fact, context: actual)
            where judgement.isForbidden && !forbiddenRules.contains(judgement.rule) {
                let later = lateFactsMatter ? "facts recorded later show" : "an edition adopted later (POL-3) shows"
                findings.append(
                    finding(
                        action, history, judgement.rule, judgement.edition, .warning, "\(later): \(judgement.reason)"))
            }
        }
        if case .lineSuspended = action.event {
            for message in SuspensionPatterns.warnings(for: action, line: known.line, calendar: calendar) {
                findings.append(finding(action, history, "SUS-2", edition.id, .warning, message))
            }
        }
        return findings
    }

    /// For each index, the earliest `occurredAt` of the subscriber's and the network's facts
    /// recorded after it (`nil` when there is none).
    private static func earliestSubscriberSideFact(after facts: [RecordedFact]) -> [Timestamp?] {
        var result = [Timestamp?](repeating: nil, count: facts.count)
        var earliest: Timestamp?
        for index in facts.indices.reversed() {
            result[index] = earliest
            let fact = facts[index]
            if !fact.event.type.isOperatorAction { earliest = min(earliest ?? fact.occurredAt, fact.occurredAt) }
        }
        return result
    }

    private static func subscriber(
        _ history: LineHistory, before action: RecordedFact,
        countingLateFacts: Bool
    ) throws(FactError) -> SubscriberState? {
        var subscriber: SubscriberState?
        for fact in history.subscriberFacts where fact.position < action.position || countingLateFacts {
            if fact.occurredAt <= action.occurredAt {
                subscriber = try SubscriberState.checkedEvolve(subscriber, fact.fact)
            }
        }
        return subscriber
    }

    /// The rules' context just before `action`: facts recorded before it that occurred by
    /// then; with `countingLateFacts`, also the subscriber's and the network's facts that
    /// occurred by then but were recorded after it.
    static func context(
        _ history: LineHistory, before action: RecordedFact, countingLateFacts: Bool,
        editions: PolicyEditions, calendar: TehranCalendar
    ) throws(FactError) -> RuleContext {
        let facts = history.facts.filter { fact in
            guard fact.position != action.position, fact.occurredAt <= action.occurredAt else { return false }
            if fact.position < action.position { return true }
            return countingLateFacts && !fact.event.type.isOperatorAction
        }
        return RuleContext(
            line: try LineHistory.fold(facts),
            subscriber: try subscriber(history, before: action, countingLateFacts: countingLateFacts),
            editions: editions, calendar: calendar)
    }

    private static func finding(
        _ action: RecordedFact, _ history: LineHistory, _ rule: RuleID, _ edition: String,
        _ severity: Finding.Severity, _ message: String
    ) -> Finding {
        Finding(
            rule: rule, edition: edition, severity: severity, line: history.number, position: action.position,
            occurredAt: action.occurredAt, message: "\(action.event.type.rawValue): \(message)")
    }
}
