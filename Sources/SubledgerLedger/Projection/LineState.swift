public import SubledgerStore

/// Where a line stands in the cut process (interchange.md, "What the figures mean").
public enum LineStatus: String, Hashable, Sendable, CaseIterable {
    case active, oneWay, twoWay, terminated, revoked, sold
}

/// An invoice as the line's history shows it.
public struct InvoiceState: Hashable, Sendable {
    /// The invoice as issued.
    public var invoice: InvoiceIssued
    /// When it was issued (its `occurredAt`; BIL-3's 15 days count from it).
    public var issuedAt: Timestamp
    /// The position of its `InvoiceIssued` in the log.
    public var position: UInt64
}

/// A notice as the line's history shows it: sent, and perhaps delivered or failed (DLV-1).
public struct NoticeState: Hashable, Sendable {
    /// The notice as sent.
    public var notice: NoticeSent
    /// When it was sent (its `occurredAt`).
    public var sentAt: Timestamp
    /// The position of its `NoticeSent` in the log.
    public var position: UInt64
    /// The first delivery receipt (DLV-1's deadline runs from it).
    public var deliveredAt: Timestamp?
    /// The first failure receipt.
    public var failedAt: Timestamp?
    /// Whether the latest receipt, in the order the receipts occurred, is a failure: a
    /// delivery receipt after a failure means the notice arrived (section 9, DLV-1).
    public var lastReceiptFailed = false
    /// The unpaid usage when it was sent, and what was held then: whether a threshold
    /// notice counts depends on them (NTC-2).
    public var debtAtSending: Rials = 0
    /// The deposit held when it was sent, in rials.
    public var depositHeldAtSending: Rials = 0
    /// The guarantee held when it was sent, in rials.
    public var guaranteeHeldAtSending: Rials = 0

    /// A notice known to have failed satisfies no rule that requires notice (DLV-1).
    /// The latest receipt wins (section 9): a failure followed by a delivery is delivered.
    public var isKnownFailed: Bool { lastReceiptFailed }
}

/// A cut of the line (one-way or two-way), for the cut history.
public struct CutRecord: Hashable, Sendable {
    /// The suspension as recorded: its direction, reason and debt line.
    public var suspension: LineSuspended
    /// When the cut occurred.
    public var at: Timestamp
    /// The position of its `LineSuspended` in the log.
    public var position: UInt64
}

/// A complaint of the line (CMP-1): filed, and perhaps answered.
public struct ComplaintState: Hashable, Sendable {
    /// The complaint as filed.
    public var complaint: ComplaintFiled
    /// When it was filed (its `occurredAt`; CMP-1's time to answer counts from it).
    public var filedAt: Timestamp
    /// The position of the `ComplaintFiled` (0 while not recorded yet).
    public var position: UInt64
    /// When it was answered; `nil` while it is open.
    public var answeredAt: Timestamp?
    /// The answer's outcome; `nil` while it is open.
    public var outcome: ComplaintAnswered.Outcome?
    /// The position of the `ComplaintAnswered`, once answered (0 while not recorded yet).
    public var answerPosition: UInt64?

    /// Whether the complaint has an answer.
    public var isAnswered: Bool { answeredAt != nil }
}

/// The debt after a change of it, with what was held then: the history CUT-1 reads to know
/// whether payments brought the debt back below the level that made a notice due.
public struct DebtChange: Hashable, Sendable {
    /// When the debt or what was held changed.
    public var at: Timestamp
    /// The debt after the change, in rials (``LineState/debt``).
    public var debt: Rials
    /// The deposit held after the change, in rials.
    public var depositHeld: Rials
    /// The guarantee held after the change, in rials.
    public var guaranteeHeld: Rials
}

/// The state of one line, folded from its events (`evolve`).
public struct LineState: Hashable, Sendable {
    /// The line's E.164 number.
    public var number: String
    /// The subscriber who holds the line, as its latest activation names them.
    public var subscriberID: String
    /// Mobile or fixed.
    public var service: Service
    /// The plan of the latest activation (PLAN-1).
    public var plan: Plan
    /// The connection fee of the latest activation, in rials.
    public var connectionFee: Rials
    /// The vanity premium of PLAN-3; 0 for an ordinary number.
    public var vanityPremium: Rials
    /// When the latest activation occurred.
    public var activatedAt: Timestamp
    /// The latest `occurredAt` of the facts folded, across activations: a view "as of now"
    /// can use this state as it is only when this is not after now.
    public var latestOccurredAt: Timestamp
    /// Whether a fact was folded after one that occurred later than it. A line's state is
    /// the fold of its facts in the order they occurred (section 9); a fold in recording
    /// order (the stored projection's, an append's) that meets a late fact is no longer
    /// that state, and says so here: the ledger then folds the line's history afresh.
    public var foldedOutOfOrder = false
    /// Where the line stands in the cut process.
    public var status: LineStatus = .active
    /// When the line entered its current ``status``.
    public var statusSince: Timestamp
    /// When the current one-way period began (OVD-2), while one-way.
    public var oneWaySince: Timestamp?
    /// The cut that started the line's current cut (its one-way cut, or the first cut since
    /// the line was last active), while the line is cut: what allowed it is what OVD-2's
    /// two-way cut and GEN-3's restoration ask about, and the one-way period of OVD-3 runs
    /// from it. `nil` while the line is active.
    public var openingCut: CutRecord?

    /// The usage recorded, in rials: the sum of the `UsageRecorded` amounts.
    public var usage: Rials = 0
    /// The reconnection fees charged by restorations, in rials (GEN-3).
    public var reconnectionFees: Rials = 0
    /// The late fees charged, in rials: reported, never part of the debt (GEN-2).
    public var lateFees: Rials = 0
    /// The payments received, in rials.
    public var paymentsReceived: Rials = 0
    /// The payments reversed, in rials: each received payment counted once, however often reversed.
    public var paymentsReversed: Rials = 0
    /// Payment ids and amounts, to reverse a payment by id.
    public var paymentAmounts: [String: Rials] = [:]
    /// The ids of the payments reversed.
    public var reversedPaymentIDs: Set<String> = []

    /// The deposit held, in rials: paid less refunded (PLAN-1, PLAN-4).
    public var depositHeld: Rials = 0
    /// The guarantee held, in rials: paid less released (PLAN-1, PLAN-4).
    public var guaranteeHeld: Rials = 0
    /// The line's invoices, in the order they were folded.
    public var invoices: [InvoiceState] = []
    /// The totals of the invoices issued, in rials.
    public var billed: Rials = 0
    /// The line's notices, in the order they were folded.
    public var notices: [NoticeState] = []
    /// Every cut of the line, one-way and two-way, in the order they were folded.
    public var cuts: [CutRecord] = []
    /// When the line was restored, each time.
    public var restorations: [Timestamp] = []
    /// The debt after each change of it or of what was held; a change to a debt of 0 drops the
    /// entries before it (they can no longer matter to CUT-1), so the list stays short.
    public var debtChanges: [DebtChange] = []

    /// The expert's valuation of the number (VAN-2), in rials: the latest recorded; `nil` if none.
    public var expertValuation: Rials?
    /// The price the number sold for at auction (VAN-2), in rials; `nil` if not sold.
    public var auctionPrice: Rials?
    /// The subscription's value settled (LEG-2), in rials: the latest recorded; `nil` if none.
    public var subscriptionValue: Rials?
    /// The refunds paid to the subscriber, in rials (VAN-3, LEG-2).
    public var refundsPaid: Rials = 0
    /// When the line was revoked (OVD-3, LEG-1); `nil` if it was not.
    public var revokedAt: Timestamp?
    /// When the number was sold at auction; `nil` if it was not.
    public var soldAt: Timestamp?
    /// When the subscription ended by `LineTerminated` (RET-1).
    public var terminatedAt: Timestamp?
    /// The channel the subscriber chose for notices of their debt (PLAN-5, BIL-4).
    public var noticeChannel: NoticeSent.Channel
    /// The line's complaints in the order they were filed (CMP-1).
    public var complaints: [ComplaintState] = []
    /// The line's region as its activation recorded it (POL-3: an edition may set its
    /// `noDeposit` threshold apart); `nil` when none was recorded.
    public var region: String?

    /// The state of a line just activated: active, no money moved but the activation's terms.
    /// - Parameters:
    ///   - number: the line's E.164 number.
    ///   - activated: the activation.
    ///   - time: when it occurred.
    public init(number: String, activated: LineActivated, at time: Timestamp) {
        self.number = number
        subscriberID = activated.subscriberID
        service = activated.service
        plan = activated.plan
        connectionFee = activated.connectionFee
        vanityPremium = activated.vanityPremium
        noticeChannel = activated.chosenNoticeChannel
        region = activated.region
        activatedAt = time
        latestOccurredAt = time
        statusSince = time
    }

    // The figures below are sums and differences of the running totals. For a state of
    // admitted facts they are exact: admission (`LineState.admit`) refuses any event after
    // which a total would leave 64 bits or turn negative, and a stored state is checked the
    // same way when it is read (a difference of two totals in 0...Int64.max always fits).
    // They saturate rather than trap so that the total fold stays total on any fact.

    /// The charges the rules allow: usage + reconnection fees (THR-2). A late fee is
    /// recorded and reported (``lateFees``) but never counts toward the debt, the overdue
    /// amount or the netting (GEN-2).
    public var charges: Rials { RialArithmetic.saturatingAdd(usage, reconnectionFees) }
    /// Every charge recorded, late fees included: what invoices may bill.
    public var recordedCharges: Rials { RialArithmetic.saturatingAdd(charges, lateFees) }
    /// Payments received − payments reversed (never negative: only a received payment is reversed).
    public var payments: Rials { RialArithmetic.saturatingSubtract(paymentsReceived, paymentsReversed) }
    /// max(0, charges − payments): the unpaid usage of THR-2.
    public var debt: Rials { max(0, RialArithmetic.saturatingSubtract(charges, payments)) }
    /// max(0, payments − charges).
    public var credit: Rials { max(0, RialArithmetic.saturatingSubtract(payments, charges)) }
    /// Charges recorded but not yet billed by an invoice (never negative: an invoice bills at
    /// most these).
    public var unbilled: Rials { RialArithmetic.saturatingSubtract(recordedCharges, billed) }
    /// Whether the number is a vanity number (PLAN-3).
    public var isVanity: Bool { vanityPremium > 0 }

    /// What is still unpaid of each invoice, payments settling the oldest first.
    public var unpaidByInvoice: [(invoice: InvoiceState, unpaid: Rials)] {
        var available = max(0, payments)
        return invoices.map { invoice in
            let settled = min(available, invoice.invoice.total)
            available -= settled
            return (invoice, invoice.invoice.total - settled)
        }
    }

    /// What is overdue of each invoice whose `dueAt` has passed at `time` (BIL-3), late fees
    /// never counted (THR-2, GEN-2): the late fees recorded are taken off the oldest unpaid
    /// invoices first, whatever invoice billed them (reading: an invoice does not say which
    /// of its items is a late fee), and the whole is never more than the debt.
    func overdueByInvoice(at time: Timestamp) -> [(invoice: InvoiceState, overdue: Rials)] {
        var lateFeesLeft = lateFees
        var debtLeft = debt
        var result: [(invoice: InvoiceState, overdue: Rials)] = []
        for entry in unpaidByInvoice where entry.invoice.invoice.dueAt < time {
            let discounted = entry.unpaid - min(lateFeesLeft, entry.unpaid)
            lateFeesLeft -= entry.unpaid - discounted
            let owed = min(discounted, debtLeft)
            debtLeft -= owed
            result.append((entry.invoice, owed))
        }
        return result
    }

    /// What is still unpaid of invoices whose `dueAt` has passed at `time` (BIL-3), late fees
    /// never counted (THR-2).
    /// - Parameter time: the time the overdue amount is judged at.
    /// - Returns: the overdue amount, in rials, at most ``debt``; 0 when nothing is overdue.
    public func overdue(at time: Timestamp) -> Rials {
        overdueByInvoice(at: time).reduce(0) { $0 + $1.overdue }
    }

    /// The oldest invoice still unpaid whose due date has passed at `time`, if any (OVD-1).
    /// - Parameter time: the time the overdue amount is judged at.
    /// - Returns: the invoice; `nil` when nothing is overdue at `time`.
    public func oldestOverdueInvoice(at time: Timestamp) -> InvoiceState? {
        overdueByInvoice(at: time).first { $0.overdue > 0 }?.invoice
    }

    /// The notice with this id, if sent.
    /// - Parameter noticeID: the notice's id.
    /// - Returns: the first notice sent under the id; `nil` if none was.
    public func notice(_ noticeID: String) -> NoticeState? {
        notices.first { $0.notice.noticeID == noticeID }
    }

    /// The complaint with this id, if filed (CMP-1).
    /// - Parameter complaintID: the complaint's id.
    /// - Returns: the first complaint filed under the id; `nil` if none was.
    public func complaint(_ complaintID: String) -> ComplaintState? {
        complaints.first { $0.complaint.complaintID == complaintID }
    }

    /// The complaints not answered yet (CMP-1).
    public var openComplaints: [ComplaintState] { complaints.filter { !$0.isAnswered } }

    /// Whether the line has been revoked or sold: netting is due (VAN-3, LEG-2).
    public var isClosed: Bool { status == .revoked || status == .sold }

    /// Whether the subscription has ended (terminated, revoked or sold): the line takes no
    /// more service (GEN-4) and may be activated again, for a new subscription.
    public var hasEnded: Bool { isClosed || status == .terminated }

    /// When the subscription ended, while it has (RET-1 counts from it).
    public var endedAt: Timestamp? {
        guard hasEnded else { return nil }
        return soldAt ?? revokedAt ?? terminatedAt
    }
}
