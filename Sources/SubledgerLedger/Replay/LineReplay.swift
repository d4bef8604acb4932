public import SubledgerStore

/// A line's history replayed (interchange.md, `replay`): one entry per event of the line in
/// the view, in position order, each with the line's state after it; for every action of
/// the operator, what each rule said of it on what was known when it was recorded, and the
/// audit's findings at that position.
public struct LineReplay: Sendable {
    /// The line's figures after an event (as `status` reports them), judged at the event's time.
    public struct StateAfter: Hashable, Sendable {
        /// The line's status: active, cut one-way or two-way, terminated, revoked or sold.
        public var status: LineStatus
        /// Unpaid usage: max(0, charges − payments), in rials (THR-2).
        public var debt: Rials
        /// Payments beyond the charges: max(0, payments − charges), in rials.
        public var credit: Rials
        /// THR-1's threshold, as reported (rounded down).
        public var threshold: Rials
        /// The unpaid usage at which a threshold notice is due under the edition in force
        /// (NTC-1): 80 % of the threshold for a `noDeposit` line under edition 2021, the
        /// threshold itself otherwise; the least whole rials that reach it (THR-2).
        public var noticeLevel: Rials
        /// Unpaid invoices past their due date at the event's time (BIL-3).
        public var overdue: Rials
        /// The deposit held for the line, in rials.
        public var deposit: Rials
        /// The guarantee held for the line, in rials.
        public var guarantee: Rials
        /// The refund owed to the subscriber after netting (VAN-3, LEG-2), in rials; 0 before the line is
        /// revoked or sold.
        public var refundDue: Rials
        /// The policy edition in force at the event's time (POL-1).
        public var policyEdition: String

        /// The figures of `report`, with the notice level of the same line and moment.
        ///
        /// - Parameters:
        ///   - report: the line's `status` figures at the moment judged.
        ///   - noticeLevel: the least unpaid usage, in rials, at which a threshold notice is due then.
        public init(_ report: LineStatusReport, noticeLevel: Rials) {
            self.noticeLevel = noticeLevel
            status = report.status
            debt = report.debt
            credit = report.credit
            threshold = report.threshold
            overdue = report.overdue
            deposit = report.deposit
            guarantee = report.guarantee
            refundDue = report.refundDue
            policyEdition = report.policyEdition
        }
    }

    /// One event of the line and what followed from it.
    public struct Entry: Sendable {
        /// The event as recorded: its position, versions, times, data and metadata.
        public var fact: RecordedFact
        /// The line after this event: the view's facts that occurred up to it (ties by
        /// position), folded in the order they occurred.
        public var state: StateAfter
        /// What each rule said of the event when it was recorded (operator actions only).
        public var judgements: [RuleJudgement]
        /// The audit's findings at this position.
        public var findings: [Finding]

        /// The event's position in the log.
        public var position: UInt64 { fact.position }
        /// The event's version in the line's stream, from 1.
        public var streamVersion: UInt64 { fact.streamVersion }
        /// When the ledger recorded the event.
        public var recordedAt: Timestamp { fact.recordedAt }
        /// When the event happened.
        public var occurredAt: Timestamp { fact.occurredAt }
        /// The event's type.
        public var type: EventType { fact.event.type }
        /// The event.
        public var event: LedgerEvent { fact.event }
        /// Whether the event is an action of the operator, judged by the rules.
        public var isOperatorAction: Bool { fact.event.type.isOperatorAction }
        /// The event's key figures, named as in its `data`.
        public var figures: [ReplayFigure] { ReplayFigure.figures(of: fact.event) }
        /// Whether the event was recorded after an event that occurred later than it: a
        /// fact the ledger learnt late (the audit's warnings come from such facts).
        public var isRecordedLate: Bool
        /// The complaints beside this event (CMP-1): the one it files or answers, and those
        /// about it (``complaintRoles``).
        public var complaints: [ReplayComplaint] = []
    }

    /// The line's number.
    public var line: String
    /// Which events count: all recorded, or those as of `asOf` and known at `knownAt`.
    public var view: LineHistory.View
    /// The line's owner as the view shows it.
    public var owner: SubscriberState?
    /// One entry per event of the line in the view, in position order.
    public var entries: [Entry]
    /// Every finding of the audit on the line in this view, in position order.
    public var findings: [Finding]
    /// The line at the end of the view, judged at `asOf` or at its last event.
    public var finalState: StateAfter?
    /// The line's state at the end of the view, for its plan, service and vanity premium.
    public var lineState: LineState?
    /// The moment ``finalState`` is judged at: the view's `asOf`, else its last event.
    public var finalStateAt: Timestamp?
    /// How the debt was netted (VAN-3, LEG-2) when the line is revoked or sold at the end
    /// of the view; `nil` while it is not.
    public var netting: NettingStatement?
    /// Every complaint of the line in the view (CMP-1), waits measured to the answer or to
    /// the end of the view (its `asOf`, else `now` when given, else its last event).
    public var complaints: [ReplayComplaint] = []
    /// Each cut of the line, how long it lasted and the non-working days it spanned (SUS-2);
    /// one still cut is measured to ``cutsMeasuredAt``.
    public var cuts: [CutSpan] = []
    /// The replay's time for a cut still open: the view's `asOf`, else the time the replay
    /// was made (``Ledger/replay(of:view:)``), else the line's last event.
    public var cutsMeasuredAt: Timestamp?

    /// The replay of `history` in `view`: the view's facts, each judged and audited as the
    /// audit does (the edition in force at each event, POL-1); a cut still open is measured
    /// to the view's `asOf`, else to `now`, else to the line's last event.
    ///
    /// - Parameters:
    ///   - history: the line's facts and its owner's.
    ///   - view: which facts count; every recorded one by default.
    ///   - editions: the editions known (the caller narrows them to a `knownAt`, POL-3).
    ///   - calendar: the Tehran calendar.
    ///   - now: the present, for a cut still open and complaints unanswered; `nil` for none.
    /// - Throws: ``FactError`` when a fact of the view cannot be folded into the line's state.
    public init(
        _ history: LineHistory, view: LineHistory.View = .init(), editions: PolicyEditions,
        calendar: TehranCalendar, now: Timestamp? = nil
    ) throws(FactError) {
        let visible = LineHistory(
            number: history.number, facts: history.facts.filter(view.includes),
            subscriberFacts: history.subscriberFacts.filter(view.includes))
        let findings = try Self.findings(of: visible, until: view.asOf ?? now, editions: editions, calendar: calendar)
        var findingsByPosition: [UInt64: [Finding]] = [:]
        for finding in findings { findingsByPosition[finding.position, default: []].append(finding) }

        // The line after each event is folded in the order the facts occurred (section 9):
        // the state after a payment recorded late is the line's at the payment's time.
        var state: LineState?
        var stateAfter: [UInt64: StateAfter] = [:]
        var cutTracker = CutSpan.Tracker()
        for fact in LineHistory.occurrenceOrder(visible.facts) {
            let before = state?.status
            state = try LineState.checkedEvolve(consume state, fact.fact, position: fact.position)
            cutTracker.observe(fact, from: before, to: state?.status, calendar: calendar)
            if let after = state {
                stateAfter[fact.position] = StateAfter(line: after, at: fact.occurredAt, editions: editions)
            }
        }
        var entries: [Entry] = []
        entries.reserveCapacity(visible.facts.count)
        var latestOccurrence = Timestamp.minimum
        for fact in visible.facts {
            let isLate = fact.occurredAt < latestOccurrence
            latestOccurrence = max(latestOccurrence, fact.occurredAt)
            var judgements: [RuleJudgement] = []
            if fact.event.type.isOperatorAction {
                // The editions known when the action was recorded (POL-3), as the audit's first judgement.
                let known = try Auditor.context(
                    visible, before: fact, countingLateFacts: false,
                    editions: editions.known(at: fact.recordedAt), calendar: calendar)
                judgements = Rulebook.judge(fact.fact, context: known)
            }
            guard let after = stateAfter[fact.position] else { continue }
            entries.append(
                Entry(
                    fact: fact, state: after, judgements: judgements,
                    findings: findingsByPosition[fact.position] ?? [], isRecordedLate: isLate))
        }
        if let state, !state.complaints.isEmpty {
            let end = view.asOf ?? now ?? entries.map(\.occurredAt).max() ?? state.activatedAt
            complaints = ReplayComplaint.all(of: state, until: end, editions: editions, calendar: calendar)
            for index in entries.indices {
                entries[index].complaints = complaints.filter { $0.role(at: entries[index].position) != nil }
            }
        }
        line = history.number
        self.view = view
        owner = try visible.subscriber()
        self.entries = entries
        self.findings = findings
        lineState = state
        if let state {
            let at = view.asOf ?? entries.map(\.occurredAt).max() ?? state.activatedAt
            finalState = StateAfter(line: state, at: at, editions: editions)
            finalStateAt = at
            if state.isClosed {
                netting = NettingStatement(
                    line: state, countHeldAmounts: editions.edition(at: at).netDepositAndGuaranteeAtRevocation)
            }
            let measuredAt = view.asOf ?? now ?? at
            cutsMeasuredAt = measuredAt
            cuts = cutTracker.cuts(now: measuredAt, calendar: calendar)
        }
    }

    /// The audit's findings on the visible facts, in the order of their positions, with the
    /// complaints still unanswered after their time at `end` (CMP-1), as the audit finds them.
    /// - Parameters:
    ///   - visible: The facts of the view.
    ///   - end: The view's end, if it has one (its `asOf`, else now).
    ///   - editions: The rule editions.
    ///   - calendar: The calendar of TIME-1.
    /// - Returns: The findings by position, severity and rule.
    /// - Throws: `FactError` if the facts cannot be folded.
    private static func findings(
        of visible: LineHistory, until end: Timestamp?, editions: PolicyEditions, calendar: TehranCalendar
    ) throws(FactError) -> [Finding] {
        var audited = try Auditor.audit(visible, editions: editions, calendar: calendar)
        if let end {
            audited += try Auditor.unansweredComplaints(visible, at: end, editions: editions, calendar: calendar)
        }
        return audited.sorted {
            ($0.position, $0.severity.rawValue, $0.rule) < ($1.position, $1.severity.rawValue, $1.rule)
        }
    }

    /// Whether the view leaves events out (`--as-of`, `--known-at`): its end is not now.
    public var isPartialView: Bool { view.asOf != nil || view.knownAt != nil }

    /// The findings of ``findings`` that are violations.
    public var violationCount: Int { findings.count { $0.severity == .violation } }
    /// The findings of ``findings`` that are warnings.
    public var warningCount: Int { findings.count { $0.severity == .warning } }
}

extension LineReplay.StateAfter {
    /// The line's figures at `time`, under the edition in force then (POL-1).
    init(line: LineState, at time: Timestamp, editions: PolicyEditions) {
        let edition = editions.edition(at: time)
        self.init(
            LineStatusReport(line: line, at: time, editions: editions),
            noticeLevel: Self.noticeLevel(edition: edition, line: line))
    }

    /// The least whole rials of unpaid usage at which `edition` owes `line` a threshold
    /// notice (NTC-1): the ceiling of `trigger % × threshold`, so that a debt reaches it
    /// exactly when ``PolicyEdition/noticeIsDue(debtRials:plan:service:region:depositHeldRials:guaranteeHeldRials:)``
    /// says so (THR-2). A product beyond 128 bits is shown as the largest amount.
    static func noticeLevel(edition: PolicyEdition, line: LineState) -> Rials {
        let threshold = edition.threshold(
            plan: line.plan, service: line.service, region: line.region, depositHeldRials: line.depositHeld,
            guaranteeHeldRials: line.guaranteeHeld)
        let thresholdPlan = edition.thresholdPlan(
            line.plan, depositHeldRials: line.depositHeld, guaranteeHeldRials: line.guaranteeHeld)
        let percent = Int128(edition.noticeTriggerPercent(for: thresholdPlan))
        let (factor, factorOverflow) = percent.multipliedReportingOverflow(by: Int128(threshold.percentOfBase))
        let (bar, barOverflow) = factor.multipliedReportingOverflow(by: Int128(threshold.baseRials))
        guard !factorOverflow, !barOverflow else { return .max }
        let (quotient, remainder) = bar.quotientAndRemainder(dividingBy: 10_000)
        let ceiling = remainder > 0 ? quotient + 1 : quotient
        return Rials(clamping: max(0, ceiling))
    }
}

extension Ledger {
    /// The replay of `line` in `view` (interchange.md, `replay`).
    ///
    /// - Parameters:
    ///   - line: the line.
    ///   - view: which events count (`asOf`, `knownAt`); every recorded one by default.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/unknownStream`` when the line has no event,
    ///   ``LedgerError/Code/badFact`` when its history does not replay, or the store's error.
    /// - Returns: the replay, its cuts still open measured to the view's `asOf`, else to the ledger's clock.
    public func replay(of line: LineNumber, view: LineHistory.View = .init()) throws(LedgerError) -> LineReplay {
        let history = try history(of: line)
        // The editions known at the view's `knownAt` (POL-3), all of them without it.
        let all = try knownEditions()
        let editions = view.knownAt.map { all.known(at: $0) } ?? all
        do {
            return try LineReplay(history, view: view, editions: editions, calendar: calendar, now: clock.now())
        } catch {
            throw LedgerError(.badFact(error))
        }
    }
}
