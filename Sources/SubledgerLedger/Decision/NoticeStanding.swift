package import SubledgerStore

/// The threshold notice a cut may rely on (CUT-1 (a), DLV-1), and its effective deadline.
package struct ThresholdNoticeStanding {
    var notice: NoticeState
    /// The later of the written deadline and delivery plus the minimum (DLV-1).
    package var effectiveDeadline: Timestamp
}

extension LineState {
    /// The standing threshold notice at `time`: the latest one sent by then that counts
    /// (NTC-2: sent when it was due, with a deadline of at least the minimum), is not known
    /// to have failed (DLV-1), and is not spent by payments that brought the debt below the
    /// level that made it due (CUT-1). `nil` with the reason otherwise.
    ///
    /// - Parameters:
    ///   - time: the instant judged (a cut's time).
    ///   - editions: the editions known; each notice and debt change is judged under the one in force then.
    /// - Returns: the standing notice and its effective deadline, or the ``NoticeProblem``.
    package func standingThresholdNotice(at time: Timestamp, editions: PolicyEditions) -> Result<
        ThresholdNoticeStanding, NoticeProblem
    > {
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
            let terms = ThresholdTerms(
                edition: editions.edition(at: change.at), line: self,
                depositHeld: change.depositHeld, guaranteeHeld: change.guaranteeHeld)
            if !terms.noticeIsDue(change.debt) {
                return .failure(.spent(notice.notice.noticeID, change.at))
            }
        }
        let terms = ThresholdTerms(edition: editions.edition(at: notice.sentAt), line: self)
        guard var deadline = notice.notice.deadline else {
            preconditionFailure("a notice that counts states its deadline (NTC-2)")
        }
        if let deliveredAt = notice.deliveredAt, deliveredAt <= time {
            deadline = max(deadline, terms.noticeMinimumDeadline(from: deliveredAt))
        }
        return .success(ThresholdNoticeStanding(notice: notice, effectiveDeadline: deadline))
    }

    /// Why a threshold notice does not count (NTC-2), judged under the edition in force
    /// when it was sent with the amounts held then; `nil` when it counts.
    func thresholdNoticeProblem(_ notice: NoticeState, editions: PolicyEditions) -> String? {
        let terms = ThresholdTerms(
            edition: editions.edition(at: notice.sentAt), line: self,
            depositHeld: notice.depositHeldAtSending, guaranteeHeld: notice.guaranteeHeldAtSending)
        return terms.noticeProblem(debt: notice.debtAtSending, sentAt: notice.sentAt, deadline: notice.notice.deadline)
    }

    /// A cut notice for `direction` sent since the line's last change of status and by
    /// `time`, not known to have failed (section 9's default, GEN-5).
    func cutNotice(for direction: LineSuspended.Direction, at time: Timestamp) -> NoticeState? {
        let kind: NoticeSent.Kind = direction == .oneWay ? .oneWayCut : .twoWayCut
        return notices.last {
            $0.notice.kind == kind && $0.sentAt >= statusSince && $0.sentAt <= time && !$0.isKnownFailed
        }
    }

    /// The end of the one-way period of the line's current cut (OVD-2, OVD-3): at least
    /// ``PolicyEdition/oneWayMinimumDays`` after the cut that started it; `nil` while active.
    func oneWayPeriodEnd(edition: PolicyEdition) -> Timestamp? {
        openingCut.map { edition.earliestTwoWayCut(oneWaySince: $0.at) }
    }

    /// The latest written warning (OVD-3) that counts at `time`: a `writtenWarning` notice
    /// (by `letter`, reading) sent by `time` after the one-way period of the current cut,
    /// with or without a two-way cut, and not known to have failed (section 9).
    ///
    /// - Parameters:
    ///   - time: the instant judged.
    ///   - edition: the edition in force at `time`.
    /// - Returns: the warning, or `nil` when none counts (or the line is not cut).
    package func writtenWarning(at time: Timestamp, edition: PolicyEdition) -> NoticeState? {
        guard let periodEnd = oneWayPeriodEnd(edition: edition) else { return nil }
        return notices.last { notice in
            notice.notice.kind == .writtenWarning
                && (!edition.writtenWarningByLetterOnly || notice.notice.channel == .letter)
                && notice.sentAt >= periodEnd && notice.sentAt <= time && !notice.isKnownFailed
        }
    }

    /// The latest renewed notice of OVD-3 (`overdue` or `revocation`) sent by `time` after
    /// the one-way period of the current cut and not known to have failed.
    func renewedNotice(at time: Timestamp, edition: PolicyEdition) -> NoticeState? {
        guard let periodEnd = oneWayPeriodEnd(edition: edition) else { return nil }
        return notices.last { notice in
            (notice.notice.kind == .overdue || notice.notice.kind == .revocation)
                && notice.sentAt >= periodEnd && notice.sentAt <= time && !notice.isKnownFailed
        }
    }

    /// Whether the line still owes what allowed its current cut (OVD-2, GEN-3): an overdue
    /// amount, or, for a threshold cut, a debt at or above the threshold. The cut is the one
    /// that started the current cut when it was for debt, else `reason`.
    func owesWhatAllowedTheCut(at time: Timestamp, edition: PolicyEdition, reason: LineSuspended.Reason) -> Bool {
        let opening = openingCut.map(\.suspension.reason).flatMap { $0.isForDebt ? $0 : nil } ?? reason
        if overdue(at: time) > 0 { return true }
        return opening == .threshold && ThresholdTerms(edition: edition, line: self).cutLevelReached(debt)
    }
}

/// Why no threshold notice stands.
package enum NoticeProblem: Error, CustomStringConvertible {
    case none
    case failed(String)
    case spent(String, Timestamp)
    case doesNotCount(String, String)

    /// The problem for a person, naming the notice and the rule (`"threshold notice N-1 is spent: …"`).
    package var description: String {
        switch self {
        case .none: "no threshold notice was sent to this line"
        case .failed(let id): "threshold notice \(id) is known to have failed (DLV-1)"
        case .doesNotCount(let id, let problem): "threshold notice \(id) does not count (NTC-2): it \(problem)"
        case .spent(let id, let time):
            "threshold notice \(id) is spent: payments brought the debt below the notice level at \(time)"
        }
    }
}
