public import SubledgerStore

/// A finding of the audit (interchange.md "How the audit judges").
public struct Finding: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        /// A rule broken on what the ledger knew when the action was recorded.
        case violation
        /// An action that facts recorded later show to be wrong, or a SUS-2 pattern.
        case warning
    }

    public var rule: RuleID
    public var edition: String
    public var severity: Severity
    public var line: String
    public var position: UInt64
    public var occurredAt: Timestamp
    public var message: String

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
