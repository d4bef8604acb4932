/// A rule of rules.md, by its id: `CUT-1`, `NTC-1`, ...
public struct RuleID: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible,
    Comparable
{
    /// The id as written in rules.md (`CUT-1`).
    public var rawValue: String
    /// The rule of this id.
    ///
    /// - Parameters:
    ///   - rawValue: the id, as written in rules.md; not checked.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The rule of this id, from a literal (`"CUT-1"`).
    ///
    /// - Parameters:
    ///   - value: the id; not checked.
    public init(stringLiteral value: String) { rawValue = value }
    /// The id (`CUT-1`).
    public var description: String { rawValue }
    /// Whether `lhs` sorts before `rhs`, by the text of their ids (`CUT-10` before `CUT-2`).
    ///
    /// - Parameters:
    ///   - lhs: a rule id.
    ///   - rhs: another rule id.
    /// - Returns: `true` when `lhs`'s text sorts first.
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What one rule, under one edition, says of one action: allowed or forbidden, and why.
/// Replay shows these for every operator action; `apply` refuses on a forbidden one.
public struct RuleJudgement: Hashable, Sendable, CustomStringConvertible {
    /// What the rule says; its raw value (`allowed`, `forbidden`, `warning`) is what the audit writes.
    public enum Verdict: String, Hashable, Sendable {
        /// `warning`: allowed, and the audit reports it as a warning (LEG-1's "may").
        case allowed, forbidden, warning
    }

    /// The rule judging.
    public var rule: RuleID
    /// The policy edition whose rule this is (POL-1).
    public var edition: String
    /// Allowed, forbidden, or allowed with a warning.
    public var verdict: Verdict
    /// Why, for a person.
    public var reason: String

    /// A judgement of `rule` under `edition`.
    ///
    /// - Parameters:
    ///   - rule: the rule judging.
    ///   - edition: the id of the policy edition whose rule it is.
    ///   - verdict: what the rule says.
    ///   - reason: why, for a person.
    public init(rule: RuleID, edition: String, verdict: Verdict, reason: String) {
        self.rule = rule
        self.edition = edition
        self.verdict = verdict
        self.reason = reason
    }

    /// Whether the rule forbids the action (`apply` refuses it).
    public var isForbidden: Bool { verdict == .forbidden }
    /// Allowed, but reported by the audit as a warning.
    public var isWarning: Bool { verdict == .warning }

    /// `RULE (edition ID) VERDICT: REASON`, for a person.
    public var description: String { "\(rule) (edition \(edition)) \(verdict.rawValue): \(reason)" }
}

/// A refusal of `decide` or `apply`: the first rule broken, its edition and reason, and
/// every other rule the action breaks (section 9: judging one rule never stops the others).
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first rule broken.
    public var rule: RuleID
    /// The id of the policy edition whose rule it is (POL-1).
    public var edition: String
    /// Why the first rule forbids the action, for a person.
    public var reason: String
    /// The other rules the action breaks, in the order they were judged.
    public var alsoBroken: [RuleJudgement]

    /// The refusal of `judgement`'s rule.
    ///
    /// - Parameters:
    ///   - judgement: the first forbidding judgement (its verdict is not read).
    ///   - alsoBroken: the other forbidding judgements, in the order they were judged.
    public init(_ judgement: RuleJudgement, alsoBroken: [RuleJudgement] = []) {
        rule = judgement.rule
        edition = judgement.edition
        reason = judgement.reason
        self.alsoBroken = alsoBroken
    }

    /// The refusal of every forbidden judgement in `judgements`; `nil` when none forbids.
    ///
    /// - Parameters:
    ///   - judgements: the judgements of one action, in the order they were made.
    public init?(every judgements: [RuleJudgement]) {
        let forbidden = judgements.filter(\.isForbidden)
        guard let first = forbidden.first else { return nil }
        self.init(first, alsoBroken: Array(forbidden.dropFirst()))
    }

    /// Every rule the action breaks, the first one first.
    public var rules: [RuleID] { [rule] + alsoBroken.map(\.rule) }

    /// Every broken rule as `RULE (edition ID): REASON`, the first first, joined by `; `.
    public var description: String {
        ([("\(rule) (edition \(edition)): \(reason)")]
            + alsoBroken.map { "\($0.rule) (edition \($0.edition)): \($0.reason)" })
            .joined(separator: "; ")
    }
}

extension RuleJudgement {
    /// What `apply` writes into an allowed action's metadata (POL-2, interchange.md): `rule`,
    /// the one rule that allowed it (the rule judged last that allowed it outright: each
    /// judgement lists the general checks first and the deciding rule last), and
    /// `rulesChecked`, the other rules judged, comma-separated (absent when there is none).
    ///
    /// - Parameters:
    ///   - judgements: the judgements of one event, general checks first.
    /// - Returns: the metadata, `rule` and maybe `rulesChecked`; empty when there are no judgements.
    package static func metadata(of judgements: [RuleJudgement]) -> [String: String] {
        guard let deciding = judgements.last(where: { $0.verdict == .allowed }) ?? judgements.last else { return [:] }
        var others: [String] = []
        for judgement in judgements where judgement.rule != deciding.rule && !others.contains(judgement.rule.rawValue) {
            others.append(judgement.rule.rawValue)
        }
        var metadata = ["rule": deciding.rule.rawValue]
        if !others.isEmpty { metadata["rulesChecked"] = others.joined(separator: ",") }
        return metadata
    }
}
