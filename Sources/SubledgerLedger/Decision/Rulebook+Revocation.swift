import SubledgerStore

/// When a line may be revoked (OVD-3, LEG-1) and, for a vanity number, sold (VAN-1, VAN-2).
struct GraceTerms {
    var warning: NoticeState
    /// The rule that sets the grace: OVD-3, or LEG-1 for a ten-year legal entity's line.
    var graceRule: RuleID
    var graceYears: Int
    /// End of the grace (plus VAN-1's extra hold for a vanity number).
    var earliestRevocation: Timestamp
    var earliestAuction: Timestamp

    init?(line: LineState, subscriber: SubscriberState?, at time: Timestamp, edition: PolicyEdition, calendar: TehranCalendar) {
        guard let warning = line.writtenWarning(at: time) else { return nil }
        self.warning = warning
        let start = edition.graceRunsFromWrittenWarning ? warning.sentAt : line.statusSince
        let tenYears = calendar.addingYears(edition.legalEntityMinimumActiveYears, to: line.activatedAt)
        let isLongLivedLegalEntity = line.service == .mobile && (subscriber?.isNonGovernmentalLegalEntity ?? false) && tenYears <= time
        graceRule = isLongLivedLegalEntity ? "LEG-1" : "OVD-3"
        graceYears = isLongLivedLegalEntity ? edition.legalEntityGraceYears : edition.graceAfterWrittenWarningYears
        let graceEnd = calendar.addingYears(graceYears, to: start)
        earliestAuction = calendar.addingYears(edition.vanityExtraHoldYears, to: graceEnd)
        earliestRevocation = line.isVanity ? earliestAuction : graceEnd
    }
}

extension Rulebook {
    /// OVD-3, LEG-1, VAN-1: revocation after a written warning and the grace, debt unpaid.
    static func judgeRevocation(at time: Timestamp, line: LineState, context: RuleContext, into list: inout JudgementList) {
        let edition = list.edition
        guard let terms = GraceTerms(line: line, subscriber: context.subscriber, at: time, edition: edition, calendar: context.calendar) else {
            list.forbid("OVD-3", "no written warning (that did not fail) was sent to line \(line.number)")
            return
        }
        guard line.debt > 0 else {
            list.forbid("OVD-3", "the debt is paid: the number is kept (GEN-3)")
            return
        }
        if line.isVanity {
            list.require(time >= terms.earliestRevocation, "VAN-1",
                         allowed: "vanity number held \(edition.vanityExtraHoldYears) more years after the grace, to \(terms.earliestRevocation)",
                         forbidden: "a vanity number is kept \(edition.vanityExtraHoldYears) more years after the grace: not before \(terms.earliestRevocation)")
        }
        list.require(time >= terms.earliestRevocation, terms.graceRule,
                     allowed: "written warning \(terms.warning.notice.noticeID) at \(terms.warning.sentAt), \(terms.graceYears)-year grace over, \(line.debt) rials unpaid",
                     forbidden: "the \(terms.graceYears)-year grace after written warning \(terms.warning.notice.noticeID) runs to \(terms.earliestRevocation)")
    }

    /// VAN-2: a vanity number is sold at auction after VAN-1's hold, from an expert's price.
    static func judgeAuction(price: Rials, at time: Timestamp, line: LineState, context: RuleContext, into list: inout JudgementList) {
        let edition = list.edition
        guard line.isVanity else {
            list.forbid("VAN-2", "line \(line.number) is not a vanity number (PLAN-3)")
            return
        }
        guard let valuation = line.expertValuation else {
            list.forbid("VAN-2", "no expert valuation was recorded to start the auction from")
            return
        }
        guard let terms = GraceTerms(line: line, subscriber: context.subscriber, at: time, edition: edition, calendar: context.calendar) else {
            list.forbid("OVD-3", "no written warning (that did not fail) was sent to line \(line.number)")
            return
        }
        list.require(time >= terms.earliestAuction, "VAN-1",
                     allowed: "held to \(terms.earliestAuction) after the grace",
                     forbidden: "a vanity number is kept to \(terms.earliestAuction) before its auction")
        list.require(line.debt > 0 && price >= valuation, "VAN-2",
                     allowed: "sold for \(price) from the expert's \(valuation), debt \(line.debt) unpaid",
                     forbidden: line.debt <= 0 ? "the debt is paid: no auction" : "sold for \(price), below the expert's starting price \(valuation)")
    }

    /// LEG-2: the subscription's value is netted for a ten-year legal entity's line after its grace.
    static func judgeSubscriptionValue(at time: Timestamp, line: LineState, context: RuleContext, into list: inout JudgementList) {
        let edition = list.edition
        let terms = GraceTerms(line: line, subscriber: context.subscriber, at: time, edition: edition, calendar: context.calendar)
        list.require(terms?.graceRule == "LEG-1" && line.isClosed, "LEG-2",
                     allowed: "a ten-year legal entity's line, revoked after its grace: its subscription value is netted",
                     forbidden: "the subscription value is netted only for a ten-year non-governmental legal entity's mobile line after its grace and revocation")
    }
}
