import SubledgerStore

/// Admission: every refusal of a line's fact that depends on the line's state, in one place
/// (issue 12, item 2). ``Ledger`` runs it once per fact in its validation (``Ledger/record(_:)``,
/// ``Ledger/apply(_:to:at:metadata:)`` and the import's ``FactStreamValidator`` share it), before
/// the total ``LineState/evolve(_:_:position:)``; a fold of a history read from the store runs it
/// too (``checkedEvolve(_:_:position:)``), so that a stored log validation would have refused
/// (a total past 64 bits, say) is still reported, naming the line and the event.
extension LineState {
    /// Refuses `fact` when it cannot be folded into `state` (interchange.md: a second
    /// activation of an active line, an event of a line that does not exist, an invoice
    /// billing more than the charges not yet billed, a reversal of an unknown payment, a
    /// running total leaving 64 bits, ...). `state` is `nil` before the line's first activation.
    /// `position` is the event's in the log, 0 for a fact not recorded yet.
    /// - Parameters:
    ///   - fact: the fact to admit.
    ///   - state: the line's state before it; `nil` before the line's first activation.
    ///   - position: the fact's position in the log; 0 for a fact not recorded yet.
    /// - Throws: ``FactError`` naming the field (`line`, `type`, `occurredAt`, `data.amount`, ...) and why.
    public static func admit(_ fact: LedgerFact, to state: LineState?, position: UInt64) throws(FactError) {
        guard case .line(let number) = fact.stream else {
            throw FactError(field: "line", reason: "\(fact.event.type.rawValue) belongs to a line stream")
        }
        if case .lineActivated = fact.event {
            if let state, !state.hasEnded {
                throw FactError(
                    field: "type",
                    reason: "line \(number) is already active (status \(state.status.rawValue)): a second activation")
            }
            if let state, fact.occurredAt < state.latestOccurredAt {
                throw FactError(
                    field: "occurredAt",
                    reason:
                        "line \(number) is activated again at \(fact.occurredAt), before its fact of \(state.latestOccurredAt): an activation cannot be placed among facts already recorded"
                )
            }
            return
        }
        guard let state else {
            throw FactError(field: "line", reason: "line \(number) does not exist yet: it has no LineActivated")
        }
        try state.admit(fact.event, at: fact.occurredAt, position: position)
    }

    /// ``admit(_:to:position:)`` then ``evolve(_:_:position:)``: the checked fold of a history
    /// read from the store (its queries, the audit, replay) and of the decider's proposals.
    /// A line's fact admitted always leaves a line, so the result is not optional.
    /// - Parameters:
    ///   - state: the line's state before the fact; `nil` before its first activation.
    ///   - fact: the fact to fold.
    ///   - position: the fact's position in the log.
    /// - Returns: the state after the fact.
    /// - Throws: ``FactError`` when admission refuses the fact.
    public static func checkedEvolve(_ state: consuming LineState?, _ fact: LedgerFact, position: UInt64)
        throws(FactError) -> LineState
    {
        try admit(fact, to: state, position: position)
        guard let next = evolve(consume state, fact, position: position) else {
            preconditionFailure("an admitted fact of line \(fact.stream) left no line")
        }
        return next
    }

    /// The checks of one event of this (existing) line, in the order the fold met them
    /// before admission was its own step: the late fact, the event's own, the totals after it.
    private func admit(_ event: LedgerEvent, at time: Timestamp, position: UInt64) throws(FactError) {
        if time < latestOccurredAt { try checkLate(event, at: time) }
        var totals = runningTotals
        switch event {
        case .subscriberRegistered, .identityVerified, .personalDataErased, .lineActivated, .policyEditionAdopted:
            throw FactCheck.wrongStream(event.type)
        case .depositPaid(let depositPaid):
            totals.depositHeld = try sum(totals.depositHeld, depositPaid.amount, "data.amount", position)
        case .guaranteePaid(let guaranteePaid):
            totals.guaranteeHeld = try sum(totals.guaranteeHeld, guaranteePaid.amount, "data.amount", position)
        case .depositRefunded(let depositRefunded):
            guard depositRefunded.amount <= depositHeld else {
                throw FactError(
                    field: "data.amount",
                    reason: "refunds \(depositRefunded.amount) of a deposit of \(depositHeld) held")
            }
            totals.depositHeld -= depositRefunded.amount
        case .guaranteeReleased(let guaranteeReleased):
            guard guaranteeReleased.amount <= guaranteeHeld else {
                throw FactError(
                    field: "data.amount",
                    reason: "releases \(guaranteeReleased.amount) of a guarantee of \(guaranteeHeld) held")
            }
            totals.guaranteeHeld -= guaranteeReleased.amount
        case .usageRecorded(let usageRecorded):
            totals.usage = try sum(totals.usage, usageRecorded.amount, "data.amount", position)
        case .lateFeeCharged(let lateFeeCharged):
            totals.lateFees = try sum(totals.lateFees, lateFeeCharged.amount, "data.amount", position)
        case .invoiceIssued(let invoice):
            try checkIssue(invoice)
            totals.billed += invoice.total
        case .paymentReceived(let paymentReceived):
            guard paymentAmounts[paymentReceived.paymentID] == nil else {
                throw FactError(
                    field: "data.paymentId",
                    reason: "payment \(paymentReceived.paymentID) is already recorded on line \(number)")
            }
            totals.paymentsReceived = try sum(totals.paymentsReceived, paymentReceived.amount, "data.amount", position)
        case .paymentReversed(let paymentReversed):
            guard let amount = paymentAmounts[paymentReversed.paymentID] else {
                throw FactError(
                    field: "data.paymentId",
                    reason: "no payment \(paymentReversed.paymentID) on line \(number) to reverse")
            }
            guard !reversedPaymentIDs.contains(paymentReversed.paymentID) else {
                throw FactError(
                    field: "data.paymentId", reason: "payment \(paymentReversed.paymentID) is already reversed")
            }
            totals.paymentsReversed = try sum(totals.paymentsReversed, amount, "data.paymentId", position)
        case .noticeSent(let notice):
            guard self.notice(notice.noticeID) == nil else {
                throw FactError(
                    field: "data.noticeId", reason: "notice \(notice.noticeID) is already recorded on line \(number)")
            }
        case .noticeDelivered(let receipt): try checkReceiptNotice(receipt.noticeID)
        case .noticeDeliveryFailed(let receipt): try checkReceiptNotice(receipt.noticeID)
        case .lineRestored(let lineRestored):
            totals.reconnectionFees = try sum(
                totals.reconnectionFees, lineRestored.reconnectionFee, "data.reconnectionFee", position)
        case .lineSuspended, .lineTerminated, .lineRevoked: break
        case .expertValuationRecorded(let expertValuationRecorded):
            totals.expertValuation = expertValuationRecorded.amount
        case .auctionSold(let auctionSold): totals.auctionPrice = auctionSold.price
        case .subscriptionValueSettled(let subscriptionValueSettled):
            totals.subscriptionValue = subscriptionValueSettled.value
        case .refundPaid(let refundPaid):
            totals.refundsPaid = try sum(totals.refundsPaid, refundPaid.amount, "data.amount", position)
        case .complaintFiled(let complaint): try checkFiling(complaint, position: position)
        case .complaintAnswered(let answer): try checkAnswer(answer, at: time)
        }
        if let overflow = totals.overflow() {
            throw FactError(
                field: event.amountField,
                reason:
                    "line \(number): \(event.type.rawValue)\(Self.eventAt(position)) takes the line's \(overflow) beyond 64-bit rials"
            )
        }
    }

    /// Refuses a fact that occurred before one already folded (a late fact) unless it can
    /// take its place in the order of occurrence without changing what the facts after it
    /// may be: the subscriber's and the network's additive facts (usage, payments, deposits,
    /// guarantees, a late fee, receipts after their notice), within the line's current
    /// activation. Moving such a fact earlier only raises a total sooner, so the fold in
    /// the order of occurrence accepts whatever the fold in recording order accepted; any
    /// other fact recorded late would rewrite the line's past and is refused.
    private func checkLate(_ event: LedgerEvent, at time: Timestamp) throws(FactError) {
        guard time >= activatedAt else {
            throw FactError(
                field: "occurredAt",
                reason:
                    "line \(number): \(event.type.rawValue) occurs at \(time), before the line's activation at \(activatedAt)"
            )
        }
        switch event {
        // A complaint and its answer change no total (CMP-1): admission checks the answer's time.
        case .usageRecorded, .paymentReceived, .depositPaid, .guaranteePaid, .lateFeeCharged, .complaintFiled,
            .complaintAnswered:
            return
        case .noticeDelivered(let receipt): try checkReceipt(receipt.noticeID, at: time)
        case .noticeDeliveryFailed(let receipt): try checkReceipt(receipt.noticeID, at: time)
        default:
            throw FactError(
                field: "occurredAt",
                reason:
                    "line \(number): \(event.type.rawValue) occurs at \(time), before the line's fact of \(latestOccurredAt): only usage, payments, deposits, guarantees, receipts and complaints may be recorded after facts that occurred later"
            )
        }
    }

    private func checkReceipt(_ noticeID: String, at time: Timestamp) throws(FactError) {
        if let notice = notice(noticeID), time < notice.sentAt {
            throw FactError(
                field: "occurredAt",
                reason:
                    "line \(number): a receipt of notice \(noticeID) at \(time), before it was sent at \(notice.sentAt)"
            )
        }
    }

    private func checkReceiptNotice(_ noticeID: String) throws(FactError) {
        guard notice(noticeID) != nil else {
            throw FactError(field: "data.noticeId", reason: "no notice \(noticeID) was sent on line \(number)")
        }
    }

    private func checkIssue(_ invoice: InvoiceIssued) throws(FactError) {
        guard !invoices.contains(where: { $0.invoice.invoiceID == invoice.invoiceID }) else {
            throw FactError(
                field: "data.invoiceId", reason: "invoice \(invoice.invoiceID) is already issued on line \(number)")
        }
        guard invoice.total <= unbilled else {
            throw FactError(
                field: "data.total", reason: "bills \(invoice.total) but only \(unbilled) of charges are not yet billed"
            )
        }
    }

    /// CMP-1: a complaint's id is unique on the line; the event it names, when it names one,
    /// was recorded before it (a recorded fold knows the complaint's own position; that the
    /// event is of this line is checked where the log is read, `Ledger.checkComplaintPosition`).
    private func checkFiling(_ complaint: ComplaintFiled, position: UInt64) throws(FactError) {
        guard self.complaint(complaint.complaintID) == nil else {
            throw FactError(
                field: "data.complaintId",
                reason: "complaint \(complaint.complaintID) is already recorded on line \(number)")
        }
        if let about = complaint.position, position > 0, about >= position {
            throw FactError(
                field: "data.position",
                reason:
                    "names position \(about), which is not before the complaint's own (\(position)): a complaint is about an event recorded before it"
            )
        }
    }

    /// CMP-1: an answer names a complaint of the line not answered yet, and comes at or after it.
    private func checkAnswer(_ answer: ComplaintAnswered, at time: Timestamp) throws(FactError) {
        guard let filed = complaint(answer.complaintID) else {
            throw FactError(
                field: "data.complaintId", reason: "no complaint \(answer.complaintID) was filed on line \(number)")
        }
        if let answeredAt = filed.answeredAt {
            throw FactError(
                field: "data.complaintId",
                reason:
                    "complaint \(answer.complaintID) on line \(number) is already answered (at \(answeredAt)): a second answer"
            )
        }
        guard time >= filed.filedAt else {
            throw FactError(
                field: "occurredAt",
                reason:
                    "line \(number): complaint \(answer.complaintID) is answered at \(time), before it was filed at \(filed.filedAt)"
            )
        }
    }

    private func sum(_ lhs: Rials, _ rhs: Rials, _ field: String, _ position: UInt64) throws(FactError) -> Rials {
        do { return try RialArithmetic.add(lhs, rhs) } catch {
            throw FactError(
                field: field,
                reason:
                    "line \(number)\(Self.eventAt(position)): a running total goes beyond 64-bit rials (\(error.operation))"
            )
        }
    }

    /// " (the event at position P)" for a recorded event; "" for one not recorded yet (its
    /// caller names its index in the input).
    private static func eventAt(_ position: UInt64) -> String {
        position > 0 ? " (the event at position \(position))" : ""
    }

    /// The running totals that must stay within 64 bits (``RunningTotals``).
    var runningTotals: RunningTotals {
        RunningTotals(
            usage: usage, reconnectionFees: reconnectionFees, lateFees: lateFees, paymentsReceived: paymentsReceived,
            paymentsReversed: paymentsReversed, depositHeld: depositHeld, guaranteeHeld: guaranteeHeld, billed: billed,
            refundsPaid: refundsPaid, expertValuation: expertValuation, auctionPrice: auctionPrice,
            subscriptionValue: subscriptionValue)
    }

    /// Which running total leaves 64 bits, if one does (a stored state is read through it).
    func totalsOverflow() -> String? { runningTotals.overflow() }
}

/// A line's running totals, as they are or as they would be after one event (admission
/// checks the event's totals before the fold changes anything): its charges (usage,
/// reconnection fees, late fees), its payments, and what netting credits (deposit,
/// guarantee, auction proceeds, subscription value). While they fit, every figure derived
/// from them (``LineState/debt``, ``LineState/credit``, ``LineState/unbilled``,
/// ``NettingStatement``) fits too: it is a difference of two of them, or a part of one.
struct RunningTotals {
    var usage, reconnectionFees, lateFees, paymentsReceived, paymentsReversed, depositHeld, guaranteeHeld, billed,
        refundsPaid: Rials
    var expertValuation, auctionPrice, subscriptionValue: Rials?

    /// Which total leaves 64 bits (or turns negative), if one does.
    func overflow() -> String? {
        let amounts: [Rials] = [
            usage, reconnectionFees, lateFees, paymentsReceived, paymentsReversed, depositHeld, guaranteeHeld,
            billed, refundsPaid, expertValuation ?? 0, auctionPrice ?? 0, subscriptionValue ?? 0,
        ]
        guard amounts.allSatisfy({ $0 >= 0 }), paymentsReversed <= paymentsReceived else {
            return "totals (a negative one)"
        }
        guard let recordedCharges = try? RialArithmetic.sum([usage, reconnectionFees, lateFees]) else {
            return "charges"
        }
        if (try? RialArithmetic.sum([depositHeld, guaranteeHeld, auctionPrice ?? 0, subscriptionValue ?? 0])) == nil {
            return "netting credits"
        }
        return billed <= recordedCharges ? nil : "billed amount (above its charges)"
    }
}

extension LedgerEvent {
    /// The field of the amount that changes a line's totals (`data.amount`, `data.price`, ...).
    var amountField: String {
        switch self {
        case .lineRestored: "data.reconnectionFee"
        case .auctionSold: "data.price"
        case .subscriptionValueSettled: "data.value"
        case .invoiceIssued: "data.total"
        case .paymentReversed: "data.paymentId"
        default: "data.amount"
        }
    }
}
