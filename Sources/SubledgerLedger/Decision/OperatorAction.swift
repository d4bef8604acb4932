public import SubledgerStore

/// What an operator asks to do to a line; `decide` turns it into events or a refusal.
public enum OperatorAction: Hashable, Sendable {
    /// A notice (NTC-1, NTC-2, GEN-5); with no deadline, a threshold notice states the
    /// minimum (24 h or 72 h from sending, NTC-1), which the recorded event then carries.
    /// `noticeID` is the caller's id of the notice (its SMS gateway's, say), which delivery
    /// receipts then name; `nil` lets the ledger make one from the kind and the time.
    case sendNotice(kind: NoticeSent.Kind, channel: NoticeSent.Channel, deadline: Timestamp?, noticeID: String? = nil)
    /// An invoice of these items (BIL-1..3); due at the end of the edition's fifteenth day in
    /// Tehran unless given.
    case issueInvoice(
        invoiceID: String, periodStart: Timestamp, periodEnd: Timestamp, items: [InvoiceIssued.Item], dueAt: Timestamp?)
    /// A cut for debt or another reason; for debt, the cut notice is sent with it (GEN-5).
    /// A legal order names who ordered it and its reference (SUS-1).
    case cut(
        direction: LineSuspended.Direction, reason: LineSuspended.Reason, orderedBy: String? = nil,
        reference: String? = nil)
    case restore(reconnectionFee: Rials)
    /// The written warning of OVD-3, with its renewed notice (`revocation`, by the channel the
    /// subscriber chose, PLAN-5) when none
    /// was sent after the one-way period; `noticeID` (the warning's) as for
    /// ``sendNotice(kind:channel:deadline:noticeID:)``.
    case sendWrittenWarning(channel: NoticeSent.Channel, noticeID: String? = nil)
    case revoke(reason: String)
    case recordExpertValuation(amount: Rials)
    case sellAtAuction(price: Rials)
    case settleSubscriptionValue(value: Rials)
    /// A refund; `nil` pays everything netting owes.
    case payRefund(amount: Rials?)
    /// Always refused (GEN-2); here so that a caller learns why.
    case chargeLateFee(amount: Rials)
    /// The operator's answer to a complaint of the line (CMP-1); a second answer, or one to
    /// no complaint, is refused.
    case answerComplaint(complaintID: String, outcome: ComplaintAnswered.Outcome)
}

/// The events an action records, before they are judged.
extension OperatorAction {
    func events(line: LineState, at time: Timestamp, edition: PolicyEdition, calendar: TehranCalendar) -> [LedgerEvent]
    {
        let stamp = time.millisecondsSinceEpoch
        switch self {
        case .sendNotice(let kind, let channel, let deadline, let noticeID):
            let minimum =
                kind.isThresholdNotice
                ? ThresholdTerms(edition: edition, line: line).noticeMinimumDeadline(from: time) : nil
            return [
                .noticeSent(
                    NoticeSent(
                        noticeID: noticeID ?? "\(kind.rawValue)-\(stamp)", kind: kind, channel: channel,
                        deadline: deadline ?? minimum, fee: 0))
            ]
        case .issueInvoice(let invoiceID, let periodStart, let periodEnd, let items, let dueAt):
            // Items beyond 64 bits get a total that cannot be theirs: BIL-2 then refuses the invoice.
            let total = (try? RialArithmetic.sum(items.map(\.amount))) ?? Rials.max
            let due = dueAt ?? edition.invoicePaymentDeadline(issuedAt: time, calendar: calendar)
            return [
                .invoiceIssued(
                    InvoiceIssued(
                        invoiceID: invoiceID, periodStart: periodStart, periodEnd: periodEnd,
                        items: items, total: total, dueAt: due))
            ]
        case .cut(let direction, let reason, let orderedBy, let reference):
            let suspension = LineSuspended(
                direction: direction, reason: reason, debtLine: reason.isForDebt ? line.number : nil,
                orderedBy: orderedBy, reference: reference)
            var events: [LedgerEvent] = []
            if reason.isForDebt, line.cutNotice(for: direction, at: time) == nil {
                let kind: NoticeSent.Kind = direction == .oneWay ? .oneWayCut : .twoWayCut
                events.append(
                    .noticeSent(
                        NoticeSent(
                            noticeID: "\(kind.rawValue)-\(stamp)", kind: kind, channel: line.noticeChannel,
                            deadline: nil, fee: 0)))
            }
            events.append(.lineSuspended(suspension))
            return events
        case .restore(let fee): return [.lineRestored(LineRestored(reconnectionFee: fee))]
        case .sendWrittenWarning(let channel, let noticeID):
            // OVD-3 asks for a renewed notice with the written warning: sent with it when none
            // was sent after the one-way period.
            var events: [LedgerEvent] = []
            if line.renewedNotice(at: time, edition: edition) == nil {
                events.append(
                    .noticeSent(
                        NoticeSent(
                            noticeID: "revocation-\(stamp)", kind: .revocation, channel: line.noticeChannel,
                            deadline: nil, fee: 0)))
            }
            events.append(
                .noticeSent(
                    NoticeSent(
                        noticeID: noticeID ?? "writtenWarning-\(stamp)", kind: .writtenWarning, channel: channel,
                        deadline: nil, fee: 0)))
            return events
        case .revoke(let reason): return [.lineRevoked(LineRevoked(reason: reason))]
        case .recordExpertValuation(let amount):
            return [.expertValuationRecorded(ExpertValuationRecorded(amount: amount))]
        case .sellAtAuction(let price): return [.auctionSold(AuctionSold(price: price))]
        case .settleSubscriptionValue(let value):
            return [.subscriptionValueSettled(SubscriptionValueSettled(value: value))]
        case .payRefund(let amount):
            let owed = NettingStatement(line: line, countHeldAmounts: edition.netDepositAndGuaranteeAtRevocation)
                .refundDue
            return [.refundPaid(RefundPaid(amount: amount ?? owed))]
        case .chargeLateFee(let amount): return [.lateFeeCharged(LateFeeCharged(amount: amount))]
        case .answerComplaint(let complaintID, let outcome):
            return [.complaintAnswered(ComplaintAnswered(complaintID: complaintID, outcome: outcome))]
        }
    }
}
