import SubledgerStore

/// What the rules see when they judge an action: the line and its owner as they stood just
/// before it, the editions of the directive, and the calendar.
public struct RuleContext: Sendable {
    /// The line before the action (`nil` before its activation).
    public var line: LineState?
    /// The line's owner (for KYC-1 and LEG-1).
    public var subscriber: SubscriberState?
    /// The editions of the directive the ledger knows (POL-1, POL-3).
    public var editions: PolicyEditions
    /// The Tehran calendar for deadlines, days of rest and holidays (TIME-1, SUS-2).
    public var calendar: TehranCalendar

    /// What the rules see for one action.
    ///
    /// - Parameters:
    ///   - line: the line before the action, or `nil` before its activation.
    ///   - subscriber: the line's owner, or `nil` when unknown.
    ///   - editions: the editions the ledger knows.
    ///   - calendar: the Tehran calendar.
    public init(line: LineState?, subscriber: SubscriberState?, editions: PolicyEditions, calendar: TehranCalendar) {
        self.line = line
        self.subscriber = subscriber
        self.editions = editions
        self.calendar = calendar
    }
}

/// Collects the judgements of one action under the edition in force at its time (POL-1).
struct JudgementList {
    let edition: PolicyEdition
    private(set) var judgements: [RuleJudgement] = []

    init(edition: PolicyEdition) {
        self.edition = edition
    }

    mutating func allow(_ rule: RuleID, _ reason: String) {
        judgements.append(RuleJudgement(rule: rule, edition: edition.id, verdict: .allowed, reason: reason))
    }

    mutating func forbid(_ rule: RuleID, _ reason: String) {
        judgements.append(RuleJudgement(rule: rule, edition: edition.id, verdict: .forbidden, reason: reason))
    }

    /// Allows, and asks the audit to report a warning (the operator may, but should not).
    mutating func warn(_ rule: RuleID, _ reason: String) {
        judgements.append(RuleJudgement(rule: rule, edition: edition.id, verdict: .warning, reason: reason))
    }

    /// Allows when `condition` holds, forbids otherwise.
    mutating func require(
        _ condition: Bool, _ rule: RuleID, allowed: @autoclosure () -> String, forbidden: @autoclosure () -> String
    ) {
        if condition { allow(rule, allowed()) } else { forbid(rule, forbidden()) }
    }
}
