import SubledgerStore

/// SUS-2: what providers complained of, reported as warnings with Solar Hijri dates.
enum SuspensionPatterns {
    static func warnings(for action: RecordedFact, line: LineState?, calendar: TehranCalendar) -> [String] {
        var warnings: [String] = []
        let local = calendar.solarHijriDate(of: action.occurredAt)
        if let line, !line.notices.contains(where: { $0.sentAt <= action.occurredAt && !$0.isKnownFailed }) {
            warnings.append("suspended on \(local.displayDescription) without any prior notice")
        }
        if let reason = calendar.isLastWorkingDayBeforeRest(action.occurredAt) {
            warnings.append("suspended on \(local.displayDescription), \(reason)")
        }
        return warnings
    }
}
