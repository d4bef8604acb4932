import SubledgerStore

/// The rules of rules.md as code: what each rule says of an operator's action, under the
/// edition in force at the action's time (POL-1).
///
/// `judge` is pure: the state before the action, the action, its time; no clock, no I/O.
/// Facts that are not the operator's (usage, payments, receipts) get no judgement.
public enum Rulebook: Sendable {
    /// Every rule's judgement of `fact`, an action on `context.line`.
    ///
    /// - Parameters:
    ///   - fact: the action's fact, not yet recorded; its `occurredAt` picks the edition.
    ///   - context: the line and owner before the action, the editions and the calendar.
    /// - Returns: the judgements, general checks first and the deciding rule last; empty for a fact that is
    ///   not an operator action, or for an action on a line not yet activated (other than its activation).
    public static func judge(_ fact: LedgerFact, context: RuleContext) -> [RuleJudgement] {
        let time = fact.occurredAt
        var list = JudgementList(edition: context.editions.edition(at: time))
        guard fact.event.type.isOperatorAction else { return [] }
        if case .lineActivated = fact.event {
            judgeActivation(at: time, context: context, into: &list)
            return list.judgements
        }
        guard let line = context.line else { return [] }
        if line.hasEnded, fact.event.type.isLineServiceAction {
            list.forbid(
                "GEN-4",
                "line \(line.number) is \(line.status.rawValue): after evacuation the subscriber needs a new line")
            return list.judgements
        }
        switch fact.event {
        case .invoiceIssued(let invoice): judgeInvoice(invoice, at: time, line: line, context: context, into: &list)
        case .noticeSent(let notice):
            judgeNotice(notice, at: time, line: line, context: context, into: &list)
            judgeNoticeChannel(notice, line: line, into: &list)
        case .lateFeeCharged(let lateFeeCharged):
            list.forbid(
                "GEN-2",
                "a late fee of \(lateFeeCharged.amount) rials: the operator may not charge damages or late fees")
        case .lineSuspended(let suspension):
            judgeSuspension(suspension, at: time, line: line, context: context, into: &list)
        case .lineRestored(let lineRestored):
            judgeRestoration(fee: lineRestored.reconnectionFee, at: time, line: line, into: &list)
            judgeRestorationDelay(at: time, line: line, context: context, into: &list)
        case .lineRevoked: judgeRevocation(at: time, line: line, context: context, into: &list)
        case .expertValuationRecorded:
            list.require(
                line.isVanity, "VAN-2", allowed: "an expert valuation of a vanity number before its auction",
                forbidden: "line \(line.number) is not a vanity number (PLAN-3): it is not sold at auction")
        case .auctionSold(let auctionSold):
            judgeAuction(price: auctionSold.price, at: time, line: line, context: context, into: &list)
        case .subscriptionValueSettled: judgeSubscriptionValue(at: time, line: line, context: context, into: &list)
        case .refundPaid(let refundPaid): judgeRefund(refundPaid.amount, line: line, context: context, into: &list)
        case .depositRefunded, .guaranteeReleased:
            list.allow("PLAN-4", "deposits and guarantees are held apart and may be returned")
        case .complaintAnswered(let answer):
            judgeComplaintAnswer(answer, at: time, line: line, context: context, into: &list)
        default:
            break
        }
        return list.judgements
    }

    /// KYC-1: identity verified before a line is activated.
    static func judgeActivation(at time: Timestamp, context: RuleContext, into list: inout JudgementList) {
        if let verifiedAt = context.subscriber?.verifiedAt, verifiedAt <= time {
            list.allow("KYC-1", "the subscriber's identity was verified at \(verifiedAt)")
        } else {
            list.forbid("KYC-1", "the subscriber's identity is not verified before the line is activated")
        }
    }

    /// GEN-3, GEN-4: restoration keeps the number while not evacuated; only the tariff's fee.
    static func judgeRestoration(fee: Rials, at time: Timestamp, line: LineState, into list: inout JudgementList) {
        let edition = list.edition
        guard line.status == .oneWay || line.status == .twoWay else {
            list.forbid("GEN-3", "line \(line.number) is \(line.status.rawValue): there is no cut to restore")
            return
        }
        if let maximum = edition.maximumReconnectionFeeRials, fee > maximum {
            list.forbid("GEN-3", "a reconnection fee of \(fee) exceeds the tariff's \(maximum)")
        } else {
            list.allow("GEN-3", "the number is kept and reconnected for the tariff's reconnection fee (\(fee))")
        }
    }

    /// GEN-3, KYC-1: a restoration more than `restorationWarningHours` after it was owed is
    /// a warning (the line stayed cut too long).
    static func judgeRestorationDelay(
        at time: Timestamp, line: LineState, context: RuleContext, into list: inout JudgementList
    ) {
        guard let owed = line.restorationOwed(at: time, subscriber: context.subscriber, editions: context.editions)
        else { return }
        let warningTime = list.edition.restorationWarningTime(owedSince: owed.since)
        if time >= warningTime {
            list.warn(
                owed.rule,
                "restored at \(time), \(list.edition.restorationWarningHours) h or more after it was owed at \(owed.since): \(owed.reason)"
            )
        }
    }

    /// VAN-3, LEG-2: a refund may not exceed what netting owes.
    static func judgeRefund(_ amount: Rials, line: LineState, context: RuleContext, into list: inout JudgementList) {
        let edition = list.edition
        let statement = NettingStatement(line: line, countHeldAmounts: edition.netDepositAndGuaranteeAtRevocation)
        let rule: RuleID = line.subscriptionValue != nil ? "LEG-2" : "VAN-3"
        list.require(
            statement.isNetted && amount <= statement.refundDue, rule,
            allowed: "refund of \(amount) within the \(statement.refundDue) owed after netting",
            forbidden: statement.isNetted
                ? "a refund of \(amount) exceeds the \(statement.refundDue) owed after netting"
                : "line \(line.number) is not revoked or sold: nothing is netted yet")
    }
}

extension EventType {
    /// Actions on the line's service, which make no sense once it is revoked or sold.
    var isLineServiceAction: Bool {
        self == .lineSuspended || self == .lineRestored || self == .invoiceIssued || self == .lateFeeCharged
    }
}
