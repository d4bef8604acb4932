public import SubledgerStore

extension LedgerEvent {
    /// The `data` object of the interchange format, field names exactly as written there;
    /// times in the output form `YYYY-MM-DDTHH:MM:SS.sssZ`.
    public var data: JSONObject {
        switch self {
        case .subscriberRegistered(let registered):
            return [
                "subscriberId": .string(registered.subscriberID), "kind": .string(registered.kind.rawValue),
                "governmental": .bool(registered.governmental), "name": registered.name.json,
                "nationalId": registered.nationalID.json,
            ]
        case .personalDataErased(let erased):
            return ["subscriberId": .string(erased.subscriberID), "fields": .array(erased.fields.map { .string($0) })]
        case .identityVerified(let identityVerified):
            return ["documents": .array(identityVerified.documents.map { .string($0) })]
        case .lineActivated(let activated):
            var data: JSONObject = [
                "subscriberId": .string(activated.subscriberID), "service": .string(activated.service.rawValue),
                "plan": .string(activated.plan.rawValue), "connectionFee": .integer(activated.connectionFee),
                "vanityPremium": .integer(activated.vanityPremium),
            ]
            // PLAN-5: only when given, so an activation recorded before the field hashes the same.
            if let channel = activated.noticeChannel { data["noticeChannel"] = .string(channel.rawValue) }
            if let region = activated.region { data["region"] = .string(region) }
            return data
        case .depositPaid(let depositPaid):
            return ["amount": .integer(depositPaid.amount)]
        case .guaranteePaid(let guaranteePaid):
            return ["amount": .integer(guaranteePaid.amount)]
        case .depositRefunded(let depositRefunded):
            return ["amount": .integer(depositRefunded.amount)]
        case .guaranteeReleased(let guaranteeReleased):
            return ["amount": .integer(guaranteeReleased.amount)]
        case .lateFeeCharged(let lateFeeCharged):
            return ["amount": .integer(lateFeeCharged.amount)]
        case .expertValuationRecorded(let expertValuationRecorded):
            return ["amount": .integer(expertValuationRecorded.amount)]
        case .refundPaid(let refundPaid):
            return ["amount": .integer(refundPaid.amount)]
        case .usageRecorded(let usageRecorded):
            return ["amount": .integer(usageRecorded.amount), "description": .string(usageRecorded.description)]
        case .invoiceIssued(let invoice):
            return [
                "invoiceId": .string(invoice.invoiceID), "periodStart": .string(invoice.periodStart.rfc3339),
                "periodEnd": .string(invoice.periodEnd.rfc3339),
                "items": .array(
                    invoice.items.map {
                        .object(["description": .string($0.description), "amount": .integer($0.amount)])
                    }),
                "total": .integer(invoice.total), "dueAt": .string(invoice.dueAt.rfc3339),
            ]
        case .paymentReceived(let paymentReceived):
            return [
                "paymentId": .string(paymentReceived.paymentID), "amount": .integer(paymentReceived.amount),
                "method": .string(paymentReceived.method),
            ]
        case .paymentReversed(let paymentReversed):
            return ["paymentId": .string(paymentReversed.paymentID)]
        case .noticeSent(let notice):
            var data: JSONObject = [
                "noticeId": .string(notice.noticeID), "kind": .string(notice.kind.rawValue),
                "channel": .string(notice.channel.rawValue), "fee": .integer(notice.fee),
            ]
            if let deadline = notice.deadline { data["deadline"] = .string(deadline.rfc3339) }
            return data
        case .noticeDelivered(let noticeDelivered):
            return ["noticeId": .string(noticeDelivered.noticeID)]
        case .noticeDeliveryFailed(let noticeDeliveryFailed):
            return ["noticeId": .string(noticeDeliveryFailed.noticeID)]
        case .lineSuspended(let suspension):
            var data: JSONObject = [
                "direction": .string(suspension.direction.rawValue), "reason": .string(suspension.reason.rawValue),
            ]
            if let debtLine = suspension.debtLine { data["debtLine"] = .string(debtLine) }
            if suspension.blocksEmergencyCalls { data["blocksEmergencyCalls"] = .bool(true) }
            if let orderedBy = suspension.orderedBy { data["orderedBy"] = .string(orderedBy) }
            if let reference = suspension.reference { data["reference"] = .string(reference) }
            return data
        case .lineRestored(let lineRestored):
            return ["reconnectionFee": .integer(lineRestored.reconnectionFee)]
        case .lineTerminated(let lineTerminated):
            return ["reason": .string(lineTerminated.reason.rawValue)]
        case .lineRevoked(let lineRevoked):
            return ["reason": .string(lineRevoked.reason)]
        case .auctionSold(let auctionSold):
            return ["price": .integer(auctionSold.price)]
        case .subscriptionValueSettled(let subscriptionValueSettled):
            return ["value": .integer(subscriptionValueSettled.value)]
        case .complaintFiled(let complaint):
            var data: JSONObject = [
                "complaintId": .string(complaint.complaintID), "about": .string(complaint.about.rawValue),
                "channel": .string(complaint.channel.rawValue),
            ]
            if let position = complaint.position { data["position"] = .integer(Int64(position)) }
            return data
        case .complaintAnswered(let answer):
            return ["complaintId": .string(answer.complaintID), "outcome": .string(answer.outcome.rawValue)]
        case .policyEditionAdopted(let adopted):
            return ["edition": .object(adopted.edition)]
        }
    }
}

extension LedgerEvent {
    /// The members of ``data`` that are personal data (RET-1), sealed by the store.
    public var personalFields: [String] {
        if case .subscriberRegistered = self { return SubscriberRegistered.personalFields }
        return []
    }
}
