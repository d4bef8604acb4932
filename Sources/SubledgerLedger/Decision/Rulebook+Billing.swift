import SubledgerStore

extension Rulebook {
    /// BIL-1 (interval), BIL-2 (items add up), BIL-3 (15 days to pay).
    static func judgeInvoice(
        _ invoice: InvoiceIssued, at time: Timestamp, line: LineState, context: RuleContext,
        into list: inout JudgementList
    ) {
        let edition = list.edition
        if let previous = line.invoices.last {
            let earliest = edition.earliestNextInvoice(after: previous.issuedAt, calendar: context.calendar)
            list.require(
                time >= earliest, "BIL-1",
                allowed:
                    "at least \(edition.invoiceMinimumIntervalMonths) month(s) after invoice \(previous.invoice.invoiceID)",
                forbidden:
                    "issued before \(earliest), less than \(edition.invoiceMinimumIntervalMonths) Solar Hijri month(s) after invoice \(previous.invoice.invoiceID) of \(previous.issuedAt)"
            )
        } else {
            list.allow("BIL-1", "the line's first invoice")
        }
        var itemsTotal: Rials = 0
        var overflow = false
        for item in invoice.items {
            let (sum, didOverflow) = itemsTotal.addingReportingOverflow(item.amount)
            itemsTotal = sum
            overflow = overflow || didOverflow
        }
        list.require(
            !overflow && itemsTotal == invoice.total, "BIL-2",
            allowed: "its items sum to its total (\(invoice.total))",
            forbidden:
                "its items sum to \(overflow ? "more than 64 bits" : String(itemsTotal)), not its total \(invoice.total)"
        )
        let earliestDue = edition.invoicePaymentDeadline(issuedAt: time, calendar: context.calendar)
        list.require(
            invoice.dueAt >= earliestDue, "BIL-3",
            allowed:
                "due at \(invoice.dueAt), not before the end of the \(edition.invoicePaymentDays)th day after issue in Tehran (\(earliestDue))",
            forbidden:
                "due at \(invoice.dueAt), before \(earliestDue): the subscriber has to the end of the \(edition.invoicePaymentDays)th day in Tehran to pay"
        )
    }

    /// GEN-5 (free), NTC-1 (a deadline of at least the minimum), NTC-2 (a threshold notice
    /// counts only if sent when due, with that deadline), OVD-3 (written warning by letter
    /// after the one-way period).
    static func judgeNotice(
        _ notice: NoticeSent, at time: Timestamp, line: LineState, context: RuleContext,
        into list: inout JudgementList
    ) {
        let edition = list.edition
        list.require(
            notice.fee == 0, "GEN-5", allowed: "sent free of charge",
            forbidden: "charges \(notice.fee) rials for a notice, which must be free")
        if notice.kind.isThresholdNotice {
            let terms = ThresholdTerms(edition: edition, line: line)
            let minimum = terms.noticeMinimumDeadline(from: time)
            if let deadline = notice.deadline {
                list.require(
                    deadline >= minimum, "NTC-1",
                    allowed: "its deadline \(deadline) gives at least \(terms.noticeMinimumHours) hours",
                    forbidden:
                        "its deadline \(deadline) gives less than \(terms.noticeMinimumHours) hours (due \(minimum))")
            } else {
                list.forbid(
                    "NTC-1",
                    "it states no deadline: a threshold notice sets one of at least \(terms.noticeMinimumHours) hours")
            }
            // `line` is the state just before the notice: its debt and holdings are those at sending.
            let problem = terms.noticeProblem(debt: line.debt, sentAt: time, deadline: notice.deadline)
            list.require(
                problem == nil, "NTC-2",
                allowed: "it counts: sent at unpaid usage \(line.debt), the level that makes it due, with its deadline",
                forbidden: "it \(problem ?? "") and supports no cut")
        }
        if notice.kind == .writtenWarning {
            // After the one-way period, with or without a two-way cut (OVD-3, section 9).
            let periodEnd = line.oneWayPeriodEnd(edition: edition)
            if edition.writtenWarningByLetterOnly, notice.channel != .letter {
                list.forbid("OVD-3", "a written warning is sent by letter, not \(notice.channel.rawValue)")
            } else if let periodEnd, line.status == .oneWay || line.status == .twoWay, line.debt > 0, time >= periodEnd
            {
                list.allow(
                    "OVD-3",
                    "a written warning after the one-way period (from \(periodEnd)) with \(line.debt) rials unpaid")
            } else {
                let when = periodEnd.map { "from \($0)" } ?? "after a cut"
                list.forbid(
                    "OVD-3",
                    "a written warning comes after the one-way period (\(when)) of a line in debt (line is \(line.status.rawValue), debt \(line.debt))"
                )
            }
        }
    }
}
