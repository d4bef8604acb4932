import SubledgerStore

/// The threshold notice a cut may rely on (CUT-1 (a), DLV-1), and its effective deadline.
struct ThresholdNoticeStanding {
    var notice: NoticeState
    /// The later of the written deadline (or sending plus the minimum, when none is
    /// written) and delivery plus the minimum (DLV-1).
    var effectiveDeadline: Timestamp
}

extension LineState {
    /// The standing threshold notice at `time`: the latest one sent by then that is not
    /// known to have failed (DLV-1) and not spent by payments that brought the debt below
    /// the level that made it due (CUT-1). `nil` with the reason otherwise.
    func standingThresholdNotice(at time: Timestamp, editions: PolicyEditions) -> Result<ThresholdNoticeStanding, NoticeProblem> {
        let candidates = notices.filter { $0.notice.kind.isThresholdNotice && $0.sentAt <= time }
        guard let latest = candidates.last else { return .failure(.none) }
        let usable = candidates.filter { !$0.isKnownFailed }
        guard let notice = usable.last else { return .failure(.failed(latest.notice.noticeID)) }
        for change in debtChanges where change.at > notice.sentAt && change.at <= time {
            let terms = ThresholdTerms(edition: editions.edition(at: change.at), line: self,
                                       depositHeld: change.depositHeld, guaranteeHeld: change.guaranteeHeld)
            if !terms.noticeIsDue(change.debt) {
                return .failure(.spent(notice.notice.noticeID, change.at))
            }
        }
        let terms = ThresholdTerms(edition: editions.edition(at: notice.sentAt), line: self)
        let minimumFromSending = terms.noticeMinimumDeadline(from: notice.sentAt)
        var deadline = max(notice.notice.deadline ?? minimumFromSending, minimumFromSending)
        if let deliveredAt = notice.deliveredAt, deliveredAt <= time {
            deadline = max(deadline, terms.noticeMinimumDeadline(from: deliveredAt))
        }
        return .success(ThresholdNoticeStanding(notice: notice, effectiveDeadline: deadline))
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

    var description: String {
        switch self {
        case .none: "no threshold notice was sent to this line"
        case .failed(let id): "threshold notice \(id) is known to have failed (DLV-1)"
        case .spent(let id, let time):
            "threshold notice \(id) is spent: payments brought the debt below the notice level at \(time)"
        }
    }
}
