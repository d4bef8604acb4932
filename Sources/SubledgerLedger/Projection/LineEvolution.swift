import SubledgerStore

extension LineState {
    /// Folds one event of this line into its state (`evolve`, the Decider's): total and pure,
    /// it never refuses. The refusals are admission's (``admit(_:to:position:)``), run once
    /// before it by the ledger's validation, and by ``checkedEvolve(_:_:position:)`` on a
    /// history read from the store.
    ///
    /// For a fact admission refuses, the result is defined and never traps, but means
    /// nothing the ledger relies on: a fact of no line, or of a line that does not exist
    /// (`state` is `nil` and the fact is no activation), leaves `state` unchanged; a repeated
    /// id is folded again (a payment's amount replaced, a second notice, invoice or
    /// complaint appended); a receipt, reversal or answer of nothing known changes nothing;
    /// a running total that would leave 64 bits saturates at `Rials.max`, and admission or
    /// the read of the stored state (`LineState.read`, which checks the totals) reports it.
    ///
    /// `state` is `nil` before the line's first activation.
    /// `state` is consumed: a caller that passes its last copy (`consume state`) lets the
    /// fold mutate in place instead of copying the line's arrays at every event.
    /// - Parameters:
    ///   - state: the line's state before the fact; `nil` before its first activation.
    ///   - fact: the fact to fold; one of another stream leaves `state` unchanged.
    ///   - position: the fact's position in the log, kept by the invoices, notices, cuts and complaints.
    /// - Returns: the state after the fact: a fresh state for an activation, `nil` while the line has none.
    public static func evolve(_ state: consuming LineState?, _ fact: LedgerFact, position: UInt64) -> LineState? {
        guard case .line(let number) = fact.stream else { return state }
        if case .lineActivated(let activated) = fact.event {
            var activatedLine = LineState(number: number, activated: activated, at: fact.occurredAt)
            activatedLine.latestOccurredAt = max(fact.occurredAt, state?.latestOccurredAt ?? fact.occurredAt)
            return activatedLine
        }
        guard var next = consume state else { return nil }
        next.apply(fact.event, at: fact.occurredAt, position: position)
        return next
    }

    /// ``evolve(_:_:position:)`` on a state held in place (a dictionary's value, say), so
    /// that nothing of it is copied: the state is moved out, changed and moved back (issue
    /// 13: `state != nil` and `state!` copied the whole state, a retain of its every field,
    /// for each event the rebuild folded).
    static func evolve(_ state: inout LineState?, _ fact: LedgerFact, position: UInt64) {
        guard case .line = fact.stream, !fact.event.isLineActivation, var current = state.take() else {
            state = evolve(state.take(), fact, position: position)
            return
        }
        current.apply(fact.event, at: fact.occurredAt, position: position)
        state = consume current
    }

    private mutating func apply(_ event: LedgerEvent, at time: Timestamp, position: UInt64) {
        let debtBefore = debt
        let heldBefore = (depositHeld, guaranteeHeld)
        if time < latestOccurredAt { foldedOutOfOrder = true }
        latestOccurredAt = max(latestOccurredAt, time)
        switch event {
        case .subscriberRegistered, .identityVerified, .personalDataErased, .lineActivated, .policyEditionAdopted:
            return  // not a line's event (an activation is folded by `evolve`)
        case .depositPaid(let depositPaid): depositHeld = Self.plus(depositHeld, depositPaid.amount)
        case .guaranteePaid(let guaranteePaid): guaranteeHeld = Self.plus(guaranteeHeld, guaranteePaid.amount)
        case .depositRefunded(let depositRefunded):
            depositHeld = RialArithmetic.saturatingSubtract(depositHeld, depositRefunded.amount)
        case .guaranteeReleased(let guaranteeReleased):
            guaranteeHeld = RialArithmetic.saturatingSubtract(guaranteeHeld, guaranteeReleased.amount)
        case .usageRecorded(let usageRecorded): usage = Self.plus(usage, usageRecorded.amount)
        case .lateFeeCharged(let lateFeeCharged): lateFees = Self.plus(lateFees, lateFeeCharged.amount)
        case .invoiceIssued(let invoice):
            billed = Self.plus(billed, invoice.total)
            invoices.append(InvoiceState(invoice: invoice, issuedAt: time, position: position))
        case .paymentReceived(let paymentReceived):
            paymentAmounts[paymentReceived.paymentID] = paymentReceived.amount
            paymentsReceived = Self.plus(paymentsReceived, paymentReceived.amount)
        case .paymentReversed(let paymentReversed):
            if let amount = paymentAmounts[paymentReversed.paymentID],
                reversedPaymentIDs.insert(paymentReversed.paymentID).inserted
            {
                paymentsReversed = Self.plus(paymentsReversed, amount)
            }
        case .noticeSent(let notice):
            var sent = NoticeState(notice: notice, sentAt: time, position: position)
            (sent.debtAtSending, sent.depositHeldAtSending, sent.guaranteeHeldAtSending) = (
                debt, depositHeld, guaranteeHeld
            )
            notices.append(sent)
        case .noticeDelivered(let noticeDelivered):
            receipt(noticeDelivered.noticeID) {
                $0.deliveredAt = $0.deliveredAt ?? time
                $0.lastReceiptFailed = false
            }
        case .noticeDeliveryFailed(let noticeDeliveryFailed):
            receipt(noticeDeliveryFailed.noticeID) {
                $0.failedAt = $0.failedAt ?? time
                $0.lastReceiptFailed = true
            }
        case .lineSuspended(let suspension): suspend(suspension, at: time, position: position)
        case .lineRestored(let lineRestored):
            reconnectionFees = Self.plus(reconnectionFees, lineRestored.reconnectionFee)
            restorations.append(time)
            openingCut = nil
            setStatus(.active, at: time)
        case .lineTerminated:
            terminatedAt = time
            setStatus(.terminated, at: time)
        case .lineRevoked:
            revokedAt = time
            setStatus(.revoked, at: time)
        case .expertValuationRecorded(let expertValuationRecorded): expertValuation = expertValuationRecorded.amount
        case .auctionSold(let auctionSold):
            auctionPrice = auctionSold.price
            soldAt = time
            setStatus(.sold, at: time)
        case .subscriptionValueSettled(let subscriptionValueSettled): subscriptionValue = subscriptionValueSettled.value
        case .refundPaid(let refundPaid): refundsPaid = Self.plus(refundsPaid, refundPaid.amount)
        case .complaintFiled(let complaint):
            complaints.append(ComplaintState(complaint: complaint, filedAt: time, position: position))
        case .complaintAnswered(let answer): answerComplaint(answer, at: time, position: position)
        }
        if debt != debtBefore || depositHeld != heldBefore.0 || guaranteeHeld != heldBefore.1 {
            // A debt of zero spends every threshold notice sent before it (CUT-1): the history
            // before it can never matter again, so a line's state stays small.
            if debt == 0 { debtChanges.removeAll { $0.at < time } }
            debtChanges.append(DebtChange(at: time, debt: debt, depositHeld: depositHeld, guaranteeHeld: guaranteeHeld))
        }
    }

    /// A running total plus an amount: exact for an admitted fact, saturated otherwise.
    private static func plus(_ total: Rials, _ amount: Rials) -> Rials { RialArithmetic.saturatingAdd(total, amount) }

    /// CMP-1: the answer of a complaint filed on the line (admission checked that it names one).
    private mutating func answerComplaint(_ answer: ComplaintAnswered, at time: Timestamp, position: UInt64) {
        guard let index = complaints.firstIndex(where: { $0.complaint.complaintID == answer.complaintID }) else {
            return
        }
        complaints[index].answeredAt = time
        complaints[index].outcome = answer.outcome
        complaints[index].answerPosition = position
    }

    private mutating func receipt(_ noticeID: String, _ update: (inout NoticeState) -> Void) {
        guard let index = notices.firstIndex(where: { $0.notice.noticeID == noticeID }) else { return }
        update(&notices[index])
    }

    private mutating func suspend(_ suspension: LineSuspended, at time: Timestamp, position: UInt64) {
        let cut = CutRecord(suspension: suspension, at: time, position: position)
        cuts.append(cut)
        if status == .active { openingCut = cut }
        switch suspension.direction {
        case .oneWay:
            if status != .oneWay { oneWaySince = time }
            setStatus(.oneWay, at: time)
        case .twoWay:
            setStatus(.twoWay, at: time)
        }
    }

    private mutating func setStatus(_ newStatus: LineStatus, at time: Timestamp) {
        if newStatus != status { statusSince = time }
        if newStatus != .oneWay { oneWaySince = nil }
        status = newStatus
    }
}

extension LedgerEvent {
    var isLineActivation: Bool {
        if case .lineActivated = self { true } else { false }
    }
}
