public import SubledgerStore

/// RET-1: when a subscriber's personal data may be made unreadable — six Solar Hijri
/// months (the edition's parameter) after their last subscription ended.
///
/// The ledger stays immutable: the events are kept and their chain still verifies; what
/// is erased is the key of the personal fields (crypto-shredding). This says when.
public enum Retention: Sendable {
    /// The end of the retention of a subscriber whose lines are `lines`: `nil` while any
    /// line is still theirs (not terminated, revoked or sold), or when they have none.
    /// - Parameters:
    ///   - lines: every line of the subscriber.
    ///   - editions: the editions known; the one in force when the last subscription ended sets the months.
    ///   - calendar: the Tehran calendar that counts the Solar Hijri months.
    /// - Returns: the time from which the personal data may be erased; `nil` while a line is still the
    ///   subscriber's, or when they have none.
    public static func personalDataRetainedUntil(
        lines: [LineState], editions: PolicyEditions,
        calendar: TehranCalendar
    ) -> Timestamp? {
        guard !lines.isEmpty else { return nil }
        var lastEnd: Timestamp?
        for line in lines {
            guard let ended = line.endedAt else { return nil }
            lastEnd = max(lastEnd ?? ended, ended)
        }
        guard let lastEnd else { return nil }
        return editions.edition(at: lastEnd).retentionEnd(lastSubscriptionEndedAt: lastEnd, calendar: calendar)
    }
}
