public import SubledgerStore

/// Every fact of the ledger, typed: the event catalog of interchange.md.
///
/// Facts that break rules are valid events (a late fee, a cut without notice): the audit
/// finds them. Only input that cannot be a fact is refused when decoding.
public enum LedgerEvent: Hashable, Sendable {
    // Subscriber stream
    case subscriberRegistered(SubscriberRegistered)
    case identityVerified(IdentityVerified)
    case personalDataErased(PersonalDataErased)
    // Line stream
    case lineActivated(LineActivated)
    case depositPaid(DepositPaid)
    case guaranteePaid(GuaranteePaid)
    case depositRefunded(DepositRefunded)
    case guaranteeReleased(GuaranteeReleased)
    case usageRecorded(UsageRecorded)
    case invoiceIssued(InvoiceIssued)
    case paymentReceived(PaymentReceived)
    case paymentReversed(PaymentReversed)
    case noticeSent(NoticeSent)
    case noticeDelivered(NoticeDelivered)
    case noticeDeliveryFailed(NoticeDeliveryFailed)
    case lateFeeCharged(LateFeeCharged)
    case lineSuspended(LineSuspended)
    case lineRestored(LineRestored)
    case lineTerminated(LineTerminated)
    case lineRevoked(LineRevoked)
    case expertValuationRecorded(ExpertValuationRecorded)
    case auctionSold(AuctionSold)
    case subscriptionValueSettled(SubscriptionValueSettled)
    case refundPaid(RefundPaid)
    case complaintFiled(ComplaintFiled)
    case complaintAnswered(ComplaintAnswered)
    // Policy stream
    case policyEditionAdopted(PolicyEditionAdopted)

    /// The `type` of the interchange format.
    public var type: EventType {
        switch self {
        case .subscriberRegistered: .subscriberRegistered
        case .identityVerified: .identityVerified
        case .personalDataErased: .personalDataErased
        case .lineActivated: .lineActivated
        case .depositPaid: .depositPaid
        case .guaranteePaid: .guaranteePaid
        case .depositRefunded: .depositRefunded
        case .guaranteeReleased: .guaranteeReleased
        case .usageRecorded: .usageRecorded
        case .invoiceIssued: .invoiceIssued
        case .paymentReceived: .paymentReceived
        case .paymentReversed: .paymentReversed
        case .noticeSent: .noticeSent
        case .noticeDelivered: .noticeDelivered
        case .noticeDeliveryFailed: .noticeDeliveryFailed
        case .lateFeeCharged: .lateFeeCharged
        case .lineSuspended: .lineSuspended
        case .lineRestored: .lineRestored
        case .lineTerminated: .lineTerminated
        case .lineRevoked: .lineRevoked
        case .expertValuationRecorded: .expertValuationRecorded
        case .auctionSold: .auctionSold
        case .subscriptionValueSettled: .subscriptionValueSettled
        case .refundPaid: .refundPaid
        case .complaintFiled: .complaintFiled
        case .complaintAnswered: .complaintAnswered
        case .policyEditionAdopted: .policyEditionAdopted
        }
    }
}

/// The event types of the catalog, spelled as in interchange.md.
public enum EventType: String, CaseIterable, Hashable, Sendable {
    case subscriberRegistered = "SubscriberRegistered"
    case identityVerified = "IdentityVerified"
    case personalDataErased = "PersonalDataErased"
    case lineActivated = "LineActivated"
    case depositPaid = "DepositPaid"
    case guaranteePaid = "GuaranteePaid"
    case depositRefunded = "DepositRefunded"
    case guaranteeReleased = "GuaranteeReleased"
    case usageRecorded = "UsageRecorded"
    case invoiceIssued = "InvoiceIssued"
    case paymentReceived = "PaymentReceived"
    case paymentReversed = "PaymentReversed"
    case noticeSent = "NoticeSent"
    case noticeDelivered = "NoticeDelivered"
    case noticeDeliveryFailed = "NoticeDeliveryFailed"
    case lateFeeCharged = "LateFeeCharged"
    case lineSuspended = "LineSuspended"
    case lineRestored = "LineRestored"
    case lineTerminated = "LineTerminated"
    case lineRevoked = "LineRevoked"
    case expertValuationRecorded = "ExpertValuationRecorded"
    case auctionSold = "AuctionSold"
    case subscriptionValueSettled = "SubscriptionValueSettled"
    case refundPaid = "RefundPaid"
    case complaintFiled = "ComplaintFiled"
    case complaintAnswered = "ComplaintAnswered"
    case policyEditionAdopted = "PolicyEditionAdopted"

    /// Whether the event belongs to a subscriber's stream (otherwise a line's).
    public var isSubscriberEvent: Bool {
        self == .subscriberRegistered || self == .identityVerified || self == .personalDataErased
    }

    /// Whether the event belongs to the policy stream (POL-3).
    public var isPolicyEvent: Bool { self == .policyEditionAdopted }

    /// Whether the operator does it, so that the rules judge it (the rest are facts of
    /// the subscriber, the network or the post).
    public var isOperatorAction: Bool {
        switch self {
        case .lineActivated, .invoiceIssued, .noticeSent, .lateFeeCharged, .lineSuspended, .lineRestored, .lineRevoked,
            .expertValuationRecorded, .auctionSold, .subscriptionValueSettled, .refundPaid,
            .depositRefunded, .guaranteeReleased, .complaintAnswered:
            true
        default:
            false
        }
    }
}

/// `SubscriberRegistered` (PLAN-2, KYC-1).
public struct SubscriberRegistered: Hashable, Sendable {
    /// Whether the subscriber is a person or a company (a legal entity).
    public enum Kind: String, Hashable, Sendable, CaseIterable { case individual, legalEntity }
    /// The subscriber's id, the id of their stream.
    public var subscriberID: String
    /// A person or a legal entity (LEG-1 holds for the mobile lines of a non-governmental legal entity).
    public var kind: Kind
    /// Whether the subscriber is a governmental body.
    public var governmental: Bool
    /// Personal data (RET-1): clear as given, a commitment once recorded.
    public var name: PersonalValue
    /// Personal data (RET-1): clear as given, a commitment once recorded.
    public var nationalID: PersonalValue

    /// The members of `data` that are personal data, sealed by the store.
    public static let personalFields = ["name", "nationalId"]

    /// A registration as input gives it: the name and national id in clear.
    /// - Parameters:
    ///   - subscriberID: the subscriber's id.
    ///   - kind: a person or a legal entity.
    ///   - governmental: whether the subscriber is a governmental body.
    ///   - name: the name, in clear (sealed by the store when recorded, RET-1).
    ///   - nationalID: the national id (for a company its registration), in clear.
    public init(subscriberID: String, kind: Kind, governmental: Bool, name: String, nationalID: String) {
        self.init(
            subscriberID: subscriberID, kind: kind, governmental: governmental, name: .clear(name),
            nationalID: .clear(nationalID))
    }

    /// A registration with its personal fields as given: in clear, or as commitments (a recorded
    /// or imported registration, RET-1).
    /// - Parameters:
    ///   - subscriberID: the subscriber's id.
    ///   - kind: a person or a legal entity.
    ///   - governmental: whether the subscriber is a governmental body.
    ///   - name: the name, in clear or as its commitment.
    ///   - nationalID: the national id, in clear or as its commitment.
    public init(subscriberID: String, kind: Kind, governmental: Bool, name: PersonalValue, nationalID: PersonalValue) {
        self.subscriberID = subscriberID
        self.kind = kind
        self.governmental = governmental
        self.name = name
        self.nationalID = nationalID
    }
}

/// `PersonalDataErased` (RET-1): the subscriber's personal fields were made unreadable
/// (their key destroyed); the events that carried them keep their commitments.
public struct PersonalDataErased: Hashable, Sendable {
    /// The subscriber whose personal data was erased.
    public var subscriberID: String
    /// The personal members erased, such as `["name", "nationalId"]`.
    public var fields: [String]

    /// - Parameters:
    ///   - subscriberID: the subscriber whose personal data was erased.
    ///   - fields: the personal members erased; by default all of ``SubscriberRegistered/personalFields``.
    public init(subscriberID: String, fields: [String] = SubscriberRegistered.personalFields) {
        self.subscriberID = subscriberID
        self.fields = fields
    }
}

/// `LineActivated` (PLAN-1, PLAN-2, PLAN-3).
public struct LineActivated: Hashable, Sendable {
    /// The subscriber who holds the line.
    public var subscriberID: String
    /// Mobile or fixed, which sets a no-deposit line's threshold (THR-1).
    public var service: Service
    /// The plan: no deposit, deposit or guarantee (PLAN-1).
    public var plan: Plan
    /// The connection fee, in rials; 0 or more when decoded.
    public var connectionFee: Rials
    /// The premium paid at auction for a vanity number (PLAN-3); 0 if none.
    public var vanityPremium: Rials
    /// The channel the subscriber chose for notices of their debt (PLAN-5, BIL-4), as given;
    /// `nil` when the activation names none: the default, `sms` (``chosenNoticeChannel``).
    /// Encoded only when present, so an activation recorded before the field hashes the same.
    public var noticeChannel: NoticeSent.Channel?
    /// The line's region (`tehran`, `village`, ...), whose threshold an edition may set
    /// apart (POL-3, THR-1); `nil` when none is recorded. Written only when present.
    public var region: String?

    /// - Parameters:
    ///   - subscriberID: the subscriber who holds the line.
    ///   - service: mobile or fixed.
    ///   - plan: no deposit, deposit or guarantee.
    ///   - connectionFee: the connection fee, in rials.
    ///   - vanityPremium: the premium paid at auction for a vanity number, in rials; 0 if none.
    ///   - noticeChannel: the channel chosen for notices; `nil` for the default, `sms`.
    ///   - region: the line's region; `nil` when none is recorded.
    public init(
        subscriberID: String, service: Service, plan: Plan, connectionFee: Rials, vanityPremium: Rials,
        noticeChannel: NoticeSent.Channel? = nil, region: String? = nil
    ) {
        self.subscriberID = subscriberID
        self.service = service
        self.plan = plan
        self.connectionFee = connectionFee
        self.vanityPremium = vanityPremium
        self.noticeChannel = noticeChannel
        self.region = region
    }

    /// The channel chosen for notices (PLAN-5): the one given, `sms` by default.
    public var chosenNoticeChannel: NoticeSent.Channel { noticeChannel ?? .sms }
}

/// `InvoiceIssued` (BIL-1, BIL-2, BIL-3).
public struct InvoiceIssued: Hashable, Sendable {
    /// One line of an invoice: what is charged and how much.
    public struct Item: Hashable, Sendable {
        /// What the item charges for.
        public var description: String
        /// The item's amount, in rials; 0 or more when decoded.
        public var amount: Rials
        /// - Parameters:
        ///   - description: what the item charges for.
        ///   - amount: the item's amount, in rials.
        public init(description: String, amount: Rials) {
            self.description = description
            self.amount = amount
        }
    }

    /// The invoice's id, unique on the line.
    public var invoiceID: String
    /// The start of the billed period.
    public var periodStart: Timestamp
    /// The end of the billed period.
    public var periodEnd: Timestamp
    /// The items charged.
    public var items: [Item]
    /// The amount due, in rials; 0 or more when decoded.
    public var total: Rials
    /// When the invoice falls due; the overdue ladder counts from it (OVD-1, OVD-2).
    public var dueAt: Timestamp

    /// - Parameters:
    ///   - invoiceID: the invoice's id.
    ///   - periodStart: the start of the billed period.
    ///   - periodEnd: the end of the billed period.
    ///   - items: the items charged.
    ///   - total: the amount due, in rials.
    ///   - dueAt: when the invoice falls due.
    public init(
        invoiceID: String, periodStart: Timestamp, periodEnd: Timestamp, items: [Item], total: Rials, dueAt: Timestamp
    ) {
        self.invoiceID = invoiceID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.items = items
        self.total = total
        self.dueAt = dueAt
    }
}

/// `NoticeSent` (NTC-1, GEN-5, OVD-3, DLV-1).
public struct NoticeSent: Hashable, Sendable {
    /// What the notice is about: the threshold (NTC-1), an invoice, the overdue ladder (OVD-3), a cut, a
    /// revocation, the credit status.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case thresholdWarning, thresholdReached, invoice, overdue, oneWayCut, twoWayCut, writtenWarning, revocation,
            creditStatus, other

        /// A notice of the threshold (NTC-1), which a threshold cut needs (CUT-1).
        public var isThresholdNotice: Bool { self == .thresholdWarning || self == .thresholdReached }
    }

    /// The channel a notice (or a complaint) goes by.
    public enum Channel: String, Hashable, Sendable, CaseIterable { case sms, call, letter, email, app }

    /// The notice's id, which `NoticeDelivered` and `NoticeDeliveryFailed` name (DLV-1).
    public var noticeID: String
    /// What the notice is about.
    public var kind: Kind
    /// The channel it was sent by.
    public var channel: Channel
    /// The deadline written in the notice, if any.
    public var deadline: Timestamp?
    /// The fee charged for the notice, in rials; 0 or more when decoded (GEN-5 judges it).
    public var fee: Rials

    /// - Parameters:
    ///   - noticeID: the notice's id.
    ///   - kind: what the notice is about.
    ///   - channel: the channel it was sent by.
    ///   - deadline: the deadline written in the notice; `nil` if none.
    ///   - fee: the fee charged for the notice, in rials.
    public init(noticeID: String, kind: Kind, channel: Channel, deadline: Timestamp?, fee: Rials) {
        self.noticeID = noticeID
        self.kind = kind
        self.channel = channel
        self.deadline = deadline
        self.fee = fee
    }
}

/// `LineSuspended` (CUT-2, OVD-1, OVD-2, SUS-1, GEN-1).
public struct LineSuspended: Hashable, Sendable {
    /// A one-way cut (outgoing calls and messages barred, OVD-1) or a two-way cut (nothing in or out, OVD-2).
    public enum Direction: String, Hashable, Sendable, CaseIterable { case oneWay, twoWay }
    /// Why the line was suspended; only `threshold` and `overdue` are for debt (``isForDebt``).
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        case threshold, overdue, kyc, fraud, legalOrder, subscriberRequest, other
        /// A licensing dispute (SUS-1, second reading; added last, not reordered).
        case licensing

        /// A suspension for debt, which must name the debt of the same line (SUS-1, GEN-1).
        public var isForDebt: Bool { self == .threshold || self == .overdue }
    }

    /// One-way or two-way.
    public var direction: Direction
    /// Why the line was suspended.
    public var reason: Reason
    /// The line whose debt is cited, for debt reasons.
    public var debtLine: String?
    /// Whether the cut also bars voice calls to national emergency codes, as the network
    /// reports it (an optional field subledger adds; absent means no). OVD-4 forbids it.
    public var blocksEmergencyCalls: Bool
    /// Who ordered the suspension (a court, a regulator), for a `legalOrder` (SUS-1);
    /// optional, written only when present. A legal order without it is a SUS-1 warning.
    public var orderedBy: String?
    /// The order's reference (its number), for a `legalOrder` (SUS-1); optional, written
    /// only when present. A legal order without it is a SUS-1 warning.
    public var reference: String?

    /// - Parameters:
    ///   - direction: one-way or two-way.
    ///   - reason: why the line was suspended.
    ///   - debtLine: the line whose debt is cited, for debt reasons; `nil` otherwise.
    ///   - blocksEmergencyCalls: whether the cut also bars calls to emergency codes (OVD-4 forbids it).
    ///   - orderedBy: who ordered a `legalOrder` suspension; `nil` if not given.
    ///   - reference: the order's reference; `nil` if not given.
    public init(
        direction: Direction, reason: Reason, debtLine: String?, blocksEmergencyCalls: Bool = false,
        orderedBy: String? = nil, reference: String? = nil
    ) {
        self.direction = direction
        self.reason = reason
        self.debtLine = debtLine
        self.blocksEmergencyCalls = blocksEmergencyCalls
        self.orderedBy = orderedBy
        self.reference = reference
    }
}
