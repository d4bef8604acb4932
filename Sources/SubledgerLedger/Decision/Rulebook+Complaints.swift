public import SubledgerStore

extension Rulebook {
    /// CMP-1: the operator answers a complaint within `complaintAnswerDays` (to the end of
    /// that calendar day in Tehran, TIME-1); an answer after that is a warning ("nobody
    /// answers", 000). The fold refuses an answer to no complaint, or a second one.
    static func judgeComplaintAnswer(
        _ answer: ComplaintAnswered, at time: Timestamp, line: LineState, context: RuleContext,
        into list: inout JudgementList
    ) {
        guard let complaint = line.complaint(answer.complaintID), !complaint.isAnswered else {
            list.forbid("CMP-1", "there is no open complaint \(answer.complaintID) on line \(line.number) to answer")
            return
        }
        let days = context.editions.edition(at: complaint.filedAt).complaintAnswerDays
        let deadline = complaint.answerDeadline(editions: context.editions, calendar: context.calendar)
        if time > deadline {
            list.warn(
                "CMP-1",
                "complaint \(answer.complaintID) filed at \(complaint.filedAt) is answered at \(time), after its \(days) days (to \(deadline))"
            )
        } else {
            list.allow(
                "CMP-1",
                "complaint \(answer.complaintID) filed at \(complaint.filedAt) is answered within its \(days) days (to \(deadline))"
            )
        }
    }

    /// BIL-4, PLAN-5: a notice of the debt travels by the channel the subscriber chose; one
    /// by another channel is a warning. Three exceptions (readings): an `invoice` notice
    /// travels with the invoice (BIL-4: "through the invoice"); the written warning of OVD-3
    /// goes by letter whatever the channel chosen; and a notice sent again by another channel
    /// after one of its kind by the chosen channel is known to have failed (DLV-1): the
    /// subscriber is told the other way rather than not at all.
    static func judgeNoticeChannel(_ notice: NoticeSent, line: LineState, into list: inout JudgementList) {
        guard notice.kind != .invoice, !(notice.kind == .writtenWarning && notice.channel == .letter),
            notice.channel != line.noticeChannel
        else { return }
        let resent = line.notices.contains {
            $0.notice.kind == notice.kind && $0.notice.channel == line.noticeChannel && $0.isKnownFailed
        }
        guard !resent else { return }
        list.warn(
            "BIL-4",
            "sent by \(notice.channel.rawValue), not by \(line.noticeChannel.rawValue), the channel the subscriber chose (PLAN-5)"
        )
    }
}

extension ComplaintState {
    /// The end of the time to answer it (CMP-1), under the edition in force when it was filed.
    ///
    /// - Parameters:
    ///   - editions: the editions known; the one in force at the filing sets the days (`complaintAnswerDays`).
    ///   - calendar: the Tehran calendar the days are counted in.
    /// - Returns: the last second the complaint may be answered in (23:59:59 Tehran time).
    public func answerDeadline(editions: PolicyEditions, calendar: TehranCalendar) -> Timestamp {
        editions.edition(at: filedAt).complaintAnswerDeadline(filedAt: filedAt, calendar: calendar)
    }
}

extension LineState {
    /// The warnings of complaints still unanswered at `now` after their time to answer
    /// (CMP-1), in the order they were filed: each with the complaint and its deadline.
    func complaintsOverdue(
        at now: Timestamp, editions: PolicyEditions,
        calendar: TehranCalendar
    ) -> [(complaint: ComplaintState, deadline: Timestamp)] {
        openComplaints.compactMap { complaint in
            let deadline = complaint.answerDeadline(editions: editions, calendar: calendar)
            return now > deadline ? (complaint, deadline) : nil
        }
    }
}
