public import SubledgerStore

/// A finding of the audit (interchange.md "How the audit judges").
public struct Finding: Hashable, Sendable {
    /// How grave a finding is.
    public enum Severity: String, Hashable, Sendable {
        /// A rule broken on what the ledger knew when the action was recorded.
        case violation
        /// An action that facts recorded later show to be wrong, or a SUS-2 pattern.
        case warning
    }

    /// The rule broken or warned of (`CUT-1`, `SUS-2`).
    public var rule: RuleID
    /// The id of the edition the rule was judged under (POL-3).
    public var edition: String
    /// A violation or a warning.
    public var severity: Severity
    /// The line's E.164 number.
    public var line: String
    /// The position of the action judged; for an omission (an unanswered complaint, a line still cut)
    /// the fact it is placed at.
    public var position: UInt64
    /// When the action occurred; for an omission, when the duty began (the complaint filed, the
    /// restoration owed).
    public var occurredAt: Timestamp
    /// What was wrong, in words, naming the event and its figures.
    public var message: String

    /// - Parameters:
    ///   - rule: the rule broken or warned of.
    ///   - edition: the id of the edition it was judged under.
    ///   - severity: a violation or a warning.
    ///   - line: the line's E.164 number.
    ///   - position: the position of the fact the finding is placed at.
    ///   - occurredAt: when the action occurred, or the duty began.
    ///   - message: what was wrong.
    public init(
        rule: RuleID, edition: String, severity: Severity, line: String, position: UInt64, occurredAt: Timestamp,
        message: String
    ) {
        self.rule = rule
        self.edition = edition
        self.severity = severity
        self.line = line
        self.position = position
        self.occurredAt = occurredAt
        self.message = message
    }
}
