package import SubledgerStore

/// SUS-2: what providers complained of, reported as warnings with Solar Hijri dates.
package enum SuspensionPatterns {
    static func warnings(for action: RecordedFact, line: LineState?, calendar: TehranCalendar) -> [String] {
        guard case .lineSuspended(let suspension) = action.event else { return [] }
        var warnings: [String] = []
        // Shown as every time shown to people (TIME-1): `1402-11-12 16:10 Tehran (2024-02-01)`.
        let format = DisplayFormat(calendar: calendar)
        let when = format.time(action.occurredAt)
        if let line, priorNotice(about: suspension, line: line, before: action.occurredAt) == nil {
            warnings.append(
                "suspended on \(when) without prior notice about it: no \(noticeKinds(about: suspension)) notice "
                    + "sent since the line's last change of status (\(format.time(line.statusSince))), not known to have failed, before the cut"
            )
        }
        if let reason = calendar.isLastWorkingDayBeforeRest(action.occurredAt) {
            warnings.append("suspended on \(when), \(reason)")
        }
        return warnings
    }

    /// SUS-2 (a): the latest notice about this cut: a threshold notice for a threshold cut,
    /// an overdue notice for an overdue cut, or a cut notice of its direction; sent since
    /// the line's last change of status (at that instant or later, as GEN-5's cut notice),
    /// strictly before the cut (one sent with the cut is not prior), and not known to have
    /// failed.
    /// - Parameters:
    ///   - suspension: the cut.
    ///   - line: the line's state before the cut.
    ///   - time: when the cut occurred.
    /// - Returns: the latest such notice; `nil` when none was sent.
    package static func priorNotice(about suspension: LineSuspended, line: LineState, before time: Timestamp)
        -> NoticeState?
    {
        line.notices.last { notice in
            isAbout(suspension, notice.notice.kind) && notice.sentAt >= line.statusSince && notice.sentAt < time
                && !notice.isKnownFailed
        }
    }

    private static func isAbout(_ suspension: LineSuspended, _ kind: NoticeSent.Kind) -> Bool {
        switch kind {
        case .oneWayCut: suspension.direction == .oneWay
        case .twoWayCut: suspension.direction == .twoWay
        case .thresholdWarning, .thresholdReached: suspension.reason == .threshold
        case .overdue: suspension.reason == .overdue
        case .invoice, .writtenWarning, .revocation, .creditStatus, .other: false
        }
    }

    private static func noticeKinds(about suspension: LineSuspended) -> String {
        let kinds = NoticeSent.Kind.allCases.filter { isAbout(suspension, $0) }.map(\.rawValue)
        return kinds.count == 1 ? kinds[0] : kinds.dropLast().joined(separator: ", ") + " or " + kinds[kinds.count - 1]
    }
}
