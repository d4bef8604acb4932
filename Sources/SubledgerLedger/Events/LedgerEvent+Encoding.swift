public import SubledgerStore

extension LedgerEvent {
    /// The `data` object of the interchange format, field names exactly as written there;
    /// times in the output form `YYYY-MM-DDTHH:MM:SS.sssZ`.
    public var data: JSONObject {
        switch self {
        case .subscriberRegistered(let registered):
            return ["subscriberId": .string(registered.subscriberID), "kind": .string(registered.kind.rawValue),
                    "governmental": .bool(registered.governmental), "name": .string(registered.name),
                    "nationalId": .string(registered.nationalID)]
        case .identityVerified(let documents):
            return ["documents": .array(documents.map { .string($0) })]
        case .lineActivated(let activated):
            return ["subscriberId": .string(activated.subscriberID), "service": .string(activated.service.rawValue),
                    "plan": .string(activated.plan.rawValue), "connectionFee": .integer(activated.connectionFee),
                    "vanityPremium": .integer(activated.vanityPremium)]
        case .depositPaid(let amount), .guaranteePaid(let amount), .depositRefunded(let amount),
             .guaranteeReleased(let amount), .lateFeeCharged(let amount), .expertValuationRecorded(let amount),
             .refundPaid(let amount):
            return ["amount": .integer(amount)]
        case .usageRecorded(let amount, let description):
            return ["amount": .integer(amount), "description": .string(description)]
        case .invoiceIssued(let invoice):
            return ["invoiceId": .string(invoice.invoiceID), "periodStart": .string(invoice.periodStart.rfc3339),
                    "periodEnd": .string(invoice.periodEnd.rfc3339),
                    "items": .array(invoice.items.map { .object(["description": .string($0.description), "amount": .integer($0.amount)]) }),
                    "total": .integer(invoice.total), "dueAt": .string(invoice.dueAt.rfc3339)]
        case .paymentReceived(let paymentID, let amount, let method):
            return ["paymentId": .string(paymentID), "amount": .integer(amount), "method": .string(method)]
        case .paymentReversed(let paymentID):
            return ["paymentId": .string(paymentID)]
        case .noticeSent(let notice):
            var data: JSONObject = ["noticeId": .string(notice.noticeID), "kind": .string(notice.kind.rawValue),
                                    "channel": .string(notice.channel.rawValue), "fee": .integer(notice.fee)]
            if let deadline = notice.deadline { data["deadline"] = .string(deadline.rfc3339) }
            return data
        case .noticeDelivered(let noticeID), .noticeDeliveryFailed(let noticeID):
            return ["noticeId": .string(noticeID)]
        case .lineSuspended(let suspension):
            var data: JSONObject = ["direction": .string(suspension.direction.rawValue), "reason": .string(suspension.reason.rawValue)]
            if let debtLine = suspension.debtLine { data["debtLine"] = .string(debtLine) }
            if suspension.blocksEmergencyCalls { data["blocksEmergencyCalls"] = .bool(true) }
            return data
        case .lineRestored(let reconnectionFee):
            return ["reconnectionFee": .integer(reconnectionFee)]
        case .lineRevoked(let reason):
            return ["reason": .string(reason)]
        case .auctionSold(let price):
            return ["price": .integer(price)]
        case .subscriptionValueSettled(let value):
            return ["value": .integer(value)]
        }
    }
}
