public import SubledgerStore

extension Auditor {
    /// The warnings of lines still cut `restorationWarningHours` after their restoration was
    /// owed, as of `now` (GEN-3, KYC-1): an omission, so no action carries it; it is placed
    /// at the line's latest fact that occurred by the time the restoration was owed.
    /// - Parameters:
    ///   - history: the line's facts and its owner's.
    ///   - now: the time of the audit.
    ///   - editions: every edition known; the one in force at `now` sets the hours.
    /// - Returns: one warning (GEN-3, or KYC-1 for a `kyc` cut) when the line is still cut past the
    ///   hours; none otherwise.
    /// - Throws: ``FactError`` when the history does not fold (admission refuses a fact).
    public static func stillCut(_ history: LineHistory, at now: Timestamp, editions: PolicyEditions) throws(FactError)
        -> [Finding]
    {
        // Only a line that was ever cut can be still cut: the others are not folded again.
        guard history.facts.contains(where: { $0.event.type == .lineSuspended }) else { return [] }
        let view = LineHistory.View(asOf: now)
        guard let line = try history.state(view),
            let owed = line.restorationOwed(at: now, subscriber: try history.subscriber(view), editions: editions)
        else { return [] }
        let edition = editions.edition(at: now)
        let warningTime = edition.restorationWarningTime(owedSince: owed.since)
        guard now >= warningTime,
            let anchor = history.facts.last(where: { $0.occurredAt <= owed.since }) ?? history.facts.last
        else { return [] }
        return [
            Finding(
                rule: owed.rule, edition: edition.id, severity: .warning, line: history.number,
                position: anchor.position,
                occurredAt: owed.since,
                message:
                    "line still \(line.status.rawValue) at \(now), \(edition.restorationWarningHours) h or more after its restoration was owed at \(owed.since): \(owed.reason)"
            )
        ]
    }
}
