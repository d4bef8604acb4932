public import SubledgerStore

/// One key figure of an event: an amount, an instant or a word, named as in its `data`.
public struct ReplayFigure: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        case amount(Rials)
        case time(Timestamp)
        case text(String)
    }

    public var name: String
    public var value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// The figures that say what the event did (all of its `data` but invoice items).
    public static func figures(of event: LedgerEvent) -> [ReplayFigure] {
        switch event {
        case .subscriberRegistered(let registered):
            return [.init("subscriberId", .text(registered.subscriberID)), .init("kind", .text(registered.kind.rawValue))]
        case .identityVerified(let documents):
            return [.init("documents", .text(documents.joined(separator: ", ")))]
        case .lineActivated(let activated):
            return [.init("subscriberId", .text(activated.subscriberID)), .init("service", .text(activated.service.rawValue)),
                    .init("plan", .text(activated.plan.rawValue)), .init("connectionFee", .amount(activated.connectionFee)),
                    .init("vanityPremium", .amount(activated.vanityPremium))]
        case .depositPaid(let amount), .guaranteePaid(let amount), .depositRefunded(let amount), .guaranteeReleased(let amount),
             .lateFeeCharged(let amount), .expertValuationRecorded(let amount), .refundPaid(let amount):
            return [.init("amount", .amount(amount))]
        case .usageRecorded(let amount, let description):
            return [.init("amount", .amount(amount)), .init("description", .text(description))]
        case .invoiceIssued(let invoice):
            return [.init("invoiceId", .text(invoice.invoiceID)), .init("total", .amount(invoice.total)),
                    .init("periodStart", .time(invoice.periodStart)), .init("periodEnd", .time(invoice.periodEnd)),
                    .init("dueAt", .time(invoice.dueAt))]
        case .paymentReceived(let paymentID, let amount, let method):
            return [.init("paymentId", .text(paymentID)), .init("amount", .amount(amount)), .init("method", .text(method))]
        case .paymentReversed(let paymentID):
            return [.init("paymentId", .text(paymentID))]
        case .noticeSent(let notice):
            var figures: [ReplayFigure] = [.init("noticeId", .text(notice.noticeID)), .init("kind", .text(notice.kind.rawValue)),
                                           .init("channel", .text(notice.channel.rawValue))]
            if let deadline = notice.deadline { figures.append(.init("deadline", .time(deadline))) }
            figures.append(.init("fee", .amount(notice.fee)))
            return figures
        case .noticeDelivered(let noticeID), .noticeDeliveryFailed(let noticeID):
            return [.init("noticeId", .text(noticeID))]
        case .lineSuspended(let suspension):
            var figures: [ReplayFigure] = [.init("direction", .text(suspension.direction.rawValue)),
                                           .init("reason", .text(suspension.reason.rawValue))]
            if let debtLine = suspension.debtLine { figures.append(.init("debtLine", .text(debtLine))) }
            return figures
        case .lineRestored(let fee):
            return [.init("reconnectionFee", .amount(fee))]
        case .lineRevoked(let reason):
            return [.init("reason", .text(reason))]
        case .auctionSold(let price):
            return [.init("price", .amount(price))]
        case .subscriptionValueSettled(let value):
            return [.init("value", .amount(value))]
        }
    }
}

extension LedgerEvent {
    /// A short sentence for people: `usage 245,000 (calls and data)`.
    public func summary(_ format: DisplayFormat) -> String {
        let rials = DisplayFormat.rials
        switch self {
        case .subscriberRegistered(let registered):
            return "subscriber \(registered.subscriberID) registered (\(registered.kind.rawValue))"
        case .identityVerified(let documents):
            return "identity verified: \(documents.joined(separator: ", "))"
        case .lineActivated(let activated):
            var text = "\(activated.service.rawValue) line on the \(activated.plan.rawValue) plan for \(activated.subscriberID)"
            text += ", connection fee \(rials(activated.connectionFee))"
            if activated.vanityPremium > 0 { text += ", vanity premium \(rials(activated.vanityPremium))" }
            return text
        case .depositPaid(let amount): return "deposit paid \(rials(amount))"
        case .guaranteePaid(let amount): return "guarantee paid \(rials(amount))"
        case .depositRefunded(let amount): return "deposit refunded \(rials(amount))"
        case .guaranteeReleased(let amount): return "guarantee released \(rials(amount))"
        case .usageRecorded(let amount, let description): return "usage \(rials(amount)) (\(description))"
        case .invoiceIssued(let invoice):
            return "invoice \(invoice.invoiceID): \(rials(invoice.total)) in \(invoice.items.count) item(s), due \(format.time(invoice.dueAt))"
        case .paymentReceived(let paymentID, let amount, let method):
            return "payment \(paymentID): \(rials(amount)) by \(method)"
        case .paymentReversed(let paymentID): return "payment \(paymentID) reversed"
        case .noticeSent(let notice):
            var text = "notice \(notice.noticeID): \(notice.kind.rawValue) by \(notice.channel.rawValue)"
            if let deadline = notice.deadline { text += ", deadline \(format.time(deadline))" }
            return text + (notice.fee == 0 ? ", free" : ", fee \(rials(notice.fee))")
        case .noticeDelivered(let noticeID): return "notice \(noticeID) delivered"
        case .noticeDeliveryFailed(let noticeID): return "notice \(noticeID) FAILED to arrive"
        case .lateFeeCharged(let amount): return "late fee charged \(rials(amount))"
        case .lineSuspended(let suspension):
            var text = "cut \(suspension.direction.rawValue) for \(suspension.reason.rawValue)"
            if let debtLine = suspension.debtLine { text += ", citing the debt of \(debtLine)" }
            return text
        case .lineRestored(let fee): return "restored, reconnection fee \(rials(fee))"
        case .lineRevoked(let reason): return "revoked: \(reason)"
        case .expertValuationRecorded(let amount): return "expert valuation \(rials(amount))"
        case .auctionSold(let price): return "sold at auction for \(rials(price))"
        case .subscriptionValueSettled(let value): return "subscription value settled at \(rials(value))"
        case .refundPaid(let amount): return "refund paid \(rials(amount))"
        }
    }
}
