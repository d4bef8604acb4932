public import SubledgerStore

/// `decide(state, command) -> events`: pure, with time passed in.
///
/// The events an action records are judged one after the other, each on the state the
/// ones before it left; an event some rule forbids refuses the whole action, naming every
/// rule it breaks. Recorded events carry `rule` (the one rule that allowed it),
/// `rulesChecked` (the others) and `policyEdition` in their metadata (POL-2).
public enum Decider: Sendable {
    /// What a decision gives: the facts to record and every judgement that allowed them.
    public struct Decision: Hashable, Sendable {
        /// The facts to record, in order, each carrying its `rule`, `rulesChecked` and `policyEdition` metadata.
        public var facts: [LedgerFact]
        /// The judgements of every fact, in the order they were made.
        public var judgements: [RuleJudgement]
    }

    /// The facts `action` records on `line` at `time`, or the refusal.
    ///
    /// The edition in force at `time` (POL-1) judges every fact. Besides the rules' refusals, a
    /// `RefundPaid` of no amount is refused as VAN-3, and an event the line's state cannot take
    /// as POL-2 (``LineState/checkedEvolve(_:_:position:)`` threw).
    ///
    /// - Parameters:
    ///   - action: what the operator does.
    ///   - line: the line as it stands before the action.
    ///   - subscriber: the line's owner, or `nil` when unknown (KYC-1 and LEG-1 read it).
    ///   - time: when the action happens: every fact's `occurredAt`.
    ///   - editions: the editions of the directive the ledger knows.
    ///   - calendar: the Tehran calendar for the deadlines and SUS-2.
    ///   - metadata: metadata given to every fact (the judgements' keys overwrite the same keys).
    /// - Returns: the ``Decision``, or a ``RuleViolation`` naming every rule the first refused fact breaks.
    public static func decide(
        _ action: OperatorAction, line: LineState, subscriber: SubscriberState?, at time: Timestamp,
        editions: PolicyEditions, calendar: TehranCalendar, metadata: [String: String] = [:]
    ) -> Result<Decision, RuleViolation> {
        let edition = editions.edition(at: time)
        var state = line
        var facts: [LedgerFact] = []
        var allJudgements: [RuleJudgement] = []
        for event in action.events(line: line, at: time, edition: edition, calendar: calendar) {
            var fact = LedgerFact(stream: .line(line.number), occurredAt: time, event: event, metadata: metadata)
            let context = RuleContext(line: state, subscriber: subscriber, editions: editions, calendar: calendar)
            let judgements = Rulebook.judge(fact, context: context)
            if let refusal = RuleViolation(every: judgements) { return .failure(refusal) }
            if case .refundPaid(let refundPaid) = event, refundPaid.amount <= 0 {
                return .failure(
                    RuleViolation(
                        RuleJudgement(
                            rule: "VAN-3", edition: edition.id, verdict: .forbidden, reason: "no refund is owed")))
            }
            fact.metadata.merge(RuleJudgement.metadata(of: judgements)) { _, judged in judged }
            fact.metadata["policyEdition"] = edition.id
            do {
                state = try LineState.checkedEvolve(consume state, fact, position: 0)
            } catch {
                return .failure(
                    RuleViolation(
                        RuleJudgement(
                            rule: "POL-2", edition: edition.id, verdict: .forbidden,
                            reason: "the action cannot be recorded: \(error)")))
            }
            facts.append(fact)
            allJudgements += judgements
        }
        return .success(Decision(facts: facts, judgements: allJudgements))
    }
}
