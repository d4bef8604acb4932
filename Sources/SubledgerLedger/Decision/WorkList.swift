public import SubledgerStore

/// One entry of the operator's work list (`due`): what is owed or now allowed on a line,
/// the rule that says so, and since when.
public struct DueAction: Hashable, Sendable {
    /// What to do; its raw value is what `due` prints (`oneWayCut`, `erase`).
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case notice, oneWayCut, twoWayCut, writtenWarning, revoke, auction, refund, restore
        /// Make a subscriber's personal data unreadable (RET-1): `subscriber` names them.
        case erase
        /// Answer a complaint of the line (CMP-1): `complaint` names it.
        case answer
    }

    /// The line's number.
    public var line: String
    /// What to do.
    public var action: Kind
    /// The rule that owes or allows it.
    public var rule: RuleID
    /// Since when it is owed or allowed: a deadline passed, a period ended, a complaint filed.
    public var since: Timestamp
    /// The subscriber an `erase` is about (`line` is then the line whose end started the
    /// retention); `nil` for the actions on a line.
    public var subscriber: String?
    /// The complaint an `answer` is about; `nil` for the other actions.
    public var complaint: String?

    /// An entry of the work list.
    ///
    /// - Parameters:
    ///   - line: the line's number.
    ///   - action: what to do.
    ///   - rule: the rule that owes or allows it.
    ///   - since: since when.
    ///   - subscriber: the subscriber of an `erase`, else `nil`.
    ///   - complaint: the complaint of an `answer`, else `nil`.
    public init(
        line: String, action: Kind, rule: RuleID, since: Timestamp, subscriber: String? = nil, complaint: String? = nil
    ) {
        self.line = line
        self.action = action
        self.rule = rule
        self.since = since
        self.subscriber = subscriber
        self.complaint = complaint
    }
}

/// The work list of one line at a time T: each candidate action is tried through `decide`
/// at T, so the list says exactly what the rules would allow.
public enum WorkList: Sendable {
    /// What is owed or allowed on `line` at `time`, each candidate tried through
    /// ``Decider/decide(_:line:subscriber:at:editions:calendar:metadata:)``: threshold notice (NTC-1),
    /// cuts (CUT-1, OVD-1, OVD-2), written warning (OVD-3), revocation and auction (OVD-3, LEG-1,
    /// VAN-1, VAN-2), restoration (GEN-3, KYC-1), refund (LEG-2, VAN-3), complaint answers (CMP-1).
    ///
    /// - Parameters:
    ///   - line: the line as it stands at `time`.
    ///   - subscriber: its owner, or `nil` when unknown.
    ///   - time: the instant of the list.
    ///   - editions: the editions known.
    ///   - calendar: the Tehran calendar.
    /// - Returns: the entries, in that order; empty when nothing is due. `erase` entries are not made here.
    public static func due(
        line: LineState, subscriber: SubscriberState?, at time: Timestamp,
        editions: PolicyEditions, calendar: TehranCalendar
    ) -> [DueAction] {
        var entries: [DueAction] = []
        let edition = editions.edition(at: time)
        func allowed(_ action: OperatorAction) -> Bool {
            if case .success = Decider.decide(
                action, line: line, subscriber: subscriber, at: time, editions: editions, calendar: calendar)
            {
                return true
            }
            return false
        }
        if let since = thresholdNoticeOwedSince(line, at: time, editions: editions) {
            entries.append(DueAction(line: line.number, action: .notice, rule: "NTC-1", since: since))
        }
        if line.status == .active {
            if allowed(.cut(direction: edition.thresholdCutDirection, reason: .threshold)),
                case .success(let standing) = line.standingThresholdNotice(at: time, editions: editions)
            {
                entries.append(
                    DueAction(line: line.number, action: .oneWayCut, rule: "CUT-1", since: standing.effectiveDeadline))
            } else if allowed(.cut(direction: .oneWay, reason: .overdue)),
                let invoice = line.oldestOverdueInvoice(at: time)
            {
                entries.append(
                    DueAction(line: line.number, action: .oneWayCut, rule: "OVD-1", since: invoice.invoice.dueAt))
            }
        }
        if line.status == .oneWay,
            allowed(.cut(direction: .twoWay, reason: .overdue)) || allowed(.cut(direction: .twoWay, reason: .threshold))
        {
            let since = edition.earliestTwoWayCut(oneWaySince: line.oneWaySince ?? line.statusSince)
            entries.append(DueAction(line: line.number, action: .twoWayCut, rule: "OVD-2", since: since))
        }
        // OVD-3: after the one-way period, with or without a two-way cut.
        if line.status == .oneWay || line.status == .twoWay, line.debt > 0,
            let periodEnd = line.oneWayPeriodEnd(edition: edition),
            time >= periodEnd, line.writtenWarning(at: time, edition: edition) == nil
        {
            entries.append(DueAction(line: line.number, action: .writtenWarning, rule: "OVD-3", since: periodEnd))
        }
        entries += graceActions(
            line: line, subscriber: subscriber, at: time, edition: edition, calendar: calendar, allowed: allowed)
        // GEN-3, KYC-1: as soon as the line no longer owes what allowed the cut, or its
        // owner's identity is verified after a kyc suspension.
        if let owed = line.restorationOwed(at: time, subscriber: subscriber, editions: editions) {
            entries.append(DueAction(line: line.number, action: .restore, rule: owed.rule, since: owed.since))
        }
        let statement = NettingStatement(line: line, countHeldAmounts: edition.netDepositAndGuaranteeAtRevocation)
        if statement.refundDue > 0 {
            entries.append(
                DueAction(
                    line: line.number, action: .refund, rule: line.subscriptionValue != nil ? "LEG-2" : "VAN-3",
                    since: line.soldAt ?? line.revokedAt ?? line.statusSince))
        }
        // CMP-1: every complaint not answered yet, owed since it was filed.
        for complaint in line.openComplaints where complaint.filedAt <= time {
            entries.append(
                DueAction(
                    line: line.number, action: .answer, rule: "CMP-1", since: complaint.filedAt,
                    complaint: complaint.complaint.complaintID))
        }
        return entries
    }

    /// The revocation once the line is no longer kept (OVD-3, LEG-1, VAN-1) and a vanity
    /// number's auction (VAN-2), from the line's grace terms.
    private static func graceActions(
        line: LineState, subscriber: SubscriberState?, at time: Timestamp, edition: PolicyEdition,
        calendar: TehranCalendar, allowed: (OperatorAction) -> Bool
    ) -> [DueAction] {
        var found: [DueAction] = []
        if line.status == .oneWay || line.status == .twoWay || line.status == .revoked,
            let terms = GraceTerms(line: line, subscriber: subscriber, at: time, edition: edition, calendar: calendar)
        {
            // Listed once the line is no longer kept (LEG-1's "may" is taken: the longer hold).
            if line.status != .revoked, time >= terms.keptUntil, allowed(.revoke(reason: "debt unpaid after the grace"))
            {
                found.append(
                    DueAction(
                        line: line.number, action: .revoke, rule: line.isVanity ? "VAN-1" : terms.graceRule,
                        since: terms.keptUntil))
            }
            if line.isVanity, line.expertValuation != nil, time >= terms.earliestAuction, line.debt > 0 {
                found.append(
                    DueAction(line: line.number, action: .auction, rule: "VAN-2", since: terms.earliestAuction))
            }
        }
        return found
    }

    /// Since when a threshold notice is owed (NTC-1): the debt is at the notice level and
    /// no standing threshold notice covers it; `nil` when none is owed.
    static func thresholdNoticeOwedSince(_ line: LineState, at time: Timestamp, editions: PolicyEditions) -> Timestamp?
    {
        guard line.status == .active else { return nil }
        let terms = ThresholdTerms(edition: editions.edition(at: time), line: line)
        guard terms.noticeIsDue(line.debt) else { return nil }
        if case .success = line.standingThresholdNotice(at: time, editions: editions) { return nil }
        // The last time the debt rose to the notice level.
        var since = time
        for change in line.debtChanges.reversed() {
            let changeTerms = ThresholdTerms(
                edition: editions.edition(at: change.at), line: line,
                depositHeld: change.depositHeld, guaranteeHeld: change.guaranteeHeld)
            guard changeTerms.noticeIsDue(change.debt) else { break }
            since = change.at
        }
        return since
    }
}
