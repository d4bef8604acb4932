import SubledgerStore

/// SUS-2: what providers complained of, reported as warnings with Solar Hijri dates.
enum SuspensionPatterns {
    static func warnings(for action: RecordedFact, line: LineState?, calendar: TehranCalendar) -> [String] {
        var warnings: [String] = []
        // Shown as every time shown to people (TIME-1): `1402-11-12 16:10 Tehran (2024-02-01)`.
        let when = DisplayFormat(calendar: calendar).time(action.occurredAt)
        if let line, !line.notices.contains(where: { $0.sentAt <= action.occurredAt && !$0.isKnownFailed }) {
            warnings.append("suspended on \(when) without any prior notice")
        }
        if let reason = calendar.isLastWorkingDayBeforeRest(action.occurredAt) {
            warnings.append("suspended on \(when), \(reason)")
        }
        return warnings
    }
}
