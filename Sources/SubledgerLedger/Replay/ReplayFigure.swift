public import SubledgerStore

/// One key figure of an event: an amount, an instant or a word, named as in its `data`.
public struct ReplayFigure: Hashable, Sendable {
    /// A figure's value, of one of three kinds.
    public enum Value: Hashable, Sendable {
        case amount(Rials)
        case time(Timestamp)
        case text(String)
    }

    /// The figure's name, as the field of the event's `data` (`amount`, `deadline`).
    public var name: String
    /// The figure's value.
    public var value: Value

    /// The figure `name` of `value`.
    ///
    /// - Parameters:
    ///   - name: the name, as in the event's `data`.
    ///   - value: the value.
    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// The figures that say what the event did (all of its `data` but invoice items).
    ///
    /// - Parameters:
    ///   - event: the event.
    /// - Returns: its figures, named as in its `data`.
    public static func figures(of event: LedgerEvent) -> [ReplayFigure] {
        switch event {
        case .subscriberRegistered(let registered):
            return [
                .init("subscriberId", .text(registered.subscriberID)), .init("kind", .text(registered.kind.rawValue)),
            ]
        case .identityVerified(let identityVerified):
            return [.init("documents", .text(identityVerified.documents.joined(separator: ", ")))]
        case .personalDataErased(let erased):
            return [.init("fields", .text(erased.fields.joined(separator: ", ")))]
        case .lineActivated(let activated):
            var figures: [ReplayFigure] = [
                .init("subscriberId", .text(activated.subscriberID)),
                .init("service", .text(activated.service.rawValue)),
                .init("plan", .text(activated.plan.rawValue)), .init("connectionFee", .amount(activated.connectionFee)),
                .init("vanityPremium", .amount(activated.vanityPremium)),
            ]
            if let channel = activated.noticeChannel { figures.append(.init("noticeChannel", .text(channel.rawValue))) }
            if let region = activated.region { figures.append(.init("region", .text(region))) }
            return figures
        case .depositPaid(let depositPaid):
            return [.init("amount", .amount(depositPaid.amount))]
        case .guaranteePaid(let guaranteePaid):
            return [.init("amount", .amount(guaranteePaid.amount))]
        case .depositRefunded(let depositRefunded):
            return [.init("amount", .amount(depositRefunded.amount))]
        case .guaranteeReleased(let guaranteeReleased):
            return [.init("amount", .amount(guaranteeReleased.amount))]
        case .lateFeeCharged(let lateFeeCharged):
            return [.init("amount", .amount(lateFeeCharged.amount))]
        case .expertValuationRecorded(let expertValuationRecorded):
            return [.init("amount", .amount(expertValuationRecorded.amount))]
        case .refundPaid(let refundPaid):
            return [.init("amount", .amount(refundPaid.amount))]
        case .policyEditionAdopted(let adopted):
            return [.init("edition", .text(adopted.editionID ?? "")), .init("basedOn", .text(adopted.basedOn))]
        case .usageRecorded(let usageRecorded):
            return [
                .init("amount", .amount(usageRecorded.amount)), .init("description", .text(usageRecorded.description)),
            ]
        case .invoiceIssued(let invoice):
            return [
                .init("invoiceId", .text(invoice.invoiceID)), .init("total", .amount(invoice.total)),
                .init("periodStart", .time(invoice.periodStart)), .init("periodEnd", .time(invoice.periodEnd)),
                .init("dueAt", .time(invoice.dueAt)),
            ]
        case .paymentReceived(let paymentReceived):
            return [
                .init("paymentId", .text(paymentReceived.paymentID)), .init("amount", .amount(paymentReceived.amount)),
                .init("method", .text(paymentReceived.method)),
            ]
        case .paymentReversed(let paymentReversed):
            return [.init("paymentId", .text(paymentReversed.paymentID))]
        case .noticeSent(let notice):
            var figures: [ReplayFigure] = [
                .init("noticeId", .text(notice.noticeID)), .init("kind", .text(notice.kind.rawValue)),
                .init("channel", .text(notice.channel.rawValue)),
            ]
            if let deadline = notice.deadline { figures.append(.init("deadline", .time(deadline))) }
            figures.append(.init("fee", .amount(notice.fee)))
            return figures
        case .noticeDelivered(let noticeDelivered):
            return [.init("noticeId", .text(noticeDelivered.noticeID))]
        case .noticeDeliveryFailed(let noticeDeliveryFailed):
            return [.init("noticeId", .text(noticeDeliveryFailed.noticeID))]
        case .lineSuspended(let suspension):
            var figures: [ReplayFigure] = [
                .init("direction", .text(suspension.direction.rawValue)),
                .init("reason", .text(suspension.reason.rawValue)),
            ]
            if let debtLine = suspension.debtLine { figures.append(.init("debtLine", .text(debtLine))) }
            if let orderedBy = suspension.orderedBy { figures.append(.init("orderedBy", .text(orderedBy))) }
            if let reference = suspension.reference { figures.append(.init("reference", .text(reference))) }
            return figures
        case .lineRestored(let lineRestored):
            return [.init("reconnectionFee", .amount(lineRestored.reconnectionFee))]
        case .lineTerminated(let lineTerminated):
            return [.init("reason", .text(lineTerminated.reason.rawValue))]
        case .lineRevoked(let lineRevoked):
            return [.init("reason", .text(lineRevoked.reason))]
        case .auctionSold(let auctionSold):
            return [.init("price", .amount(auctionSold.price))]
        case .subscriptionValueSettled(let subscriptionValueSettled):
            return [.init("value", .amount(subscriptionValueSettled.value))]
        case .complaintFiled(let complaint):
            var figures: [ReplayFigure] = [
                .init("complaintId", .text(complaint.complaintID)), .init("about", .text(complaint.about.rawValue)),
                .init("channel", .text(complaint.channel.rawValue)),
            ]
            if let position = complaint.position { figures.append(.init("position", .text("\(position)"))) }
            return figures
        case .complaintAnswered(let answer):
            return [.init("complaintId", .text(answer.complaintID)), .init("outcome", .text(answer.outcome.rawValue))]
        }
    }
}

extension LedgerEvent {
    /// A short sentence for people: `usage 245,000 (calls and data)`.
    ///
    /// - Parameters:
    ///   - format: how the instants of the event are written.
    /// - Returns: the sentence, amounts in rials with digit grouping.
    public func summary(_ format: DisplayFormat) -> String {
        let rials = DisplayFormat.rials
        switch self {
        case .subscriberRegistered(let registered):
            return "subscriber \(registered.subscriberID) registered (\(registered.kind.rawValue))"
        case .identityVerified(let identityVerified):
            return "identity verified: \(identityVerified.documents.joined(separator: ", "))"
        case .personalDataErased(let erased):
            return "personal data of \(erased.subscriberID) erased (\(erased.fields.joined(separator: ", ")))"
        case .lineActivated(let activated):
            var text =
                "\(activated.service.rawValue) line on the \(activated.plan.rawValue) plan for \(activated.subscriberID)"
            text += ", connection fee \(rials(activated.connectionFee))"
            if activated.vanityPremium > 0 { text += ", vanity premium \(rials(activated.vanityPremium))" }
            if let channel = activated.noticeChannel { text += ", notices by \(channel.rawValue) (PLAN-5)" }
            if let region = activated.region { text += ", region \(region)" }
            return text
        case .depositPaid(let depositPaid): return "deposit paid \(rials(depositPaid.amount))"
        case .guaranteePaid(let guaranteePaid): return "guarantee paid \(rials(guaranteePaid.amount))"
        case .depositRefunded(let depositRefunded): return "deposit refunded \(rials(depositRefunded.amount))"
        case .guaranteeReleased(let guaranteeReleased): return "guarantee released \(rials(guaranteeReleased.amount))"
        case .usageRecorded(let usageRecorded):
            return "usage \(rials(usageRecorded.amount)) (\(usageRecorded.description))"
        case .invoiceIssued(let invoice):
            return
                "invoice \(invoice.invoiceID): \(rials(invoice.total)) in \(invoice.items.count) item(s), due \(format.time(invoice.dueAt))"
        case .paymentReceived(let paymentReceived):
            return "payment \(paymentReceived.paymentID): \(rials(paymentReceived.amount)) by \(paymentReceived.method)"
        case .paymentReversed(let paymentReversed): return "payment \(paymentReversed.paymentID) reversed"
        case .noticeSent(let notice):
            var text = "notice \(notice.noticeID): \(notice.kind.rawValue) by \(notice.channel.rawValue)"
            if let deadline = notice.deadline { text += ", deadline \(format.time(deadline))" }
            return text + (notice.fee == 0 ? ", free" : ", fee \(rials(notice.fee))")
        case .noticeDelivered(let noticeDelivered): return "notice \(noticeDelivered.noticeID) delivered"
        case .noticeDeliveryFailed(let noticeDeliveryFailed):
            return "notice \(noticeDeliveryFailed.noticeID) FAILED to arrive"
        case .lateFeeCharged(let lateFeeCharged): return "late fee charged \(rials(lateFeeCharged.amount))"
        case .lineSuspended(let suspension):
            var text = "cut \(suspension.direction.rawValue) for \(suspension.reason.rawValue)"
            if let debtLine = suspension.debtLine { text += ", citing the debt of \(debtLine)" }
            if let orderedBy = suspension.orderedBy { text += ", ordered by \(orderedBy)" }
            if let reference = suspension.reference { text += " (reference \(reference))" }
            return text
        case .lineRestored(let lineRestored): return "restored, reconnection fee \(rials(lineRestored.reconnectionFee))"
        case .lineTerminated(let lineTerminated): return "subscription terminated: \(lineTerminated.reason.rawValue)"
        case .lineRevoked(let lineRevoked): return "revoked: \(lineRevoked.reason)"
        case .expertValuationRecorded(let expertValuationRecorded):
            return "expert valuation \(rials(expertValuationRecorded.amount))"
        case .auctionSold(let auctionSold): return "sold at auction for \(rials(auctionSold.price))"
        case .subscriptionValueSettled(let subscriptionValueSettled):
            return "subscription value settled at \(rials(subscriptionValueSettled.value))"
        case .refundPaid(let refundPaid): return "refund paid \(rials(refundPaid.amount))"
        case .complaintFiled(let complaint):
            var text =
                "complaint \(complaint.complaintID) about \(complaint.about.rawValue), by \(complaint.channel.rawValue)"
            if let position = complaint.position { text += ", of the event at #\(position)" }
            return text
        case .complaintAnswered(let answer):
            return "complaint \(answer.complaintID) answered: \(answer.outcome.rawValue)"
        case .policyEditionAdopted(let adopted):
            return "policy edition \(adopted.editionID ?? "?") adopted (based on \(adopted.basedOn))"
        }
    }
}
