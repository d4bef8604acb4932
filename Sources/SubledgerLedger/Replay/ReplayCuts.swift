public import SubledgerStore

/// One cut of a line as the replay shows it (SUS-2): from the suspension that took the line
/// off `active` (a later two-way cut is part of the same cut) to its restoration, or to the
/// event that closed the line (revocation, sale, termination), or, still cut, to the
/// replay's time; with how many non-working days (Fridays and public holidays in Tehran,
/// lunar ones included, ``TehranCalendar/isNonWorkingDay(_:)``) it spanned: the days of
/// which any part falls between its start and its end.
public struct CutSpan: Hashable, Sendable {
    /// When the suspension that started the cut occurred.
    public var suspendedAt: Timestamp
    /// The position of the suspension that started the cut.
    public var suspensionPosition: UInt64
    /// When the cut ended; `nil` while the line is still cut.
    public var endedAt: Timestamp?
    /// The event that ended it (`LineRestored`, `LineRevoked`, ...); `nil` while still cut.
    public var endedBy: EventType?
    /// The end of the length: ``endedAt``, or the replay's time while still cut.
    public var until: Timestamp
    /// The Tehran days, Fridays and public holidays, of which some part falls in the cut (SUS-2).
    public var nonWorkingDays: Int

    /// Whether the line is still cut at the end of the replay.
    public var isStillCut: Bool { endedAt == nil }
    /// The cut's length in milliseconds (0 when the replay's time is before it).
    public var milliseconds: Int64 { max(0, until.millisecondsSinceEpoch - suspendedAt.millisecondsSinceEpoch) }

    /// Finds the cuts in the fold of a line, fact by fact in occurrence order.
    struct Tracker {
        var spans: [CutSpan] = []
        private var open: (at: Timestamp, position: UInt64)?

        /// `fact` took the line from status `before` to `after`.
        mutating func observe(
            _ fact: RecordedFact, from before: LineStatus?, to after: LineStatus?, calendar: TehranCalendar
        ) {
            let isCut = after == .oneWay || after == .twoWay
            if let start = open, !isCut {
                spans.append(
                    CutSpan.span(from: start, to: fact.occurredAt, endedBy: fact.event.type, calendar: calendar))
                open = nil
            } else if open == nil, isCut, before != .oneWay, before != .twoWay {
                open = (fact.occurredAt, fact.position)
            }
        }

        /// The cuts, the one still open measured to `now`.
        func cuts(now: Timestamp, calendar: TehranCalendar) -> [CutSpan] {
            guard let start = open else { return spans }
            var still = CutSpan.span(from: start, to: max(now, start.at), endedBy: nil, calendar: calendar)
            still.until = now
            return spans + [still]
        }
    }

    private static func span(
        from start: (at: Timestamp, position: UInt64), to end: Timestamp, endedBy: EventType?,
        calendar: TehranCalendar
    ) -> CutSpan {
        CutSpan(
            suspendedAt: start.at, suspensionPosition: start.position, endedAt: endedBy == nil ? nil : end,
            endedBy: endedBy,
            until: end, nonWorkingDays: nonWorkingDays(from: start.at, to: end, calendar: calendar))
    }

    /// The Fridays and public holidays of Tehran of which some part is in `start..<end`
    /// (the day of `start` always counts, even for a cut ended the same instant).
    static func nonWorkingDays(from start: Timestamp, to end: Timestamp, calendar: TehranCalendar) -> Int {
        var count = 0
        var day = calendar.startOfDay(start)
        // At most a century of days: a cut longer than that is not a real one.
        for _ in 0..<36_525 {
            // Noon of the day: its weekday and holiday whatever its length (DST).
            if calendar.isNonWorkingDay(day.adding(hours: 12)) { count += 1 }
            let next = calendar.startOfDay(day.adding(hours: 36))
            guard next > day, next < end else { break }
            day = next
        }
        return count
    }
}
