public import SubledgerStore

// The payloads of the events that carry few fields: every case of `LedgerEvent` takes one
// struct, so a fact is written one way and a field added later breaks no caller's pattern.

/// `IdentityVerified` (KYC-1): the documents that verified the subscriber.
public struct IdentityVerified: Hashable, Sendable {
    /// The documents seen, as the operator names them (at most ``FactLimits/documentsMaximumCount``).
    public var documents: [String]

    /// - Parameter documents: the documents that verified the subscriber.
    public init(documents: [String]) {
        self.documents = documents
    }
}

/// `DepositPaid` (PLAN-1, PLAN-4).
public struct DepositPaid: Hashable, Sendable {
    /// The deposit paid, in rials; more than 0 when decoded.
    public var amount: Rials

    /// - Parameter amount: the deposit paid, in rials.
    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `GuaranteePaid` (PLAN-1, PLAN-4).
public struct GuaranteePaid: Hashable, Sendable {
    /// The guarantee paid, in rials; more than 0 when decoded.
    public var amount: Rials

    /// - Parameter amount: the guarantee paid, in rials.
    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `DepositRefunded`.
public struct DepositRefunded: Hashable, Sendable {
    /// The deposit refunded, in rials; more than 0 when decoded.
    public var amount: Rials

    /// - Parameter amount: the deposit refunded, in rials.
    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `GuaranteeReleased`.
public struct GuaranteeReleased: Hashable, Sendable {
    /// The guarantee released, in rials; more than 0 when decoded.
    public var amount: Rials

    /// - Parameter amount: the guarantee released, in rials.
    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `UsageRecorded` (THR-2).
public struct UsageRecorded: Hashable, Sendable {
    /// The usage charged, in rials; more than 0 when decoded: it adds to the line's debt (THR-2).
    public var amount: Rials
    /// What the usage was.
    public var description: String

    /// - Parameters:
    ///   - amount: the usage charged, in rials.
    ///   - description: what the usage was.
    public init(amount: Rials, description: String) {
        self.amount = amount
        self.description = description
    }
}

/// `PaymentReceived` (PLAN-4).
public struct PaymentReceived: Hashable, Sendable {
    /// The payment's id, which a `PaymentReversed` names.
    public var paymentID: String
    /// The amount paid, in rials; more than 0 when decoded.
    public var amount: Rials
    /// How it was paid (`card`, `cash`, ...), as given.
    public var method: String

    /// - Parameters:
    ///   - paymentID: the payment's id.
    ///   - amount: the amount paid, in rials.
    ///   - method: how it was paid.
    public init(paymentID: String, amount: Rials, method: String) {
        self.paymentID = paymentID
        self.amount = amount
        self.method = method
    }
}

/// `PaymentReversed`: the payment with this id is taken back.
public struct PaymentReversed: Hashable, Sendable {
    /// The id of the payment taken back.
    public var paymentID: String

    /// - Parameter paymentID: the id of the payment taken back.
    public init(paymentID: String) {
        self.paymentID = paymentID
    }
}

/// `NoticeDelivered` (DLV-1).
public struct NoticeDelivered: Hashable, Sendable {
    /// The id of the notice delivered.
    public var noticeID: String

    /// - Parameter noticeID: the id of the notice delivered.
    public init(noticeID: String) {
        self.noticeID = noticeID
    }
}

/// `NoticeDeliveryFailed` (DLV-1).
public struct NoticeDeliveryFailed: Hashable, Sendable {
    /// The id of the notice that failed to arrive.
    public var noticeID: String

    /// - Parameter noticeID: the id of the notice that failed to arrive.
    public init(noticeID: String) {
        self.noticeID = noticeID
    }
}

/// `LateFeeCharged`: recordable for the audit; GEN-2 forbids it.
public struct LateFeeCharged: Hashable, Sendable {
    /// The fee charged, in rials; more than 0 when decoded.
    public var amount: Rials

    /// - Parameter amount: the fee charged, in rials.
    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `LineRestored` (GEN-3).
public struct LineRestored: Hashable, Sendable {
    /// The fee charged to reconnect, in rials; 0 or more when decoded (GEN-3 judges it).
    public var reconnectionFee: Rials

    /// - Parameter reconnectionFee: the fee charged to reconnect, in rials.
    public init(reconnectionFee: Rials) {
        self.reconnectionFee = reconnectionFee
    }
}

/// `LineTerminated` (RET-1): the subscription ends, at the subscriber's request, by
/// non-renewal or otherwise; the line takes no more service, and the retention of the
/// subscriber's personal data counts from it.
public struct LineTerminated: Hashable, Sendable {
    /// Why the subscription ended.
    public enum Reason: String, Hashable, Sendable, CaseIterable { case subscriberRequest, nonRenewal, other }

    /// Why the subscription ended.
    public var reason: Reason

    /// - Parameter reason: why the subscription ended.
    public init(reason: Reason) {
        self.reason = reason
    }
}

/// `LineRevoked` (OVD-3, LEG-1).
public struct LineRevoked: Hashable, Sendable {
    /// Why the line was revoked, as the operator writes it.
    public var reason: String

    /// - Parameter reason: why the line was revoked.
    public init(reason: String) {
        self.reason = reason
    }
}

/// `ExpertValuationRecorded` (VAN-2).
public struct ExpertValuationRecorded: Hashable, Sendable {
    /// The expert's valuation of the number, in rials; more than 0 when decoded.
    public var amount: Rials

    /// - Parameter amount: the expert's valuation, in rials.
    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `AuctionSold` (VAN-2, VAN-3).
public struct AuctionSold: Hashable, Sendable {
    /// The price the number sold for at auction, in rials; more than 0 when decoded.
    public var price: Rials

    /// - Parameter price: the price the number sold for, in rials.
    public init(price: Rials) {
        self.price = price
    }
}

/// `SubscriptionValueSettled` (LEG-2).
public struct SubscriptionValueSettled: Hashable, Sendable {
    /// The subscription's value, in rials, netted against the debt (LEG-2); 0 or more when decoded.
    public var value: Rials

    /// - Parameter value: the subscription's value, in rials.
    public init(value: Rials) {
        self.value = value
    }
}

/// `RefundPaid` (VAN-3, LEG-2).
public struct RefundPaid: Hashable, Sendable {
    /// The amount refunded to the subscriber, in rials; more than 0 when decoded.
    public var amount: Rials

    /// - Parameter amount: the amount refunded, in rials.
    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `ComplaintFiled` (CMP-1): the subscriber's complaint or objection about the line, with
/// its time (the event's `occurredAt`); `position`, when given, names the event complained
/// of: an event of the same line recorded before the complaint.
public struct ComplaintFiled: Hashable, Sendable {
    /// What the complaint is about.
    public enum About: String, Hashable, Sendable, CaseIterable { case cut, invoice, notice, charge, other }

    /// The complaint's id, which its `ComplaintAnswered` names.
    public var complaintID: String
    /// What the complaint is about.
    public var about: About
    /// The channel by which the complaint came in.
    public var channel: NoticeSent.Channel
    /// The position of the event complained of, if the complaint names one.
    public var position: UInt64?

    /// - Parameters:
    ///   - complaintID: the complaint's id.
    ///   - about: what the complaint is about.
    ///   - channel: the channel by which the complaint came in.
    ///   - position: the position of the event complained of; `nil` if the complaint names none.
    public init(complaintID: String, about: About, channel: NoticeSent.Channel, position: UInt64? = nil) {
        self.complaintID = complaintID
        self.about = about
        self.channel = channel
        self.position = position
    }
}

/// `ComplaintAnswered` (CMP-1): the operator's answer to a complaint of the line, with its
/// time (the event's `occurredAt`).
public struct ComplaintAnswered: Hashable, Sendable {
    /// The answer: the complaint upheld, rejected, or upheld in part.
    public enum Outcome: String, Hashable, Sendable, CaseIterable { case upheld, rejected, partial }

    /// The id of the complaint answered.
    public var complaintID: String
    /// The answer.
    public var outcome: Outcome

    /// - Parameters:
    ///   - complaintID: the id of the complaint answered.
    ///   - outcome: the answer.
    public init(complaintID: String, outcome: Outcome) {
        self.complaintID = complaintID
        self.outcome = outcome
    }
}
