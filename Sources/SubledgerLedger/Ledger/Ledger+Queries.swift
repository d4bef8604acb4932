public import SubledgerStore

extension Ledger {
    /// The line's recorded history with its owner's.
    /// - Parameters:
    ///   - number: the line.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/unknownStream`` when the line has no event,
    ///   or the store's error.
    /// - Returns: the line's facts and those of each subscriber an activation of it names, each in
    ///   position order.
    public func history(of number: LineNumber) throws(LedgerError) -> LineHistory {
        guard let history = try lineHistory(number.text) else {
            throw LedgerError(.unknownStream("line \(number.text)"))
        }
        return history
    }

    /// The line's state in `view`: a view of every recorded event (no `knownAt`, and no
    /// `asOf` or one not before the line's latest `occurredAt`) reads the stored projection
    /// (one record) when it is current; other views fold the line's history.
    /// - Parameters:
    ///   - number: the line.
    ///   - view: which events count (`asOf`, `knownAt`); every recorded one by default.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/unknownStream`` when the line has no
    ///   event (in that view), ``LedgerError/Code/badFact`` when its history does not fold,
    ///   or the store's error.
    /// - Returns: the line's state in `view`.
    public func state(of number: LineNumber, view: LineHistory.View = .init()) throws(LedgerError) -> LineState {
        let line = number.text
        if view.knownAt == nil {
            switch try storedLine(line) {
            case .found(let stored) where view.asOf.map({ stored.state.latestOccurredAt <= $0 }) ?? true:
                return stored.state
            case .found: break
            case .absent: throw LedgerError(.unknownStream("line \(line)"))
            case .unavailable: break
            }
        }
        let history = try history(of: number)
        let state: LineState?
        do { state = try history.state(view) } catch { throw LedgerError(.badFact(error)) }
        guard let state else { throw LedgerError(.unknownStream("line \(line) in that view")) }
        return state
    }

    /// The line's status in `view`. Without `asOf`, the view is as of now (the store's
    /// clock): a fact dated later, which an older store may hold, has not occurred yet and
    /// does not count; `overdue` is judged now.
    ///
    /// - Parameters:
    ///   - line: the line.
    ///   - view: which events count; as of now by default.
    /// - Throws: ``LedgerError``, as ``state(of:view:)`` does.
    /// - Returns: the report of the line's state, under the edition in force at the view's time.
    public func status(of line: LineNumber, view: LineHistory.View = .init()) throws(LedgerError) -> LineStatusReport {
        let view = asOfNow(view)
        // The editions known at the view's time (POL-3): at `knownAt`, else now.
        let editions = try knownEditions().known(at: view.knownAt ?? clock.now())
        return LineStatusReport(line: try state(of: line, view: view), at: view.asOf ?? clock.now(), editions: editions)
    }

    /// The netting statement of the line (VAN-3, LEG-2); without `asOf`, as of now.
    ///
    /// - Parameters:
    ///   - line: the line.
    ///   - view: which events count; as of now by default.
    /// - Throws: ``LedgerError``, as ``state(of:view:)`` does.
    /// - Returns: the line's netting, deposit and guarantee credited as the edition in force says
    ///   (`netDepositAndGuaranteeAtRevocation`); all credits 0 before the line is revoked or sold.
    public func settlement(of line: LineNumber, view: LineHistory.View = .init()) throws(LedgerError)
        -> NettingStatement
    {
        let view = asOfNow(view)
        let state = try state(of: line, view: view)
        let edition = try knownEditions().known(at: view.knownAt ?? clock.now()).edition(at: view.asOf ?? clock.now())
        return NettingStatement(line: state, countHeldAmounts: edition.netDepositAndGuaranteeAtRevocation)
    }

    /// `view`, as of the store's present when it names no `asOf`.
    private func asOfNow(_ view: LineHistory.View) -> LineHistory.View {
        var view = view
        if view.asOf == nil { view.asOf = clock.now() }
        return view
    }

    /// Every line's history, read in one pass over the log in short chunks, in the order of
    /// each line's first event. It holds the whole log in memory: for small stores and tests;
    /// ``forEachLineHistory(_:)`` reads any log in bounded memory.
    /// A line's history holds its facts and those of each subscriber its activations name, in
    /// position order.
    /// - Returns: every line's history.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/badFact`` when a stored event is not a ledger fact,
    ///   ``LedgerError/Code/store`` when the log cannot be read.
    public func allHistories() throws(LedgerError) -> [LineHistory] {
        var lineFacts: [String: [RecordedFact]] = [:]
        var subscriberFacts: [String: [RecordedFact]] = [:]
        var order: [String] = []
        do {
            // Decoded on two cores, gathered here in position order.
            try store.forEachChunk(prepare: { chunk in
                try chunk.map { recorded throws(FactError) in try RecordedFact(recorded) }
            }) { facts in
                for fact in facts {
                    switch fact.stream {
                    case .line(let number):
                        if lineFacts[number] == nil { order.append(number) }
                        lineFacts[number, default: []].append(fact)
                    case .subscriber(let id): subscriberFacts[id, default: []].append(fact)
                    case .policy: break  // the editions, read by knownEditions()
                    }
                }
            }
        } catch let error as FactError {
            throw LedgerError(.badFact(error))
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "reading the log")))
        }
        return order.map { number in
            let facts = lineFacts[number] ?? []
            var owners: [String] = []
            for fact in facts {
                if case .lineActivated(let activated) = fact.event, !owners.contains(activated.subscriberID) {
                    owners.append(activated.subscriberID)
                }
            }
            return LineHistory(
                number: number, facts: facts, subscriberFacts: owners.flatMap { subscriberFacts[$0] ?? [] })
        }
    }

    /// The operator's work list at `time`, over every line: each line's entries, lines in the
    /// byte order of their numbers (``forEachLineHistory(_:)``), then the erasures due (RET-1)
    /// by subscriber id. It streams the log line by line: memory holds the list itself and,
    /// per subscriber with a line, its state and its lines' states (for RET-1), not the log.
    ///
    /// - Parameters:
    ///   - time: the moment to judge at.
    /// - Returns: the actions due at `time`.
    /// - Throws: ``LedgerError``: the store's error, or ``LedgerError/Code/badFact`` when a stored
    ///   event is not a fact.
    public func due(at time: Timestamp) throws(LedgerError) -> [DueAction] {
        // The editions known at `time` (POL-3).
        let editions = try knownEditions().known(at: time)
        var entries: [DueAction] = []
        var owners: [String: (state: SubscriberState, lines: [LineState])] = [:]
        try forEachLineHistory { history throws(LedgerError) in
            let view = LineHistory.View(asOf: time)
            guard let state = try? history.state(view) else { return }
            let owner = try? history.subscriber(view)
            entries += WorkList.due(
                line: state, subscriber: owner ?? nil, at: time, editions: editions, calendar: calendar)
            if let owner = owner ?? nil {
                owners[owner.registration.subscriberID, default: (owner, [])].lines.append(state)
            }
        }
        return entries
            + Self.erasuresDue(
                owners.values.sorted { $0.state.registration.subscriberID < $1.state.registration.subscriberID },
                at: time, editions: editions, calendar: calendar)
    }

    /// RET-1: each subscriber not erased yet whose retention ended by `time`.
    static func erasuresDue(
        _ owners: [(state: SubscriberState, lines: [LineState])], at time: Timestamp,
        editions: PolicyEditions, calendar: TehranCalendar
    ) -> [DueAction] {
        owners.compactMap { owner in
            guard owner.state.erasedAt == nil,
                let until = Retention.personalDataRetainedUntil(
                    lines: owner.lines, editions: editions, calendar: calendar),
                until <= time,
                let last = owner.lines.max(by: { ($0.endedAt ?? .minimum) < ($1.endedAt ?? .minimum) })
            else { return nil }
            return DueAction(
                line: last.number, action: .erase, rule: "RET-1", since: until,
                subscriber: owner.state.registration.subscriberID)
        }
    }

    /// The audit's findings, for one line or every line, by position then rule. Every line is
    /// audited as ``forEachLineHistory(_:)`` streams it: memory holds the findings and the
    /// suspensions for reasons other than debt (for the pass across lines, SUS-2), not the log.
    ///
    /// - Parameters:
    ///   - line: the one line to audit; every line by default.
    /// - Returns: the findings, sorted by position, then rule.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/unknownStream`` for a line without events,
    ///   ``LedgerError/Code/badFact`` when a history does not fold, or the store's error.
    /// - Returns: the findings (``Auditor``), violations and warnings, sorted by position then rule.
    public func audit(line: LineNumber? = nil) throws(LedgerError) -> [Finding] {
        let now = clock.now()
        // Every edition with its adoption: the audit judges each action under those known
        // when it was recorded and under those in force with all known now (POL-3).
        let editions = try knownEditions()
        var audited: [Finding] = []
        var omissions: [Finding] = []
        var cuts: [LineSuspended.Reason: [Auditor.SuspensionSeen]] = [:]
        func visit(_ history: LineHistory) throws(LedgerError) {
            do throws(FactError) {
                audited += try Auditor.audit(history, editions: editions, calendar: calendar)
                Auditor.gatherSuspensions(of: history, into: &cuts)
                // Omissions as of now: lines still cut after their restoration was owed (GEN-3, KYC-1),
                // complaints unanswered after their time to answer (CMP-1).
                omissions += try Auditor.stillCut(history, at: now, editions: editions)
                omissions += try Auditor.unansweredComplaints(history, at: now, editions: editions, calendar: calendar)
            } catch {
                throw LedgerError(.badFact(error))
            }
        }
        if let line { try visit(try history(of: line)) } else { try forEachLineHistory(visit) }
        let mass = Auditor.massSuspensions(cuts, editions: editions, calendar: calendar)
        return (audited + mass + omissions).sorted { ($0.position, $0.rule) < ($1.position, $1.rule) }
    }
}

extension Ledger {
    /// The subscriber's state with every line activated for them: one read of the stored
    /// projection, or a scan of the log when the projection is not current.
    ///
    /// - Parameters:
    ///   - subscriber: the subscriber.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/unknownStream`` when the subscriber has
    ///   no event, ``LedgerError/Code/badFact`` when their history does not fold, or the store's error.
    /// - Returns: the subscriber's state, with the numbers of their lines in the order first activated.
    public func subscriber(_ subscriber: SubscriberID) throws(LedgerError) -> SubscriberState {
        let id = subscriber.text
        switch try storedSubscriber(id) {
        case .found(let stored): return stored.state
        case .absent: throw LedgerError(.unknownStream("subscriber \(id)"))
        case .unavailable: break
        }
        var state: SubscriberState?
        do {
            for fact in try recordedFacts(of: .subscriber(id)) {
                state = try SubscriberState.checkedEvolve(state, fact.fact)
            }
        } catch let error as FactError {
            throw LedgerError(.badFact(error))
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.badFact(FactError(field: "", reason: "\(error)")))
        }
        guard var subscriber = state else { throw LedgerError(.unknownStream("subscriber \(id)")) }
        // Their lines in the order of each line's first event, as the stored projection lists them.
        var lines: [(firstPosition: UInt64, number: String)] = []
        // Only the lines' own streams are read: their owners' are not needed to find them.
        try forEachLine { number, facts throws(LedgerError) in
            let activated = facts.contains { fact in
                if case .lineActivated(let activated) = fact.event { activated.subscriberID == id } else { false }
            }
            if activated, let first = facts.first { lines.append((first.position, number)) }
        }
        subscriber.lines += lines.sorted { $0.firstPosition < $1.firstPosition }.map(\.number)
            .filter { !subscriber.lines.contains($0) }
        return subscriber
    }
}
