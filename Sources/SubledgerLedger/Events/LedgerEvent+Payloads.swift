public import SubledgerStore

// The payloads of the events that carry few fields: every case of `LedgerEvent` takes one
// struct, so a fact is written one way and a field added later breaks no caller's pattern.

/// `IdentityVerified` (KYC-1): the documents that verified the subscriber.
public struct IdentityVerified: Hashable, Sendable {
    public var documents: [String]

    public init(documents: [String]) {
        self.documents = documents
    }
}

/// `DepositPaid` (PLAN-1, PLAN-4).
public struct DepositPaid: Hashable, Sendable {
    public var amount: Rials

    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `GuaranteePaid` (PLAN-1, PLAN-4).
public struct GuaranteePaid: Hashable, Sendable {
    public var amount: Rials

    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `DepositRefunded`.
public struct DepositRefunded: Hashable, Sendable {
    public var amount: Rials

    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `GuaranteeReleased`.
public struct GuaranteeReleased: Hashable, Sendable {
    public var amount: Rials

    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `UsageRecorded` (THR-2).
public struct UsageRecorded: Hashable, Sendable {
    public var amount: Rials
    public var description: String

    public init(amount: Rials, description: String) {
        self.amount = amount
        self.description = description
    }
}

/// `PaymentReceived` (PLAN-4).
public struct PaymentReceived: Hashable, Sendable {
    public var paymentID: String
    public var amount: Rials
    public var method: String

    public init(paymentID: String, amount: Rials, method: String) {
        self.paymentID = paymentID
        self.amount = amount
        self.method = method
    }
}

/// `PaymentReversed`: the payment with this id is taken back.
public struct PaymentReversed: Hashable, Sendable {
    public var paymentID: String

    public init(paymentID: String) {
        self.paymentID = paymentID
    }
}

/// `NoticeDelivered` (DLV-1).
public struct NoticeDelivered: Hashable, Sendable {
    public var noticeID: String

    public init(noticeID: String) {
        self.noticeID = noticeID
    }
}

/// `NoticeDeliveryFailed` (DLV-1).
public struct NoticeDeliveryFailed: Hashable, Sendable {
    public var noticeID: String

    public init(noticeID: String) {
        self.noticeID = noticeID
    }
}

/// `LateFeeCharged`: recordable for the audit; GEN-2 forbids it.
public struct LateFeeCharged: Hashable, Sendable {
    public var amount: Rials

    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `LineRestored` (GEN-3).
public struct LineRestored: Hashable, Sendable {
    public var reconnectionFee: Rials

    public init(reconnectionFee: Rials) {
        self.reconnectionFee = reconnectionFee
    }
}

/// `LineTerminated` (RET-1): the subscription ends, at the subscriber's request, by
/// non-renewal or otherwise; the line takes no more service, and the retention of the
/// subscriber's personal data counts from it.
public struct LineTerminated: Hashable, Sendable {
    public enum Reason: String, Hashable, Sendable, CaseIterable { case subscriberRequest, nonRenewal, other }

    public var reason: Reason

    public init(reason: Reason) {
        self.reason = reason
    }
}

/// `LineRevoked` (OVD-3, LEG-1).
public struct LineRevoked: Hashable, Sendable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// `ExpertValuationRecorded` (VAN-2).
public struct ExpertValuationRecorded: Hashable, Sendable {
    public var amount: Rials

    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `AuctionSold` (VAN-2, VAN-3).
public struct AuctionSold: Hashable, Sendable {
    public var price: Rials

    public init(price: Rials) {
        self.price = price
    }
}

/// `SubscriptionValueSettled` (LEG-2).
public struct SubscriptionValueSettled: Hashable, Sendable {
    public var value: Rials

    public init(value: Rials) {
        self.value = value
    }
}

/// `RefundPaid` (VAN-3, LEG-2).
public struct RefundPaid: Hashable, Sendable {
    public var amount: Rials

    public init(amount: Rials) {
        self.amount = amount
    }
}

/// `ComplaintFiled` (CMP-1): the subscriber's complaint or objection about the line, with
/// its time (the event's `occurredAt`); `position`, when given, names the event complained
/// of: an event of the same line recorded before the complaint.
public struct ComplaintFiled: Hashable, Sendable {
    public enum About: String, Hashable, Sendable, CaseIterable { case cut, invoice, notice, charge, other }

    public var complaintID: String
    public var about: About
    /// The channel by which the complaint came in.
    public var channel: NoticeSent.Channel
    /// The position of the event complained of, if the complaint names one.
    public var position: UInt64?

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
    public enum Outcome: String, Hashable, Sendable, CaseIterable { case upheld, rejected, partial }

    public var complaintID: String
    public var outcome: Outcome

    public init(complaintID: String, outcome: Outcome) {
        self.complaintID = complaintID
        self.outcome = outcome
    }
}
