package import SubledgerStore

/// When a line may be revoked (OVD-3, LEG-1) and, for a vanity number, sold (VAN-1, VAN-2).
package struct GraceTerms {
    /// The latest written warning that counts (OVD-3: by letter, after the one-way period).
    var warning: NoticeState
    /// The latest renewed notice (`overdue` or `revocation`) after the one-way period.
    var renewedNotice: NoticeState?
    /// The rule that sets the longest hold: OVD-3, or LEG-1 for a ten-year legal entity's line.
    var graceRule: RuleID
    /// When the grace starts: the warning's delivery, or its sending with no receipt (reading).
    var start: Timestamp
    /// The end of OVD-3's year: the earliest lawful revocation of an ordinary line.
    var graceEnd: Timestamp
    /// The end of LEG-1's two years (on top of OVD-3's year, reading), for such a line.
    var legalEntityEnd: Timestamp?
    /// The earliest lawful revocation: OVD-3's end, or VAN-1's hold for a vanity number.
    var earliestRevocation: Timestamp
    /// The end of the longer hold of VAN-1 and LEG-1, after which an auction may come.
    var earliestAuction: Timestamp
    /// Until when the line is kept: the revocation before it and after ``earliestRevocation``
    /// is a LEG-1 warning ("may").
    package var keptUntil: Timestamp

    /// The grace terms of `line` at `time`; `nil` when no written warning counts yet (OVD-3).
    ///
    /// - Parameters:
    ///   - line: the line, cut or revoked.
    ///   - subscriber: its owner, or `nil` when unknown (LEG-1 reads whether a legal entity).
    ///   - time: the instant judged.
    ///   - edition: the edition in force at `time`.
    ///   - calendar: the Tehran calendar the years are counted in.
    package init?(
        line: LineState, subscriber: SubscriberState?, at time: Timestamp, edition: PolicyEdition,
        calendar: TehranCalendar
    ) {
        guard let warning = line.writtenWarning(at: time, edition: edition) else { return nil }
        self.warning = warning
        renewedNotice = line.renewedNotice(at: time, edition: edition)
        if !edition.graceRunsFromWrittenWarning {
            start = line.statusSince
        } else if edition.graceRunsFromWarningDelivery, let deliveredAt = warning.deliveredAt, deliveredAt <= time {
            start = deliveredAt
        } else {
            start = warning.sentAt
        }
        let tenYears = calendar.addingYears(edition.legalEntityMinimumActiveYears, to: line.activatedAt)
        let isLongLivedLegalEntity =
            line.service == .mobile && (subscriber?.isNonGovernmentalLegalEntity ?? false) && tenYears <= time
        graceRule = isLongLivedLegalEntity ? "LEG-1" : "OVD-3"
        graceEnd = calendar.addingYears(edition.graceAfterWrittenWarningYears, to: start)
        legalEntityEnd =
            isLongLivedLegalEntity
            ? calendar.addingYears(
                edition.legalEntityGraceYears, to: edition.legalEntityGraceAddsToOVD3Grace ? graceEnd : start) : nil
        // VAN-1 and LEG-1 on one line: the longer hold applies, and the auction only after it.
        let vanityEnd = calendar.addingYears(edition.vanityExtraHoldYears, to: graceEnd)
        earliestAuction = max(vanityEnd, legalEntityEnd ?? vanityEnd)
        earliestRevocation = line.isVanity ? earliestAuction : graceEnd
        keptUntil = line.isVanity ? earliestAuction : max(graceEnd, legalEntityEnd ?? graceEnd)
    }
}

extension Rulebook {
    /// OVD-3, LEG-1, VAN-1: revocation after a written warning and the grace, debt unpaid.
    static func judgeRevocation(
        at time: Timestamp, line: LineState, context: RuleContext, into list: inout JudgementList
    ) {
        let edition = list.edition
        guard
            let terms = GraceTerms(
                line: line, subscriber: context.subscriber, at: time, edition: edition, calendar: context.calendar)
        else {
            list.forbid(
                "OVD-3",
                "no written warning by letter (that did not fail) was sent to line \(line.number) after the one-way period"
            )
            return
        }
        guard line.debt > 0 else {
            list.forbid("OVD-3", "the debt is paid: the number is kept (GEN-3)")
            return
        }
        let renewed = terms.renewedNotice
        list.require(
            renewed != nil, "OVD-3",
            allowed: "renewed notice \(renewed?.notice.noticeID ?? "") after the one-way period",
            forbidden: "no renewed notice (overdue or revocation, not failed) was sent after the one-way period")
        let years = edition.graceAfterWrittenWarningYears
        list.require(
            time >= terms.graceEnd, "OVD-3",
            allowed:
                "written warning \(terms.warning.notice.noticeID) from \(terms.start), \(years)-year grace over, \(line.debt) rials unpaid",
            forbidden:
                "the \(years)-year grace after written warning \(terms.warning.notice.noticeID) (from \(terms.start)) runs to \(terms.graceEnd)"
        )
        // The deciding rule comes last (metadata `rule`): VAN-1 for a vanity number.
        if line.isVanity {
            list.require(
                time >= terms.earliestRevocation, "VAN-1",
                allowed:
                    "vanity number held \(edition.vanityExtraHoldYears) more years after the grace, to \(terms.earliestRevocation)",
                forbidden:
                    "a vanity number is kept \(edition.vanityExtraHoldYears) more years after the grace: not before \(terms.earliestRevocation)"
            )
        }
        // LEG-1 says "may": revoking after OVD-3's year alone is allowed, and a warning.
        if let legalEntityEnd = terms.legalEntityEnd, time >= terms.graceEnd {
            if time < legalEntityEnd {
                list.warn(
                    "LEG-1",
                    "a ten-year legal entity's line may be kept \(edition.legalEntityGraceYears) more years, to \(legalEntityEnd): revoked after OVD-3's year alone"
                )
            } else {
                list.allow("LEG-1", "a ten-year legal entity's line, kept to \(legalEntityEnd)")
            }
        }
    }

    /// VAN-2: a vanity number is sold at auction after VAN-1's hold, from an expert's price.
    static func judgeAuction(
        price: Rials, at time: Timestamp, line: LineState, context: RuleContext, into list: inout JudgementList
    ) {
        let edition = list.edition
        guard line.isVanity else {
            list.forbid("VAN-2", "line \(line.number) is not a vanity number (PLAN-3)")
            return
        }
        guard let valuation = line.expertValuation else {
            list.forbid("VAN-2", "no expert valuation was recorded to start the auction from")
            return
        }
        guard
            let terms = GraceTerms(
                line: line, subscriber: context.subscriber, at: time, edition: edition, calendar: context.calendar)
        else {
            list.forbid(
                "OVD-3",
                "no written warning by letter (that did not fail) was sent to line \(line.number) after the one-way period"
            )
            return
        }
        list.require(
            time >= terms.earliestAuction, "VAN-1",
            allowed: "held to \(terms.earliestAuction) after the grace",
            forbidden: "a vanity number is kept to \(terms.earliestAuction) before its auction")
        list.require(
            line.debt > 0 && price >= valuation, "VAN-2",
            allowed: "sold for \(price) from the expert's \(valuation), debt \(line.debt) unpaid",
            forbidden: line.debt <= 0
                ? "the debt is paid: no auction" : "sold for \(price), below the expert's starting price \(valuation)")
    }

    /// LEG-2: the subscription's value is netted for a ten-year legal entity's line after its grace.
    static func judgeSubscriptionValue(
        at time: Timestamp, line: LineState, context: RuleContext, into list: inout JudgementList
    ) {
        let edition = list.edition
        let terms = GraceTerms(
            line: line, subscriber: context.subscriber, at: time, edition: edition, calendar: context.calendar)
        list.require(
            terms?.graceRule == "LEG-1" && line.isClosed, "LEG-2",
            allowed: "a ten-year legal entity's line, revoked after its grace: its subscription value is netted",
            forbidden:
                "the subscription value is netted only for a ten-year non-governmental legal entity's mobile line after its grace and revocation"
        )
    }
}
