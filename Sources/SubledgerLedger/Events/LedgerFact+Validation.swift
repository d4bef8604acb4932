public import SubledgerStore

extension LedgerFact {
    /// Checks what the fact says on its own, without any stream's state: the stream's id (a
    /// line's E.164 number, a subscriber's non-empty id of bounded length), the kind of
    /// stream its event belongs to, amounts within ``FactLimits/amountMaximumRials``, the
    /// lengths of ids and text, a suspension's `debtLine`, an invoice's period.
    ///
    /// ``Ledger/record(_:)``, ``Ledger/apply(_:)``, ``Ledger/apply(_:to:at:metadata:)`` and
    /// ``FactStreamValidator`` (`import`, `apply`) all run it, and the JSON reader
    /// (``init(input:)``) checks each field it reads with the same functions: a fact built
    /// in Swift is judged exactly as one read from JSON.
    ///
    /// - Throws: ``FactError`` naming the field (`line`, `data.amount`, ...).
    public func checkContent() throws(FactError) {
        switch stream {
        case .line(let number):
            guard !event.type.isSubscriberEvent, !event.type.isPolicyEvent else {
                throw FactCheck.wrongStream(event.type)
            }
            try FactCheck.lineNumber(number, field: "line")
        case .subscriber(let id):
            guard event.type.isSubscriberEvent else { throw FactCheck.wrongStream(event.type) }
            try FactCheck.identifier(id, field: "subscriber")
        case .policy(let name):
            guard event.type.isPolicyEvent else { throw FactCheck.wrongStream(event.type) }
            try FactCheck.policyName(name, field: "policy")
        }
        for (key, value) in metadata { try FactCheck.metadataValue(value, key: key) }
        try event.checkContent()
    }
}

extension LedgerEvent {
    /// The checks of ``LedgerFact/checkContent()`` on the event's `data`, field by field as
    /// the JSON reader checks them (``init(type:data:)``).
    func checkContent() throws(FactError) {
        switch self {
        case .subscriberRegistered(let registered):
            try FactCheck.identifier(registered.subscriberID, field: "data.subscriberId")
            if case .clear(let name) = registered.name { try FactCheck.text(name, field: "data.name") }
            if case .clear(let nationalID) = registered.nationalID {
                try FactCheck.text(nationalID, field: "data.nationalId", maximumBytes: FactLimits.codeMaximumBytes)
            }
        case .personalDataErased(let erased):
            try FactCheck.identifier(erased.subscriberID, field: "data.subscriberId")
        case .identityVerified(let identityVerified):
            try FactCheck.count(
                identityVerified.documents.count, field: "data.documents", maximum: FactLimits.documentsMaximumCount)
            for (index, document) in identityVerified.documents.enumerated() {
                try FactCheck.text(document, field: "data.documents[\(index)]")
            }
        case .lineActivated(let activated):
            try FactCheck.identifier(activated.subscriberID, field: "data.subscriberId")
            try FactCheck.amount(activated.connectionFee, field: "data.connectionFee", positive: false)
            try FactCheck.amount(activated.vanityPremium, field: "data.vanityPremium", positive: false)
            if let region = activated.region {
                try FactCheck.text(region, field: "data.region", maximumBytes: FactLimits.codeMaximumBytes)
                try FactCheck.code(region, field: "data.region")
            }
        case .depositPaid(let depositPaid):
            try FactCheck.amount(depositPaid.amount, field: "data.amount", positive: true)
        case .guaranteePaid(let guaranteePaid):
            try FactCheck.amount(guaranteePaid.amount, field: "data.amount", positive: true)
        case .depositRefunded(let depositRefunded):
            try FactCheck.amount(depositRefunded.amount, field: "data.amount", positive: true)
        case .guaranteeReleased(let guaranteeReleased):
            try FactCheck.amount(guaranteeReleased.amount, field: "data.amount", positive: true)
        case .lateFeeCharged(let lateFeeCharged):
            try FactCheck.amount(lateFeeCharged.amount, field: "data.amount", positive: true)
        case .expertValuationRecorded(let expertValuationRecorded):
            try FactCheck.amount(expertValuationRecorded.amount, field: "data.amount", positive: true)
        case .refundPaid(let refundPaid):
            try FactCheck.amount(refundPaid.amount, field: "data.amount", positive: true)
        case .usageRecorded(let usageRecorded):
            try FactCheck.amount(usageRecorded.amount, field: "data.amount", positive: true)
            try FactCheck.text(usageRecorded.description, field: "data.description")
        case .invoiceIssued(let invoice): try invoice.checkContent()
        case .paymentReceived(let paymentReceived):
            try FactCheck.identifier(paymentReceived.paymentID, field: "data.paymentId")
            try FactCheck.amount(paymentReceived.amount, field: "data.amount", positive: true)
            try FactCheck.text(paymentReceived.method, field: "data.method", maximumBytes: FactLimits.codeMaximumBytes)
        case .paymentReversed(let paymentReversed):
            try FactCheck.identifier(paymentReversed.paymentID, field: "data.paymentId")
        case .noticeSent(let notice):
            try FactCheck.identifier(notice.noticeID, field: "data.noticeId")
            try FactCheck.amount(notice.fee, field: "data.fee", positive: false)
        case .noticeDelivered(let noticeDelivered):
            try FactCheck.identifier(noticeDelivered.noticeID, field: "data.noticeId")
        case .noticeDeliveryFailed(let noticeDeliveryFailed):
            try FactCheck.identifier(noticeDeliveryFailed.noticeID, field: "data.noticeId")
        case .lineSuspended(let suspension):
            try FactCheck.debtLine(suspension.debtLine, reason: suspension.reason)
            if let orderedBy = suspension.orderedBy { try FactCheck.nonEmptyText(orderedBy, field: "data.orderedBy") }
            if let reference = suspension.reference { try FactCheck.identifier(reference, field: "data.reference") }
        case .lineRestored(let lineRestored):
            try FactCheck.amount(lineRestored.reconnectionFee, field: "data.reconnectionFee", positive: false)
        case .lineTerminated: break  // its reason is one of the catalog's, by its type
        case .lineRevoked(let lineRevoked): try FactCheck.text(lineRevoked.reason, field: "data.reason")
        case .auctionSold(let auctionSold): try FactCheck.amount(auctionSold.price, field: "data.price", positive: true)
        case .subscriptionValueSettled(let subscriptionValueSettled):
            try FactCheck.amount(subscriptionValueSettled.value, field: "data.value", positive: false)
        case .complaintFiled(let complaint):
            try FactCheck.identifier(complaint.complaintID, field: "data.complaintId")
            if let position = complaint.position { try FactCheck.position(position, field: "data.position") }
        case .complaintAnswered(let answer): try FactCheck.identifier(answer.complaintID, field: "data.complaintId")
        case .policyEditionAdopted(let adopted): try adopted.checkContent()
        }
    }
}

extension InvoiceIssued {
    func checkContent() throws(FactError) {
        try FactCheck.identifier(invoiceID, field: "data.invoiceId")
        try FactCheck.period(start: periodStart, end: periodEnd)
        try FactCheck.count(items.count, field: "data.items", maximum: FactLimits.itemsMaximumCount)
        for (index, item) in items.enumerated() {
            try FactCheck.text(item.description, field: "data.items[\(index)].description")
            try FactCheck.amount(item.amount, field: "data.items[\(index)].amount", positive: false)
        }
        try FactCheck.amount(total, field: "data.total", positive: false)
        // At most 1,000 items of at most 10^15 rials: the sum fits in 64 bits (BIL-2 compares it).
        precondition(
            Rials(FactLimits.itemsMaximumCount).multipliedReportingOverflow(by: FactLimits.amountMaximumRials).overflow
                == false)
    }
}
