import SubledgerStore

/// The threshold notice a cut may rely on (CUT-1 (a), DLV-1), and its effective deadline.
struct ThresholdNoticeStanding {
    var notice: NoticeState
    /// The later of the written deadline and delivery plus the minimum (DLV-1).
    var effectiveDeadline: Timestamp
}

extension LineState {
    /// The standing threshold notice at `time`: the latest one sent by then that counts
    /// (NTC-2: sent when it was due, with a deadline of at least the minimum), is not known
    /// to have failed (DLV-1), and is not spent by payments that brought the debt below the
    /// level that made it due (CUT-1). `nil` with the reason otherwise.
    func standingThresholdNotice(at time: Timestamp, editions: PolicyEditions) -> Result<ThresholdNoticeStanding, NoticeProblem> {
        let candidates = notices.filter { $0.notice.kind.isThresholdNotice && $0.sentAt <= time }
        guard let latest = candidates.last else { return .failure(.none) }
        let usable = candidates.filter { !$0.isKnownFailed && thresholdNoticeProblem($0, editions: editions) == nil }
        guard let notice = usable.last else {
            if let problem = thresholdNoticeProblem(latest, editions: editions) {
                return .failure(.doesNotCount(latest.notice.noticeID, problem))
            }
            return .failure(.failed(latest.notice.noticeID))
        }
        for change in debtChanges where change.at > notice.sentAt && change.at <= time {
            let terms = ThresholdTerms(edition: editions.edition(at: change.at), line: self,
                                       depositHeld: change.depositHeld, guaranteeHeld: change.guaranteeHeld)
            if !terms.noticeIsDue(change.debt) {
                return .failure(.spent(notice.notice.noticeID, change.at))
            }
        }
        let terms = ThresholdTerms(edition: editions.edition(at: notice.sentAt), line: self)
        guard var deadline = notice.notice.deadline else { preconditionFailure("a notice that counts states its deadline (NTC-2)") }
        if let deliveredAt = notice.deliveredAt, deliveredAt <= time {
            deadline = max(deadline, terms.noticeMinimumDeadline(from: deliveredAt))
        }
        return .success(ThresholdNoticeStanding(notice: notice, effectiveDeadline: deadline))
    }

    /// Why a threshold notice does not count (NTC-2), judged under the edition in force
    /// when it was sent with the amounts held then; `nil` when it counts.
    func thresholdNoticeProblem(_ notice: NoticeState, editions: PolicyEditions) -> String? {
        let terms = ThresholdTerms(edition: editions.edition(at: notice.sentAt), line: self,
                                   depositHeld: notice.depositHeldAtSending, guaranteeHeld: notice.guaranteeHeldAtSending)
        return terms.noticeProblem(debt: notice.debtAtSending, sentAt: notice.sentAt, deadline: notice.notice.deadline)
    }

    /// A cut notice for `direction` sent since the line's last change of status and by
    /// `time`, not known to have failed (section 9's default, GEN-5).
    func cutNotice(for direction: LineSuspended.Direction, at time: Timestamp) -> NoticeState? {
        let kind: NoticeSent.Kind = direction == .oneWay ? .oneWayCut : .twoWayCut
        return notices.last { $0.notice.kind == kind && $0.sentAt >= statusSince && $0.sentAt <= time && !$0.isKnownFailed }
    }

    /// The latest written warning (OVD-3) sent by `time` that is not known to have failed.
    func writtenWarning(at time: Timestamp) -> NoticeState? {
        notices.last { $0.notice.kind == .writtenWarning && $0.sentAt <= time && !$0.isKnownFailed }
    }
}

/// Why no threshold notice stands.
enum NoticeProblem: Error, CustomStringConvertible {
    case none
    case failed(String)
    case spent(String, Timestamp)
    case doesNotCount(String, String)

    var description: String {
        switch self {
        case .none: "no threshold notice was sent to this line"
        case .failed(let id): "threshold notice \(id) is known to have failed (DLV-1)"
        case .doesNotCount(let id, let problem): "threshold notice \(id) does not count (NTC-2): it \(problem)"
        case .spent(let id, let time):
            "threshold notice \(id) is spent: payments brought the debt below the notice level at \(time)"
        }
    }
}
