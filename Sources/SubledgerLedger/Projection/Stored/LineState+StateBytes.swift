import SubledgerStore

extension LineState {
    /// The state's bytes in the stored line projection (every field, sets and dictionaries
    /// in sorted order, so equal states give equal bytes).
    func write(to writer: inout StateWriter) {
        writer.string(number)
        writer.string(subscriberID)
        writer.choice(service)
        writer.choice(plan)
        writer.signed(connectionFee)
        writer.signed(vanityPremium)
        writer.time(activatedAt)
        writer.time(latestOccurredAt)
        writer.bool(foldedOutOfOrder)
        writer.choice(status)
        writer.time(statusSince)
        writer.optional(oneWaySince) { $0.time($1) }
        for amount in [usage, reconnectionFees, lateFees, paymentsReceived, paymentsReversed] { writer.signed(amount) }
        writer.array(paymentAmounts.sorted { $0.key < $1.key }) { writer, payment in
            writer.string(payment.key)
            writer.signed(payment.value)
        }
        writer.array(reversedPaymentIDs.sorted()) { $0.string($1) }
        writer.signed(depositHeld)
        writer.signed(guaranteeHeld)
        writer.array(invoices) { writer, invoice in
            invoice.invoice.write(to: &writer)
            writer.time(invoice.issuedAt)
            writer.unsigned(invoice.position)
        }
        writer.signed(billed)
        writer.array(notices) { writer, notice in
            notice.notice.write(to: &writer)
            writer.time(notice.sentAt)
            writer.unsigned(notice.position)
            writer.optional(notice.deliveredAt) { $0.time($1) }
            writer.optional(notice.failedAt) { $0.time($1) }
            writer.bool(notice.lastReceiptFailed)
            for amount in [notice.debtAtSending, notice.depositHeldAtSending, notice.guaranteeHeldAtSending] {
                writer.signed(amount)
            }
        }
        writer.array(cuts) { writer, cut in cut.write(to: &writer) }
        writer.optional(openingCut) { writer, cut in cut.write(to: &writer) }
        writer.array(restorations) { $0.time($1) }
        writer.array(debtChanges) { writer, change in
            writer.time(change.at)
            writer.signed(change.debt)
            writer.signed(change.depositHeld)
            writer.signed(change.guaranteeHeld)
        }
        for amount in [expertValuation, auctionPrice, subscriptionValue] { writer.optional(amount) { $0.signed($1) } }
        writer.signed(refundsPaid)
        writer.optional(revokedAt) { $0.time($1) }
        writer.optional(soldAt) { $0.time($1) }
        writer.optional(terminatedAt) { $0.time($1) }
        writer.choice(noticeChannel)
        writer.array(complaints) { writer, complaint in
            writer.string(complaint.complaint.complaintID)
            writer.choice(complaint.complaint.about)
            writer.choice(complaint.complaint.channel)
            writer.optional(complaint.complaint.position) { $0.unsigned($1) }
            writer.time(complaint.filedAt)
            writer.unsigned(complaint.position)
            writer.optional(complaint.answeredAt) { $0.time($1) }
            writer.optional(complaint.outcome) { $0.choice($1) }
            writer.optional(complaint.answerPosition) { $0.unsigned($1) }
        }
        writer.optional(region) { $0.string($1) }
    }

    /// Reads what ``write(to:)`` wrote.
    static func read(from reader: inout StateReader) throws(StateBytesError) -> LineState {
        let number = try reader.string()
        let activated = LineActivated(
            subscriberID: try reader.string(), service: try reader.choice(Service.self),
            plan: try reader.choice(Plan.self), connectionFee: try reader.signed(),
            vanityPremium: try reader.signed())
        var state = LineState(number: number, activated: activated, at: try reader.time())
        state.latestOccurredAt = try reader.time()
        state.foldedOutOfOrder = try reader.bool()
        state.status = try reader.choice(LineStatus.self)
        state.statusSince = try reader.time()
        state.oneWaySince = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        state.usage = try reader.signed()
        state.reconnectionFees = try reader.signed()
        state.lateFees = try reader.signed()
        state.paymentsReceived = try reader.signed()
        state.paymentsReversed = try reader.signed()
        let payments = try reader.array { reader throws(StateBytesError) in (try reader.string(), try reader.signed()) }
        state.paymentAmounts = Dictionary(payments) { _, last in last }
        state.reversedPaymentIDs = Set(try reader.array { reader throws(StateBytesError) in try reader.string() })
        state.depositHeld = try reader.signed()
        state.guaranteeHeld = try reader.signed()
        state.invoices = try reader.array { reader throws(StateBytesError) in
            InvoiceState(
                invoice: try InvoiceIssued.read(from: &reader), issuedAt: try reader.time(),
                position: try reader.unsigned())
        }
        state.billed = try reader.signed()
        state.notices = try reader.array { reader throws(StateBytesError) in
            var notice = NoticeState(
                notice: try NoticeSent.read(from: &reader), sentAt: try reader.time(), position: try reader.unsigned(),
                deliveredAt: try reader.optional { reader throws(StateBytesError) in try reader.time() },
                failedAt: try reader.optional { reader throws(StateBytesError) in try reader.time() })
            notice.lastReceiptFailed = try reader.bool()
            notice.debtAtSending = try reader.signed()
            notice.depositHeldAtSending = try reader.signed()
            notice.guaranteeHeldAtSending = try reader.signed()
            return notice
        }
        state.cuts = try reader.array { reader throws(StateBytesError) in try CutRecord.read(from: &reader) }
        state.openingCut = try reader.optional { reader throws(StateBytesError) in try CutRecord.read(from: &reader) }
        state.restorations = try reader.array { reader throws(StateBytesError) in try reader.time() }
        state.debtChanges = try reader.array { reader throws(StateBytesError) in
            DebtChange(
                at: try reader.time(), debt: try reader.signed(), depositHeld: try reader.signed(),
                guaranteeHeld: try reader.signed())
        }
        state.expertValuation = try reader.optional { reader throws(StateBytesError) in try reader.signed() }
        state.auctionPrice = try reader.optional { reader throws(StateBytesError) in try reader.signed() }
        state.subscriptionValue = try reader.optional { reader throws(StateBytesError) in try reader.signed() }
        state.refundsPaid = try reader.signed()
        state.revokedAt = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        state.soldAt = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        state.terminatedAt = try reader.optional { reader throws(StateBytesError) in try reader.time() }
        state.noticeChannel = try reader.choice(NoticeSent.Channel.self)
        state.complaints = try reader.array { reader throws(StateBytesError) in
            let complaint = ComplaintFiled(
                complaintID: try reader.string(), about: try reader.choice(ComplaintFiled.About.self),
                channel: try reader.choice(NoticeSent.Channel.self),
                position: try reader.optional { reader throws(StateBytesError) in try reader.unsigned() })
            return ComplaintState(
                complaint: complaint, filedAt: try reader.time(), position: try reader.unsigned(),
                answeredAt: try reader.optional { reader throws(StateBytesError) in try reader.time() },
                outcome: try reader.optional { reader throws(StateBytesError) in
                    try reader.choice(ComplaintAnswered.Outcome.self)
                },
                answerPosition: try reader.optional { reader throws(StateBytesError) in try reader.unsigned() })
        }
        state.region = try reader.optional { reader throws(StateBytesError) in try reader.string() }
        // The derived figures are safe only while the totals fit, as the fold keeps them.
        if let problem = state.totalsOverflow() {
            throw StateBytesError(reason: "line \(number): its \(problem) leave 64-bit rials")
        }
        return state
    }
}

extension CutRecord {
    func write(to writer: inout StateWriter) {
        writer.choice(suspension.direction)
        writer.choice(suspension.reason)
        writer.optional(suspension.debtLine) { $0.string($1) }
        writer.bool(suspension.blocksEmergencyCalls)
        writer.optional(suspension.orderedBy) { $0.string($1) }
        writer.optional(suspension.reference) { $0.string($1) }
        writer.time(at)
        writer.unsigned(position)
    }

    static func read(from reader: inout StateReader) throws(StateBytesError) -> CutRecord {
        let suspension = LineSuspended(
            direction: try reader.choice(LineSuspended.Direction.self),
            reason: try reader.choice(LineSuspended.Reason.self),
            debtLine: try reader.optional { reader throws(StateBytesError) in try reader.string() },
            blocksEmergencyCalls: try reader.bool(),
            orderedBy: try reader.optional { reader throws(StateBytesError) in try reader.string() },
            reference: try reader.optional { reader throws(StateBytesError) in try reader.string() })
        return CutRecord(suspension: suspension, at: try reader.time(), position: try reader.unsigned())
    }
}

extension InvoiceIssued {
    func write(to writer: inout StateWriter) {
        writer.string(invoiceID)
        writer.time(periodStart)
        writer.time(periodEnd)
        writer.array(items) { writer, item in
            writer.string(item.description)
            writer.signed(item.amount)
        }
        writer.signed(total)
        writer.time(dueAt)
    }

    static func read(from reader: inout StateReader) throws(StateBytesError) -> InvoiceIssued {
        InvoiceIssued(
            invoiceID: try reader.string(), periodStart: try reader.time(), periodEnd: try reader.time(),
            items: try reader.array { reader throws(StateBytesError) in
                Item(description: try reader.string(), amount: try reader.signed())
            },
            total: try reader.signed(), dueAt: try reader.time())
    }
}

extension NoticeSent {
    func write(to writer: inout StateWriter) {
        writer.string(noticeID)
        writer.choice(kind)
        writer.choice(channel)
        writer.optional(deadline) { $0.time($1) }
        writer.signed(fee)
    }

    static func read(from reader: inout StateReader) throws(StateBytesError) -> NoticeSent {
        NoticeSent(
            noticeID: try reader.string(), kind: try reader.choice(Kind.self), channel: try reader.choice(Channel.self),
            deadline: try reader.optional { reader throws(StateBytesError) in try reader.time() },
            fee: try reader.signed())
    }
}
