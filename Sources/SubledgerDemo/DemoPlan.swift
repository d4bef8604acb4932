package import SubledgerStore
package import SubledgerLedger

/// A subscriber of the demo: who registers, with which documents (PLAN-2, KYC-1).
package struct DemoSubscriber: Hashable, Sendable {
    /// The subscriber's id, as its stream names it.
    package var id: String
    /// A natural person or a legal entity (PLAN-2).
    package var kind: SubscriberRegistered.Kind
    /// Whether a legal entity is governmental (LEG-1 is for the others).
    package var governmental: Bool
    /// The subscriber's name: invented, personal data all the same (sealed by the store, never in clear).
    package var name: String
    /// The national id: invented, of the right shape; personal data like ``name``.
    package var nationalID: String
    /// The documents the identity check saw (KYC-1).
    package var documents: [String]
}

/// How a line's owner pays its invoices.
package enum PaymentHabit: Hashable, Sendable {
    /// Every invoice within its 15 days (BIL-3).
    case prompt
    /// Some invoices (this percent) weeks after their due date.
    case sometimesLate(percent: Double)
    /// Stops paying the invoices issued from `from` on; pays everything back
    /// `paysBackAfterDays` days after the two-way cut, or never.
    case defaulter(from: Timestamp, paysBackAfterDays: Int?)
}

/// What is special about a line: a part of the story the demo tells, or an operator's
/// mistake for the audit to find.
package enum DemoScript: Hashable, Sendable {
    case none
    /// The disputed line: a threshold notice that failed to arrive (DLV-1), a cut anyway,
    /// on a Thursday afternoon (CUT-1, SUS-2); the subscriber pays, the line is restored.
    case disputed(spikeAt: Timestamp)
    /// A threshold cut with no threshold notice and no cut notice (CUT-1, GEN-5, SUS-2).
    case cutWithoutNotice(spikeAt: Timestamp)
    /// A late fee on an invoice paid late (GEN-2).
    case lateFee(month: Int)
    /// A cut for the debt of the owner's other line (GEN-1).
    case otherLinesDebt(debtLine: String, at: Timestamp)
    /// One of several lines cut on one Thursday afternoon (SUS-2), lawfully otherwise.
    case massCut(at: Timestamp)
    /// A line cut for an overdue invoice at a time SUS-2 (b) warns about (a Wednesday, the
    /// eve of a lunar holiday), after a cut notice the day before, lawfully otherwise.
    case scheduledCut(at: Timestamp)
    /// One of twelve lines (a virtual-office provider's ten and two others) suspended for
    /// `kyc` within the hour on a Thursday afternoon, without notice (source 000's story),
    /// and restored the next working morning: SUS-2 (a), (b) and (c) warnings.
    case massSuspension(at: Timestamp)
    /// A payment made two days after the due date by bank transfer, recorded four days
    /// later, after the one-way cut it would have prevented (a warning of the audit).
    case bankDelay(month: Int)
    /// A vanity number (PLAN-3) held through the grace and two more years (VAN-1), sold at
    /// auction from an expert's price (VAN-2), the rest refunded (VAN-3).
    case vanityAuction(valuation: Rials, price: Rials)
    /// A non-governmental legal entity's ten-year mobile line: two-year grace (LEG-1), the
    /// subscription's value netted and refunded (LEG-2).
    case tenYearLegalEntity(subscriptionValue: Rials)
    /// Complaints (CMP-1) from `firstAt` on: one about an invoice answered within the
    /// `complaintAnswerDays`, one about a charge answered late (a CMP-1 warning on purpose),
    /// one filed a few days before the demo's end, owed an answer (`due`'s `answer`).
    case complaints(firstAt: Timestamp)
    /// A suspension for `kyc` at `at`, announced by a cut notice; the subscriber's identity
    /// verified again two days later and the line restored within the
    /// `restorationWarningHours` (KYC-1, GEN-3).
    case kycRestoration(at: Timestamp)
}

/// One line of the demo as planned, before it is simulated.
package struct DemoLinePlan: Hashable, Sendable {
    /// The line's place in the plan, from 0.
    package var index: Int
    /// The line's number, E.164 (`+98…`).
    package var number: String
    /// ``number`` as the ledger's API takes it (the generator makes only E.164 numbers).
    package var line: LineNumber { LineNumber(stored: number) }
    /// The index of its owner among the demo's subscribers.
    package var subscriber: Int
    /// Mobile or fixed (PLAN-2).
    package var service: Service
    /// The plan chosen at sign-up (PLAN-1).
    package var plan: Plan
    /// The premium of a vanity number (PLAN-3), in rials; 0 for an ordinary one.
    package var vanityPremium: Rials
    /// The connection fee paid at sign-up, in rials.
    package var connectionFee: Rials
    /// The deposit or guarantee paid at sign-up (0 on the `noDeposit` plan).
    package var held: Rials
    /// When the line is activated.
    package var activatedAt: Timestamp
    /// The Solar Hijri day of the month (1...28) of the line's 03:00 billing run.
    package var billingDay: Int
    /// The usual usage of a month.
    package var monthlyUsage: Rials
    /// How the owner pays its invoices.
    package var habit: PaymentHabit
    /// The chance, in percent per month, of a spike of usage (roaming, PLAN-4's case).
    package var spikePercent: Double
    /// Days the operator waits after a due date before an overdue cut (OVD-1).
    package var operatorDelayDays: Int
    /// Whether the operator pays a refund owed after netting within the demo's time.
    package var paysRefund: Bool
    /// What is special about the line; ``DemoScript/none`` for an ordinary one.
    package var script: DemoScript
    /// Usage records the mediation sends in a billing period (1: one, sometimes two; more
    /// for the long-lived line of the fact stream at scale, ``DemoFactStream``).
    package var usageRecordsPerPeriod = 1
    /// The channel the subscriber chose for notices (PLAN-5); `nil`: none given, `sms`.
    package var noticeChannel: NoticeSent.Channel?

    /// Whether the operator breaks a rule on this line on purpose (for the audit).
    package var hasMistake: Bool {
        switch script {
        case .disputed, .cutWithoutNotice, .lateFee, .otherLinesDebt: true
        default: false
        }
    }
}

/// The lines the demo points a newcomer to.
package struct DemoHighlights: Hashable, Sendable {
    /// The disputed line (``DemoScript/disputed(spikeAt:)``).
    package var disputedLine = ""
    /// The line cut without notice (``DemoScript/cutWithoutNotice(spikeAt:)``).
    package var cutWithoutNoticeLine = ""
    /// The line with a late fee (``DemoScript/lateFee(month:)``).
    package var lateFeeLine = ""
    /// The line cut for another line's debt, and that other line.
    package var otherLinesDebtCut = ""
    /// The other line, whose debt was the cut's reason (GEN-1).
    package var otherLinesDebtSource = ""
    /// The lines cut together on one Thursday afternoon (``DemoScript/massCut(at:)``).
    package var massCutLines: [String] = []
    /// When the mass cut happened.
    package var massCutAt = Timestamp(millisecondsSinceEpoch: 0)
    /// The line whose payment by bank transfer was recorded late (``DemoScript/bankDelay(month:)``).
    package var bankDelayLine = ""
    /// The lines of the mass suspension for `kyc` (SUS-2 (c)), and when it began.
    package var massSuspensionLines: [String] = []
    /// When the mass suspension began.
    package var massSuspensionAt = Timestamp(millisecondsSinceEpoch: 0)
    /// A line cut on a Wednesday (SUS-2 (b)).
    package var wednesdayCutLine = ""
    /// When it was cut.
    package var wednesdayCutAt = Timestamp(millisecondsSinceEpoch: 0)
    /// A line cut on the eve of a lunar holiday (SUS-2 (b)).
    package var lunarEveCutLine = ""
    /// When it was cut.
    package var lunarEveCutAt = Timestamp(millisecondsSinceEpoch: 0)
    /// The vanity numbers sold at auction (VAN-1, VAN-2, VAN-3).
    package var vanityLines: [String] = []
    /// The legal entity's ten-year line (LEG-1, LEG-2).
    package var tenYearLine = ""
    /// The line with complaints (CMP-1).
    package var complaintLine = ""
    /// The line suspended for `kyc` and restored (KYC-1).
    package var kycLine = ""
    /// A line of the main population with a history built entirely through the rules.
    package var lawfulLine = ""

    /// No highlights yet: the generator fills them in.
    package init() {}
}
