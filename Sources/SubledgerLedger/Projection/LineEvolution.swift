import SubledgerStore

extension LineState {
    /// Folds one event of this line into its state (`evolve`), refusing a fact that cannot
    /// be (interchange.md: a second activation of an active line, an invoice billing more
    /// than the charges not yet billed, a reversal of an unknown payment, ...).
    ///
    /// `state` is `nil` before the line's first activation.
    /// `state` is consumed: a caller that passes its last copy (`consume state`) lets the
    /// fold mutate in place instead of copying the line's arrays at every event.
    public static func evolve(_ state: consuming LineState?, _ fact: LedgerFact, position: UInt64) throws(FactError) -> LineState {
        guard case .line(let number) = fact.stream else {
            throw FactError(field: "line", reason: "\(fact.event.type.rawValue) belongs to a line stream")
        }
        if case .lineActivated(let activated) = fact.event {
            if let state, !state.hasEnded {
                throw FactError(field: "type", reason: "line \(number) is already active (status \(state.status.rawValue)): a second activation")
            }
            if let state, fact.occurredAt < state.latestOccurredAt {
                throw FactError(field: "occurredAt", reason: "line \(number) is activated again at \(fact.occurredAt), before its fact of \(state.latestOccurredAt): an activation cannot be placed among facts already recorded")
            }
            var activatedLine = LineState(number: number, activated: activated, at: fact.occurredAt)
            activatedLine.latestOccurredAt = max(fact.occurredAt, state?.latestOccurredAt ?? fact.occurredAt)
            return activatedLine
        }
        guard var next = consume state else {
            throw FactError(field: "line", reason: "line \(number) does not exist yet: it has no LineActivated")
        }
        try next.apply(fact.event, at: fact.occurredAt, position: position)
        return next
    }

    /// ``evolve(_:_:position:)`` on a state held in place (a dictionary's value, say), so
    /// that nothing of it is copied. After a throw, `state` may be half changed: the caller
    /// abandons it, as every fold does on an error.
    static func evolve(_ state: inout LineState?, _ fact: LedgerFact, position: UInt64) throws(FactError) {
        if case .lineActivated = fact.event {
            state = try evolve(state.take(), fact, position: position)
            return
        }
        guard state != nil else {
            state = try evolve(nil, fact, position: position)  // throws: the line does not exist
            return
        }
        guard case .line = fact.stream else {
            throw FactError(field: "line", reason: "\(fact.event.type.rawValue) belongs to a line stream")
        }
        try state!.apply(fact.event, at: fact.occurredAt, position: position)
    }

    private mutating func apply(_ event: LedgerEvent, at time: Timestamp, position: UInt64) throws(FactError) {
        let debtBefore = debt
        let heldBefore = (depositHeld, guaranteeHeld)
        if time < latestOccurredAt {
            try checkLate(event, at: time)
            foldedOutOfOrder = true
        }
        latestOccurredAt = max(latestOccurredAt, time)
        switch event {
        case .subscriberRegistered, .identityVerified, .personalDataErased, .lineActivated, .policyEditionAdopted:
            preconditionFailure("handled by evolve")
        case .depositPaid(let depositPaid): depositHeld = try sum(depositHeld, depositPaid.amount, "data.amount", position)
        case .guaranteePaid(let guaranteePaid): guaranteeHeld = try sum(guaranteeHeld, guaranteePaid.amount, "data.amount", position)
        case .depositRefunded(let depositRefunded):
            guard depositRefunded.amount <= depositHeld else {
                throw FactError(field: "data.amount", reason: "refunds \(depositRefunded.amount) of a deposit of \(depositHeld) held")
            }
            depositHeld -= depositRefunded.amount
        case .guaranteeReleased(let guaranteeReleased):
            guard guaranteeReleased.amount <= guaranteeHeld else {
                throw FactError(field: "data.amount", reason: "releases \(guaranteeReleased.amount) of a guarantee of \(guaranteeHeld) held")
            }
            guaranteeHeld -= guaranteeReleased.amount
        case .usageRecorded(let usageRecorded): usage = try sum(usage, usageRecorded.amount, "data.amount", position)
        case .lateFeeCharged(let lateFeeCharged): lateFees = try sum(lateFees, lateFeeCharged.amount, "data.amount", position)
        case .invoiceIssued(let invoice): try issue(invoice, at: time, position: position)
        case .paymentReceived(let paymentReceived):
            guard paymentAmounts[paymentReceived.paymentID] == nil else {
                throw FactError(field: "data.paymentId", reason: "payment \(paymentReceived.paymentID) is already recorded on line \(number)")
            }
            paymentAmounts[paymentReceived.paymentID] = paymentReceived.amount
            paymentsReceived = try sum(paymentsReceived, paymentReceived.amount, "data.amount", position)
        case .paymentReversed(let paymentReversed):
            guard let amount = paymentAmounts[paymentReversed.paymentID] else {
                throw FactError(field: "data.paymentId", reason: "no payment \(paymentReversed.paymentID) on line \(number) to reverse")
            }
            guard reversedPaymentIDs.insert(paymentReversed.paymentID).inserted else {
                throw FactError(field: "data.paymentId", reason: "payment \(paymentReversed.paymentID) is already reversed")
            }
            paymentsReversed = try sum(paymentsReversed, amount, "data.paymentId", position)
        case .noticeSent(let notice):
            guard self.notice(notice.noticeID) == nil else {
                throw FactError(field: "data.noticeId", reason: "notice \(notice.noticeID) is already recorded on line \(number)")
            }
            var sent = NoticeState(notice: notice, sentAt: time, position: position)
            (sent.debtAtSending, sent.depositHeldAtSending, sent.guaranteeHeldAtSending) = (debt, depositHeld, guaranteeHeld)
            notices.append(sent)
        case .noticeDelivered(let noticeDelivered):
            try receipt(noticeDelivered.noticeID) {
                $0.deliveredAt = $0.deliveredAt ?? time
                $0.lastReceiptFailed = false
            }
        case .noticeDeliveryFailed(let noticeDeliveryFailed):
            try receipt(noticeDeliveryFailed.noticeID) {
                $0.failedAt = $0.failedAt ?? time
                $0.lastReceiptFailed = true
            }
        case .lineSuspended(let suspension): suspend(suspension, at: time, position: position)
        case .lineRestored(let lineRestored):
            reconnectionFees = try sum(reconnectionFees, lineRestored.reconnectionFee, "data.reconnectionFee", position)
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
        case .refundPaid(let refundPaid): refundsPaid = try sum(refundsPaid, refundPaid.amount, "data.amount", position)
        case .complaintFiled(let complaint): try file(complaint, at: time, position: position)
        case .complaintAnswered(let answer): try answerComplaint(answer, at: time, position: position)
        }
        try checkTotals(after: event, position: position)
        if debt != debtBefore || depositHeld != heldBefore.0 || guaranteeHeld != heldBefore.1 {
            // A debt of zero spends every threshold notice sent before it (CUT-1): the history
            // before it can never matter again, so a line's state stays small.
            if debt == 0 { debtChanges.removeAll { $0.at < time } }
            debtChanges.append(DebtChange(at: time, debt: debt, depositHeld: depositHeld, guaranteeHeld: guaranteeHeld))
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
            throw FactError(field: "occurredAt", reason: "line \(number): \(event.type.rawValue) occurs at \(time), before the line's activation at \(activatedAt)")
        }
        switch event {
        // A complaint and its answer change no total (CMP-1): the fold checks the answer's time.
        case .usageRecorded, .paymentReceived, .depositPaid, .guaranteePaid, .lateFeeCharged, .complaintFiled, .complaintAnswered: return
        case .noticeDelivered(let receipt): try checkReceipt(receipt.noticeID, at: time)
        case .noticeDeliveryFailed(let receipt): try checkReceipt(receipt.noticeID, at: time)
        default:
            throw FactError(field: "occurredAt", reason: "line \(number): \(event.type.rawValue) occurs at \(time), before the line's fact of \(latestOccurredAt): only usage, payments, deposits, guarantees, receipts and complaints may be recorded after facts that occurred later")
        }
    }

    private func checkReceipt(_ noticeID: String, at time: Timestamp) throws(FactError) {
        if let notice = notice(noticeID), time < notice.sentAt {
            throw FactError(field: "occurredAt", reason: "line \(number): a receipt of notice \(noticeID) at \(time), before it was sent at \(notice.sentAt)")
        }
    }

    private mutating func issue(_ invoice: InvoiceIssued, at time: Timestamp, position: UInt64) throws(FactError) {
        guard !invoices.contains(where: { $0.invoice.invoiceID == invoice.invoiceID }) else {
            throw FactError(field: "data.invoiceId", reason: "invoice \(invoice.invoiceID) is already issued on line \(number)")
        }
        guard invoice.total <= unbilled else {
            throw FactError(field: "data.total", reason: "bills \(invoice.total) but only \(unbilled) of charges are not yet billed")
        }
        billed += invoice.total
        invoices.append(InvoiceState(invoice: invoice, issuedAt: time, position: position))
    }

    /// CMP-1: a complaint's id is unique on the line; the event it names, when it names one,
    /// was recorded before it (a recorded fold knows the complaint's own position; that the
    /// event is of this line is checked where the log is read, `Ledger.checkComplaintPosition`).
    private mutating func file(_ complaint: ComplaintFiled, at time: Timestamp, position: UInt64) throws(FactError) {
        guard self.complaint(complaint.complaintID) == nil else {
            throw FactError(field: "data.complaintId", reason: "complaint \(complaint.complaintID) is already recorded on line \(number)")
        }
        if let about = complaint.position, position > 0, about >= position {
            throw FactError(field: "data.position", reason: "names position \(about), which is not before the complaint's own (\(position)): a complaint is about an event recorded before it")
        }
        complaints.append(ComplaintState(complaint: complaint, filedAt: time, position: position))
    }

    /// CMP-1: an answer names a complaint of the line not answered yet, and comes at or after it.
    private mutating func answerComplaint(_ answer: ComplaintAnswered, at time: Timestamp, position: UInt64) throws(FactError) {
        guard let index = complaints.firstIndex(where: { $0.complaint.complaintID == answer.complaintID }) else {
            throw FactError(field: "data.complaintId", reason: "no complaint \(answer.complaintID) was filed on line \(number)")
        }
        if let answeredAt = complaints[index].answeredAt {
            throw FactError(field: "data.complaintId", reason: "complaint \(answer.complaintID) on line \(number) is already answered (at \(answeredAt)): a second answer")
        }
        guard time >= complaints[index].filedAt else {
            throw FactError(field: "occurredAt", reason: "line \(number): complaint \(answer.complaintID) is answered at \(time), before it was filed at \(complaints[index].filedAt)")
        }
        complaints[index].answeredAt = time
        complaints[index].outcome = answer.outcome
        complaints[index].answerPosition = position
    }

    private mutating func receipt(_ noticeID: String, _ update: (inout NoticeState) -> Void) throws(FactError) {
        guard let index = notices.firstIndex(where: { $0.notice.noticeID == noticeID }) else {
            throw FactError(field: "data.noticeId", reason: "no notice \(noticeID) was sent on line \(number)")
        }
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

    private func sum(_ lhs: Rials, _ rhs: Rials, _ field: String, _ position: UInt64) throws(FactError) -> Rials {
        do { return try RialArithmetic.add(lhs, rhs) } catch {
            throw FactError(field: field, reason: "line \(number)\(Self.eventAt(position)): a running total goes beyond 64-bit rials (\(error.operation))")
        }
    }

    /// " (the event at position P)" for a recorded event; "" for one not recorded yet (its
    /// caller names its index in the input).
    private static func eventAt(_ position: UInt64) -> String { position > 0 ? " (the event at position \(position))" : "" }

    /// Refuses the event after which the line's running totals would leave 64 bits: its
    /// charges (usage, reconnection fees, late fees), its payments, or what netting credits
    /// (deposit, guarantee, auction proceeds, subscription value). While they fit, every
    /// figure derived from them (``debt``, ``credit``, ``unbilled``, ``NettingStatement``)
    /// fits too: it is a difference of two of them, or a part of one.
    private func checkTotals(after event: LedgerEvent, position: UInt64) throws(FactError) {
        guard let overflow = totalsOverflow() else { return }
        throw FactError(field: event.amountField,
                        reason: "line \(number): \(event.type.rawValue)\(Self.eventAt(position)) takes the line's \(overflow) beyond 64-bit rials")
    }

    /// Which running total leaves 64 bits, if one does (``checkTotals(after:position:)``).
    func totalsOverflow() -> String? {
        let amounts: [Rials] = [usage, reconnectionFees, lateFees, paymentsReceived, paymentsReversed, depositHeld, guaranteeHeld,
                                billed, refundsPaid, expertValuation ?? 0, auctionPrice ?? 0, subscriptionValue ?? 0]
        guard amounts.allSatisfy({ $0 >= 0 }), paymentsReversed <= paymentsReceived else { return "totals (a negative one)" }
        if (try? RialArithmetic.sum([usage, reconnectionFees, lateFees])) == nil { return "charges" }
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
