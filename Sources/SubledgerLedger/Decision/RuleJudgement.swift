/// A rule of rules.md, by its id: `CUT-1`, `NTC-1`, ...
public struct RuleID: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible, Comparable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What one rule, under one edition, says of one action: allowed or forbidden, and why.
/// Replay shows these for every operator action; `apply` refuses on a forbidden one.
public struct RuleJudgement: Hashable, Sendable, CustomStringConvertible {
    public enum Verdict: String, Hashable, Sendable {
        /// `warning`: allowed, and the audit reports it as a warning (LEG-1's "may").
        case allowed, forbidden, warning
    }

    public var rule: RuleID
    /// The policy edition whose rule this is (POL-1).
    public var edition: String
    public var verdict: Verdict
    public var reason: String

    public init(rule: RuleID, edition: String, verdict: Verdict, reason: String) {
        self.rule = rule
        self.edition = edition
        self.verdict = verdict
        self.reason = reason
    }

    public var isForbidden: Bool { verdict == .forbidden }
    /// Allowed, but reported by the audit as a warning.
    public var isWarning: Bool { verdict == .warning }

    public var description: String { "\(rule) (edition \(edition)) \(verdict.rawValue): \(reason)" }
}

/// A refusal of `decide` or `apply`: the rule, the edition and the reason.
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    public var rule: RuleID
    public var edition: String
    public var reason: String

    public init(_ judgement: RuleJudgement) {
        rule = judgement.rule
        edition = judgement.edition
        reason = judgement.reason
    }

    public var description: String { "\(rule) (edition \(edition)): \(reason)" }
}
