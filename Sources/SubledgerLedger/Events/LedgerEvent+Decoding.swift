public import SubledgerStore

extension LedgerEvent {
    /// Decodes the `data` of an event of `type`, refusing what cannot be a fact: missing or
    /// ill-typed fields, negative amounts, zero where zero means nothing happened, unknown
    /// fields. Rule-breaking facts are decoded: the audit judges them.
    /// - Parameters:
    ///   - type: the event's type.
    ///   - data: its `data` object.
    /// - Throws: ``FactError`` naming the field under `data` (`data.items[1].amount`) and why it
    ///   cannot be a fact.
    public init(type: EventType, data: JSONObject) throws(FactError) {
        var reader = FieldReader(data, path: "data")
        self = try Self.decode(type, &reader)
        try reader.checkNoOtherFields()
    }

    private static func decode(_ type: EventType, _ reader: inout FieldReader) throws(FactError) -> LedgerEvent {
        switch type {
        case .subscriberRegistered:
            return .subscriberRegistered(
                SubscriberRegistered(
                    subscriberID: try reader.identifier("subscriberId"),
                    kind: try reader.choice("kind", SubscriberRegistered.Kind.self),
                    governmental: try reader.bool("governmental"), name: try reader.personal("name"),
                    nationalID: try reader.personal("nationalId", maximumBytes: FactLimits.codeMaximumBytes)
                ))
        case .personalDataErased:
            let subscriberID = try reader.identifier("subscriberId")
            var fields: [String] = []
            for (index, element) in try reader.array("fields", maximumCount: SubscriberRegistered.personalFields.count)
                .enumerated()
            {
                guard case .string(let field) = element, SubscriberRegistered.personalFields.contains(field) else {
                    throw FactError(
                        field: "data.fields[\(index)]",
                        reason: "must be one of \(SubscriberRegistered.personalFields.joined(separator: ", "))")
                }
                fields.append(field)
            }
            return .personalDataErased(PersonalDataErased(subscriberID: subscriberID, fields: fields))
        case .identityVerified:
            var documents: [String] = []
            for (index, element) in try reader.array("documents", maximumCount: FactLimits.documentsMaximumCount)
                .enumerated()
            {
                guard case .string(let document) = element else {
                    throw FactError(field: "data.documents[\(index)]", reason: "must be a string")
                }
                try FactCheck.text(document, field: "data.documents[\(index)]")
                documents.append(document)
            }
            return .identityVerified(IdentityVerified(documents: documents))
        case .lineActivated:
            return .lineActivated(
                LineActivated(
                    subscriberID: try reader.identifier("subscriberId"),
                    service: try reader.choice("service", Service.self),
                    plan: try reader.choice("plan", Plan.self),
                    connectionFee: try reader.amount("connectionFee", positive: false),
                    vanityPremium: try reader.amount("vanityPremium", positive: false),
                    noticeChannel: try reader.optionalChoice("noticeChannel", NoticeSent.Channel.self),
                    region: try reader.optionalCode("region")
                ))
        case .depositPaid: return .depositPaid(DepositPaid(amount: try reader.amount("amount", positive: true)))
        case .guaranteePaid: return .guaranteePaid(GuaranteePaid(amount: try reader.amount("amount", positive: true)))
        case .depositRefunded:
            return .depositRefunded(DepositRefunded(amount: try reader.amount("amount", positive: true)))
        case .guaranteeReleased:
            return .guaranteeReleased(GuaranteeReleased(amount: try reader.amount("amount", positive: true)))
        case .usageRecorded:
            return .usageRecorded(
                UsageRecorded(
                    amount: try reader.amount("amount", positive: true), description: try reader.string("description")))
        case .invoiceIssued: return .invoiceIssued(try decodeInvoice(&reader))
        case .paymentReceived:
            return .paymentReceived(
                PaymentReceived(
                    paymentID: try reader.identifier("paymentId"), amount: try reader.amount("amount", positive: true),
                    method: try reader.string("method", maximumBytes: FactLimits.codeMaximumBytes)))
        case .paymentReversed: return .paymentReversed(PaymentReversed(paymentID: try reader.identifier("paymentId")))
        case .noticeSent:
            return .noticeSent(
                NoticeSent(
                    noticeID: try reader.identifier("noticeId"), kind: try reader.choice("kind", NoticeSent.Kind.self),
                    channel: try reader.choice("channel", NoticeSent.Channel.self),
                    deadline: try reader.optionalTime("deadline"),
                    fee: try reader.amount("fee", positive: false)
                ))
        case .noticeDelivered: return .noticeDelivered(NoticeDelivered(noticeID: try reader.identifier("noticeId")))
        case .noticeDeliveryFailed:
            return .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: try reader.identifier("noticeId")))
        case .lateFeeCharged:
            return .lateFeeCharged(LateFeeCharged(amount: try reader.amount("amount", positive: true)))
        case .lineSuspended:
            let direction = try reader.choice("direction", LineSuspended.Direction.self)
            let reason = try reader.choice("reason", LineSuspended.Reason.self)
            let debtLine = try reader.optionalIdentifier("debtLine")
            try FactCheck.debtLine(debtLine, reason: reason)
            var blocksEmergencyCalls = false
            if reader.object["blocksEmergencyCalls"] != nil {
                blocksEmergencyCalls = try reader.bool("blocksEmergencyCalls")
            }
            return .lineSuspended(
                LineSuspended(
                    direction: direction, reason: reason, debtLine: debtLine,
                    blocksEmergencyCalls: blocksEmergencyCalls,
                    orderedBy: try reader.optionalText("orderedBy"),
                    reference: try reader.optionalIdentifier("reference")))
        case .lineRestored:
            return .lineRestored(LineRestored(reconnectionFee: try reader.amount("reconnectionFee", positive: false)))
        case .lineTerminated:
            return .lineTerminated(LineTerminated(reason: try reader.choice("reason", LineTerminated.Reason.self)))
        case .lineRevoked: return .lineRevoked(LineRevoked(reason: try reader.string("reason")))
        case .expertValuationRecorded:
            return .expertValuationRecorded(
                ExpertValuationRecorded(amount: try reader.amount("amount", positive: true)))
        case .auctionSold: return .auctionSold(AuctionSold(price: try reader.amount("price", positive: true)))
        case .subscriptionValueSettled:
            return .subscriptionValueSettled(
                SubscriptionValueSettled(value: try reader.amount("value", positive: false)))
        case .refundPaid: return .refundPaid(RefundPaid(amount: try reader.amount("amount", positive: true)))
        case .complaintFiled:
            return .complaintFiled(
                ComplaintFiled(
                    complaintID: try reader.identifier("complaintId"),
                    about: try reader.choice("about", ComplaintFiled.About.self),
                    channel: try reader.choice("channel", NoticeSent.Channel.self),
                    position: try reader.optionalPosition("position")
                ))
        case .complaintAnswered:
            return .complaintAnswered(
                ComplaintAnswered(
                    complaintID: try reader.identifier("complaintId"),
                    outcome: try reader.choice("outcome", ComplaintAnswered.Outcome.self)))
        case .policyEditionAdopted:
            let value = try reader.value("edition")
            guard case .object(let edition) = value else {
                throw reader.failure("edition", "must be an object (an edition file), not \(value.typeName)")
            }
            let adopted = PolicyEditionAdopted(edition: edition)
            try adopted.checkContent()
            return .policyEditionAdopted(adopted)
        }
    }

    private static func decodeInvoice(_ reader: inout FieldReader) throws(FactError) -> InvoiceIssued {
        let invoiceID = try reader.identifier("invoiceId")
        let periodStart = try reader.time("periodStart")
        let periodEnd = try reader.time("periodEnd")
        try FactCheck.period(start: periodStart, end: periodEnd)
        var items: [InvoiceIssued.Item] = []
        for (index, element) in try reader.array("items").enumerated() {
            guard case .object(let object) = element else {
                throw FactError(field: "data.items[\(index)]", reason: "must be an object")
            }
            var itemReader = FieldReader(object, path: "data.items[\(index)]")
            items.append(
                InvoiceIssued.Item(
                    description: try itemReader.string("description"),
                    amount: try itemReader.amount("amount", positive: false)))
            try itemReader.checkNoOtherFields()
        }
        return InvoiceIssued(
            invoiceID: invoiceID, periodStart: periodStart, periodEnd: periodEnd, items: items,
            total: try reader.amount("total", positive: false), dueAt: try reader.time("dueAt"))
    }
}
