public import SubledgerStore

/// Checks facts one at a time, in input order, against the state of their streams: the
/// streaming core of `subledger import` and `subledger apply`.
///
/// ``Ledger/record(_:)`` and ``Ledger/apply(_:)`` validate a batch held in memory. A file
/// of millions of events cannot be held so; this validator reads each stream's recorded
/// history from the store the first time one of the input's facts needs it (its own
/// stream, the line's owner, the subscriber a `LineActivated` names), then folds every
/// admitted fact into that state, so each fact is judged against the store's history plus
/// the facts before it in the input. The checks are exactly those of `record` (``Mode/record``)
/// or `apply` (``Mode/apply``): both call the same validation.
///
/// Memory grows with the number of streams (lines and subscribers) the input touches, not
/// with its number of events: one state per stream, as evolved (and, in a validator made to
/// be restarted, once more as loaded).
///
/// An input is meant to be read twice: once to check it, outside any write transaction,
/// and once more inside ``EventStore/withAppendSession(_:)`` to append it. The second pass
/// starts from `restartedFromLoadedStates()` (package, of a validator made `restartable`),
/// which never reads the store (a read inside
/// the session's write transaction is not allowed), and the session first checks that
/// every stream is still at its `loadedVersions` (no other writer came in between).
///
/// ```swift
/// var validator = try FactStreamValidator(ledger: ledger, mode: .record)
/// for (index, fact) in facts.enumerated() { _ = try validator.admit(fact, index: index) }
/// ```
public struct FactStreamValidator: Sendable {
    /// How the facts are judged.
    public enum Mode: Hashable, Sendable {
        /// As they are, lawful or not (`import`, ``Ledger/record(_:)``): only input that
        /// cannot be a fact is refused; the audit finds the rest. `recordedAt` is accepted.
        case record
        /// As the operator's actions (`apply`, ``Ledger/apply(_:)``): each is first judged by
        /// the rules in force at its `occurredAt`, and a forbidden one is refused with its
        /// rule. `recordedAt` is refused: the store records the time of an action itself.
        case apply
    }

    /// The ledger whose store is read and whose rules and editions judge.
    public let ledger: Ledger
    /// How the facts are judged.
    public let mode: Mode
    /// The states as the store held them before the input's first fact, kept only when the
    /// validator may be restarted (`restartable`): otherwise they would double its memory.
    private var loaded = LoadedStates()
    /// Whether ``restartedFromLoadedStates()`` may be called: whether `loaded` is kept.
    private let restartable: Bool
    /// The states after the facts admitted so far.
    private var current = LoadedStates()
    /// Whether a stream not yet loaded may be read from the store.
    private var mayReadStore = true
    private var recordingTimes: RecordingTimeOrder
    /// Input indices of facts whose `eventId` the store already holds with the same
    /// content: idempotent retries, appended again (the store returns their original
    /// positions) but not folded a second time.
    private var retries: [Int: ProposedEvent] = [:]
    /// Whether the store held no event when the validator was made: then no stream has a
    /// history to load and no `eventId` is known to it, and neither is looked up (issue 13:
    /// a read per fact and per stream, which on PostgreSQL are round trips). Another writer
    /// coming in meanwhile is caught where it always is: by the append's expected versions
    /// and the store's own refusal of a reused `eventId`.
    private let storeWasEmpty: Bool

    /// A validator over `ledger`'s store, which it reads as the input needs.
    ///
    /// - Parameters:
    ///   - ledger: the ledger whose store, rules, editions and clock judge the input.
    ///   - mode: how the facts are judged.
    /// - Throws: ``LedgerError`` when the store's last event cannot be read.
    public init(ledger: Ledger, mode: Mode) throws(LedgerError) {
        try self.init(ledger: ledger, mode: mode, restartable: false)
    }

    /// A validator over `ledger`'s store that keeps the states as loaded when `restartable`,
    /// so that ``restartedFromLoadedStates()`` and ``loadedVersions`` can be asked for (the
    /// two passes of `apply`).
    ///
    /// - Parameters:
    ///   - ledger: the ledger whose store, rules, editions and clock judge the input.
    ///   - mode: how the facts are judged.
    ///   - restartable: whether the states as loaded are kept for a second pass.
    /// - Throws: ``LedgerError`` when the store's last event cannot be read.
    package init(ledger: Ledger, mode: Mode, restartable: Bool) throws(LedgerError) {
        self.ledger = ledger
        self.mode = mode
        self.restartable = restartable
        let last = try Self.lastRecorded(in: ledger.store)
        recordingTimes = RecordingTimeOrder(storeLast: last?.recordedAt ?? .minimum)
        storeWasEmpty = last == nil
    }

    /// The version of every stream loaded so far, as the store held it. An append of the
    /// admitted facts is valid only while each stream is still at this version. Only a
    /// `restartable` validator keeps them.
    package var loadedVersions: [StreamID: UInt64] {
        precondition(restartable, "only a restartable validator keeps the versions as loaded")
        return loaded.versions
    }

    /// A validator that starts the same input again from the states loaded so far, without
    /// reading the store: a stream it has not loaded is an error (the input changed).
    ///
    /// - Returns: the restarted validator; this one is unchanged.
    package func restartedFromLoadedStates() -> FactStreamValidator {
        precondition(restartable, "only a restartable validator keeps the states as loaded")
        var restarted = self
        restarted.current = loaded
        restarted.current.mayReadLog = false
        restarted.mayReadStore = false
        restarted.recordingTimes.restart()
        return restarted
    }

    /// Admits the next fact of the input: loads the streams it needs, refuses it if it
    /// cannot be a fact (or, in ``Mode/apply``, if a rule forbids it), folds it into the
    /// states, and returns the event to append (in ``Mode/apply`` with `rule` and
    /// `policyEdition` in its metadata, POL-2).
    ///
    /// - Parameters:
    ///   - fact: the input's next fact.
    ///   - index: the fact's place in the input, carried by the error as
    ///     ``LedgerError/index`` (a reader of a file passes its 0-based line index).
    /// - Returns: the event to append; for an idempotent retry, the same event again (the store gives
    ///   back its original position).
    /// - Throws: ``LedgerError`` (``LedgerError/Code/badFact``, ``LedgerError/Code/ruleViolation``
    ///   in ``Mode/apply``, ``LedgerError/Code/store``); the input is then refused: the states are
    ///   no longer those of the input, so a caller starts again rather than go on.
    public mutating func admit(_ fact: LedgerFact, index: Int) throws(LedgerError) -> ProposedEvent {
        if mode == .apply, let assigned = fact.assigned {
            throw LedgerError(.badFact(LedgerFact.assignedFieldsRefused(assigned)), index: index)
        }
        if let retry = try retry(fact, index: index) { return retry }
        do {
            try recordingTimes.check(fact.recordedAt, accepted: mode == .record, now: ledger.clock.now())
        } catch {
            throw LedgerError(.badFact(error), index: index)
        }
        do {
            try loadStreams(of: fact)
        } catch let error {
            throw error.at(index: index)
        }
        // `validate` folds the fact into `current` once it has passed the checks before the fold.
        let event = try ledger.validate(fact, index: index, into: &current, judging: mode == .apply)
        recordingTimes.admit(fact.recordedAt, now: ledger.clock.now())
        return event
    }

    /// The event to append when `fact` is a retry of one the store already holds; `nil`
    /// when it is new. A known id with other content is refused here, with its line.
    private mutating func retry(_ fact: LedgerFact, index: Int) throws(LedgerError) -> ProposedEvent? {
        guard fact.eventID != nil else { return nil }
        guard mayReadStore else { return retries[index] }
        guard !storeWasEmpty else { return nil }
        guard let proposed = try ledger.retry(fact, index: index) else { return nil }
        retries[index] = proposed
        return proposed
    }

    /// The event to append again when `fact` is the same fact as `recorded`; metadata that
    /// `apply` added itself (`rule`, `policyEdition`) is not compared.
    static func retry(of recorded: RecordedEvent, by fact: LedgerFact, in store: EventStore) throws -> ProposedEvent? {
        // Clear personal values compare as the commitments a retry of the event makes.
        var proposed = try store.committing(fact.proposedEvent())
        for key in ["rule", "policyEdition"] where proposed.metadata[key] == nil {
            proposed.metadata[key] = recorded.metadata[key]
        }
        return EventStore.isRetry(proposed, of: recorded) ? proposed : nil
    }

    /// Loads the fact's stream, the line's owner and the subscriber an activation names.
    private mutating func loadStreams(of fact: LedgerFact) throws(LedgerError) {
        try load(fact.stream)
        guard case .line(let number) = fact.stream else { return }
        if let owner = current.lines[number]??.subscriberID { try load(.subscriber(owner)) }
        if case .lineActivated(let activated) = fact.event { try load(.subscriber(activated.subscriberID)) }
    }

    private mutating func load(_ stream: LedgerStream) throws(LedgerError) {
        guard current.versions[stream.streamID] == nil else { return }
        guard mayReadStore else {
            throw LedgerError(
                .badFact(
                    FactError(
                        field: "",
                        reason:
                            "\(stream) was not in the input when it was checked: the input changed while it was being recorded"
                    )))
        }
        let states: LoadedStates
        if storeWasEmpty, current.editions != nil, let empty = LoadedStates.empty(stream) {
            states = empty
        } else {
            states = try ledger.loadStates([stream], editions: current.editions == nil)
        }
        if restartable { loaded.adopt(states) }
        current.adopt(states)
    }

    /// The store's last event; `nil` when it holds none.
    private static func lastRecorded(in store: EventStore) throws(LedgerError) -> RecordedEvent? {
        do {
            let head = try store.head()
            guard head.position > 0 else { return nil }
            return try store.events(from: head.position, limit: 1).first
        } catch let error as EventStoreError {
            throw LedgerError(.store(error))
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "reading the log's head")))
        }
    }
}

extension LoadedStates {
    /// The state of `stream` in a store that holds no event, as ``Ledger/loadStates(_:editions:)``
    /// would load it there: no state, at version 0. `nil` for the policy stream, whose loading
    /// also gives the editions.
    fileprivate static func empty(_ stream: LedgerStream) -> LoadedStates? {
        var states = LoadedStates()
        switch stream {
        case .line(let number): states.lines[number] = .some(nil)
        case .subscriber(let id): states.subscribers[id] = .some(nil)
        case .policy: return nil
        }
        states.versions[stream.streamID] = 0
        return states
    }

    /// Takes the streams of `other` in (they are not in `self` yet).
    fileprivate mutating func adopt(_ other: LoadedStates) {
        eventLines.merge(other.eventLines) { _, new in new }
        lines.merge(other.lines)
        subscribers.merge(other.subscribers)
        versions.merge(other.versions) { _, new in new }
        // The policy stream's editions replace those loaded before (they are its version's);
        // otherwise the editions stay as they are, grown by the facts admitted.
        if case .some = other.versions[LedgerStream.debtorSubscribersPolicy.streamID] {
            editions = other.editions
        } else if editions == nil {
            editions = other.editions
        }
    }
}
