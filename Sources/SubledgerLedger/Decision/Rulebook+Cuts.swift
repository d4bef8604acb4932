import SubledgerStore

extension Rulebook {
    /// SUS-1, GEN-1, CUT-1, CUT-2, OVD-1, OVD-2 and section 9's cut notice (GEN-5).
    static func judgeSuspension(
        _ suspension: LineSuspended, at time: Timestamp, line: LineState, context: RuleContext,
        into list: inout JudgementList
    ) {
        let edition = list.edition
        if line.status == .twoWay || (line.status == .oneWay && suspension.direction == .oneWay) {
            list.forbid("SUS-1", "line \(line.number) is already \(line.status.rawValue)")
            return
        }
        list.require(
            !suspension.blocksEmergencyCalls, "OVD-4",
            allowed: "voice calls to national emergency codes stay open",
            forbidden: "the cut bars voice calls to national emergency codes")
        guard suspension.reason.isForDebt else {
            if suspension.reason == .legalOrder {
                let missing = [
                    suspension.orderedBy == nil ? "who ordered it (orderedBy)" : nil,
                    suspension.reference == nil ? "its reference" : nil,
                ].compactMap { $0 }
                if !missing.isEmpty {
                    list.warn(
                        "SUS-1",
                        "a suspension for a legal order names who ordered it and its reference: missing \(missing.joined(separator: " and "))"
                    )
                }
            }
            list.allow("SUS-1", "a suspension for \(suspension.reason.rawValue), named as such")
            return
        }
        // Every rule the cut breaks is reported (section 9): a cut citing another line's debt
        // is judged on this line's own debt by the rules below too.
        list.require(
            suspension.debtLine == line.number, "GEN-1", allowed: "cites this line's own debt",
            forbidden: "cites the debt of line \(suspension.debtLine ?? "?"): another line's debt never cuts this one")
        if edition.noticeRequiredBeforeEveryDebtCut {
            let notice = line.cutNotice(for: suspension.direction, at: time)
            list.require(
                notice != nil, "GEN-5",
                allowed: "cut notice \(notice?.notice.noticeID ?? "") sent at \(notice?.sentAt.rfc3339 ?? "")",
                forbidden:
                    "no \(suspension.direction == .oneWay ? "oneWayCut" : "twoWayCut") notice was sent before this cut")
        }
        // A one-way cut, or a threshold cut of an active line (CUT-2 judges its direction),
        // starts the process; a two-way cut of a one-way line continues it (OVD-2).
        if suspension.direction == .oneWay || (line.status == .active && suspension.reason == .threshold) {
            judgeFirstCut(suspension, at: time, line: line, context: context, into: &list)
        } else if line.status == .active {
            list.forbid("OVD-2", "a line goes one-way for at least \(edition.oneWayMinimumDays) days before two-way")
        } else {
            judgeTwoWayCut(suspension, at: time, line: line, into: &list)
        }
    }

    /// CUT-1 and CUT-2 for a threshold cut, OVD-1 for an overdue one.
    private static func judgeFirstCut(
        _ suspension: LineSuspended, at time: Timestamp, line: LineState, context: RuleContext,
        into list: inout JudgementList
    ) {
        let edition = list.edition
        if suspension.reason == .overdue {
            let told = line.invoices.last { $0.issuedAt <= time }
            list.require(
                told != nil, "BIL-4",
                allowed: "the subscriber was told the debt status by invoice \(told?.invoice.invoiceID ?? "")",
                forbidden: "no invoice told the subscriber the debt status before this cut")
            let invoice = line.oldestOverdueInvoice(at: time)
            list.require(
                invoice != nil, "OVD-1",
                allowed:
                    "invoice \(invoice?.invoice.invoiceID ?? "") was due at \(invoice?.invoice.dueAt.rfc3339 ?? "") and is unpaid",
                forbidden: "no invoice is past its due date unpaid")
            if suspension.direction == .twoWay {
                list.forbid(
                    "OVD-2", "a line goes one-way for at least \(edition.oneWayMinimumDays) days before two-way")
            }
            return
        }
        let direction = edition.thresholdCutDirection
        list.require(
            suspension.direction == direction, "CUT-2",
            allowed: "the cut process starts with a \(direction.rawValue) cut",
            forbidden: "the cut process starts with a \(direction.rawValue) cut, not \(suspension.direction.rawValue)")
        switch line.standingThresholdNotice(at: time, editions: context.editions) {
        case .failure(let problem):
            list.forbid("CUT-1", "(a) \(problem)")
        case .success(let standing):
            let terms = ThresholdTerms(edition: edition, line: line)
            if time < standing.effectiveDeadline {
                list.forbid(
                    "CUT-1",
                    "(b) before the deadline of notice \(standing.notice.notice.noticeID): \(standing.effectiveDeadline) (DLV-1: from delivery when delivered)"
                )
            } else if !terms.cutLevelReached(line.debt) {
                list.forbid("CUT-1", "(c) unpaid usage \(line.debt) is below the threshold \(terms.thresholdRials)")
            } else {
                list.allow(
                    "CUT-1",
                    "notice \(standing.notice.notice.noticeID), deadline \(standing.effectiveDeadline) passed, unpaid usage \(line.debt) ≥ threshold \(terms.thresholdRials)"
                )
            }
            // DLV-1: a notice relied on for a cut with no receipt of either kind by its deadline.
            let notice = standing.notice
            let receipts = [notice.deliveredAt, notice.failedAt].compactMap { $0 }.filter {
                $0 <= standing.effectiveDeadline
            }
            if receipts.isEmpty {
                list.warn(
                    "DLV-1",
                    "notice \(notice.notice.noticeID), relied on for the cut, has no delivery receipt by its deadline \(standing.effectiveDeadline)"
                )
            }
        }
    }

    /// OVD-2: at least two weeks one-way, and only while the line still owes what allowed
    /// the cut (an overdue amount; for a threshold cut, a debt at or above the threshold too).
    /// A two-way cut is never required.
    private static func judgeTwoWayCut(
        _ suspension: LineSuspended, at time: Timestamp, line: LineState, into list: inout JudgementList
    ) {
        let edition = list.edition
        let days = Int64(edition.oneWayMinimumDays)
        let since = line.oneWaySince ?? line.statusSince
        let earliest = edition.earliestTwoWayCut(oneWaySince: since)
        if time < earliest {
            list.forbid("OVD-2", "one-way since \(since): two-way is allowed from \(earliest) (\(days) days)")
        } else if !line.owesWhatAllowedTheCut(at: time, edition: edition, reason: suspension.reason) {
            let threshold = ThresholdTerms(edition: edition, line: line).thresholdRials
            list.forbid(
                "OVD-2",
                "the line no longer owes what allowed the cut: overdue \(line.overdue(at: time)), debt \(line.debt) (threshold \(threshold))"
            )
        } else {
            list.allow(
                "OVD-2",
                "one-way since \(since) (at least \(days) days), still owing what allowed the cut (overdue \(line.overdue(at: time)), debt \(line.debt))"
            )
        }
    }
}
