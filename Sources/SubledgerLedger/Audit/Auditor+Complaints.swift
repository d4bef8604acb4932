public import SubledgerStore

extension Auditor {
    /// The warnings of complaints still unanswered at `now` after their time to answer
    /// (CMP-1: to the end of the `complaintAnswerDays`-th calendar day in Tehran after the
    /// day of filing, TIME-1): an omission, so no action carries it; it is placed at the
    /// complaint. A complaint answered late is found on its answer (the audit's judgement of
    /// `ComplaintAnswered`); one unanswered and not yet late gives nothing.
    /// - Parameters:
    ///   - history: the line's facts and its owner's.
    ///   - now: the time of the audit.
    ///   - editions: every edition known; the one in force at the filing sets the days.
    ///   - calendar: the Tehran calendar that counts the days.
    /// - Returns: one CMP-1 warning per complaint overdue, placed at the complaint.
    /// - Throws: ``FactError`` when the history does not fold (admission refuses a fact).
    public static func unansweredComplaints(
        _ history: LineHistory, at now: Timestamp, editions: PolicyEditions,
        calendar: TehranCalendar
    ) throws(FactError) -> [Finding] {
        // Only a line with a complaint can owe an answer: the others are not folded again.
        guard history.facts.contains(where: { $0.event.type == .complaintFiled }) else { return [] }
        guard let line = try history.state(LineHistory.View(asOf: now)) else { return [] }
        return line.complaintsOverdue(at: now, editions: editions, calendar: calendar).map { overdue in
            let complaint = overdue.complaint
            let edition = editions.edition(at: complaint.filedAt)
            return Finding(
                rule: "CMP-1", edition: edition.id, severity: .warning, line: history.number,
                position: complaint.position,
                occurredAt: complaint.filedAt,
                message:
                    "ComplaintFiled: complaint \(complaint.complaint.complaintID) (\(complaint.complaint.about.rawValue)) filed at \(complaint.filedAt) is still unanswered at \(now), after its \(edition.complaintAnswerDays) days (to \(overdue.deadline))"
            )
        }
    }
}
