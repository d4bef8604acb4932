import SubledgerStore
import SubledgerLedger

/// The operator's working morning: notices, cuts, written warnings, revocations, refunds.
extension DemoLineSimulator {
    // MARK: The operator's working morning

    func inQuietWindow(_ time: Timestamp) -> Bool { time >= quietFrom && time <= quietUntil }

    mutating func operatorMorning(at time: Timestamp) {
        guard let line = state else { return }
        switch line.status {
        case .active:
            activeMorning(line, at: time)
        case .oneWay:
            let since = line.oneWaySince ?? line.statusSince
            guard time >= since.adding(days: Int64(editions.edition(at: time).oneWayMinimumDays) + 1) else { return }
            let reason = cutReason ?? .overdue
            let owed = reason == .overdue ? line.overdue(at: time) : line.debt
            if owed > 0 { cut(.twoWay, reason, at: time) }
        case .twoWay:
            twoWayMorning(line, at: time)
        case .revoked, .sold:
            closing(line, at: time)
        case .terminated:
            return  // the demo does not terminate lines; a terminated one owes nothing
        }
    }

    /// An active line in debt on a working morning: its threshold notice, or its cut (THR-2,
    /// NTC-1, CUT-1), or its cut for an overdue invoice (OVD-1).
    mutating func activeMorning(_ line: LineState, at time: Timestamp) {
        guard line.debt > 0 else { return }
        let terms = ThresholdTerms(edition: editions.edition(at: time), line: line)
        if terms.noticeIsDue(line.debt) {
            if case .disputed = plan.script, inQuietWindow(time) {
                if !scriptedNoticeSent {
                    scriptedNoticeSent = true
                    sendNotice(
                        .thresholdWarning, channel: line.noticeChannel, at: time,
                        deadline: terms.noticeMinimumDeadline(from: time), failure: 100)
                }
                return
            }
            if inQuietWindow(time), case .cutWithoutNotice = plan.script { return }
            switch line.standingThresholdNotice(at: time, editions: editions) {
            case .failure:
                let kind: NoticeSent.Kind =
                    line.plan == .noDeposit && !terms.cutLevelReached(line.debt)
                    ? .thresholdWarning : .thresholdReached
                sendNotice(
                    kind, channel: line.noticeChannel, at: time,
                    deadline: terms.noticeMinimumDeadline(from: time), failure: 5)
                return
            case .success(let standing):
                if time >= standing.effectiveDeadline, terms.cutLevelReached(line.debt) {
                    cut(.oneWay, .threshold, at: time)
                    return
                }
            }
        }
        if !inQuietWindow(time), let due = oldestUnpaidDue(line),
            time >= due.adding(days: Int64(plan.operatorDelayDays)),
            line.overdue(at: time) > 0
        {
            cut(.oneWay, .overdue, at: time)
        }
    }

    /// A line cut both ways: its written warning (OVD-3), then its revocation when the grace
    /// LEG-1 and VAN-1 allow is over.
    mutating func twoWayMorning(_ line: LineState, at time: Timestamp) {
        guard line.debt > 0 else { return }
        if line.writtenWarning(at: time, edition: editions.edition(at: time)) != nil {
            guard time >= nextRevocationCheck else { return }
            let edition = editions.edition(at: time)
            guard
                let terms = GraceTerms(
                    line: line, subscriber: owner, at: time, edition: edition, calendar: timeline.calendar)
            else { return }
            // The operator keeps the line as long as LEG-1 and VAN-1 say it may.
            if time >= terms.keptUntil {
                _ = decide(.revoke(reason: "debt unpaid after the grace of the written warning"), at: time)
            } else {
                nextRevocationCheck = terms.keptUntil
            }
        } else if time >= line.statusSince.adding(days: 7) {
            if decide(.sendWrittenWarning(channel: .letter), at: time), let notice = state?.notices.last {
                schedule(
                    .receipt(noticeID: notice.notice.noticeID, delivered: true),
                    at: time.adding(milliseconds: Int64(random.int(2...5)) * Self.day))
            }
        }
    }

    /// After revocation: the expert's price and the auction of a vanity number (VAN-2), the
    /// subscription's value of a ten-year legal entity's line (LEG-2), the refund (VAN-3).
    mutating func closing(_ line: LineState, at time: Timestamp) {
        let closedAt = line.revokedAt ?? line.statusSince
        switch plan.script {
        case .vanityAuction(let valuation, let price):
            if line.expertValuation == nil {
                if time >= closedAt.adding(days: 20), decide(.recordExpertValuation(amount: valuation), at: time) {
                    valuationAt = time
                }
                return
            }
            if line.status == .revoked {
                if time >= (valuationAt ?? closedAt).adding(days: 25) {
                    _ = decide(.sellAtAuction(price: price), at: time)
                }
                return
            }
        case .tenYearLegalEntity(let value):
            if line.subscriptionValue == nil {
                if time >= closedAt.adding(days: 30) { _ = decide(.settleSubscriptionValue(value: value), at: time) }
                return
            }
        default:
            break
        }
        let owed = NettingStatement(
            line: line, countHeldAmounts: editions.edition(at: time).netDepositAndGuaranteeAtRevocation
        ).refundDue
        if owed > 0, plan.paysRefund, time >= (line.soldAt ?? closedAt).adding(days: 12) {
            _ = decide(.payRefund(amount: nil), at: time)
        }
    }

    mutating func oldestUnpaidDue(_ line: LineState) -> Timestamp? {
        if overdueCacheCount != facts.count {
            overdueCacheCount = facts.count
            oldestUnpaidDue = line.unpaidByInvoice.first { $0.unpaid > 0 }?.invoice.invoice.dueAt
        }
        return oldestUnpaidDue
    }

    mutating func cut(_ direction: LineSuspended.Direction, _ reason: LineSuspended.Reason, at time: Timestamp)
    {
        // The lawful operator tells the line about the cut first (SUS-2 (a)): without a
        // threshold notice or a cut notice since the line's last change of status, it sends
        // the cut notice this morning and cuts on a later one.
        if let line = state,
            SuspensionPatterns.priorNotice(
                about: LineSuspended(direction: direction, reason: reason, debtLine: plan.number),
                line: line, before: time) == nil
        {
            sendNotice(
                direction == .oneWay ? .oneWayCut : .twoWayCut, channel: .sms, at: time, deadline: nil, failure: 0)
            return
        }
        guard decide(.cut(direction: direction, reason: reason), at: time) else { return }
        cutReason = reason
        if let notice = state?.notices.last, notice.sentAt == time {
            schedule(
                .receipt(noticeID: notice.notice.noticeID, delivered: true),
                at: time.adding(milliseconds: random.milliseconds(seconds: 3, 40)))
        }
        afterCut(direction, reason, at: time)
    }

    /// The subscriber's answer to a cut.
    mutating func afterCut(
        _ direction: LineSuspended.Direction, _ reason: LineSuspended.Reason, at time: Timestamp
    ) {
        if case .defaulter(_, let paysBack) = plan.habit, !defaultEnded {
            if direction == .twoWay, let days = paysBack {
                schedule(
                    .payDebt(method: "bank"), at: time.adding(milliseconds: Int64(days) * Self.day + 3 * Self.hour))
            }
            return
        }
        if reason == .threshold {
            schedule(
                .payDebt(method: random.pick(["card", "app"])),
                at: time.adding(milliseconds: Int64(random.int(3...70)) * Self.hour))
        }
    }

    mutating func sendNotice(
        _ kind: NoticeSent.Kind, channel: NoticeSent.Channel, at time: Timestamp, deadline: Timestamp?, failure: Double
    ) {
        guard decide(.sendNotice(kind: kind, channel: channel, deadline: deadline), at: time),
            let notice = state?.notices.last
        else { return }
        let delivered = !random.chance(failure)
        schedule(
            .receipt(noticeID: notice.notice.noticeID, delivered: delivered),
            at: time.adding(
                milliseconds: delivered ? random.milliseconds(seconds: 3, 40) : random.milliseconds(seconds: 60, 600)))
    }
}
