import Dispatch
import SubledgerStore
import Synchronization

/// The states of the streams a batch touches, loaded from the store.
struct LoadedStates {
    /// Each line loaded: its state, `nil` when the line has no event yet.
    var lines = StateTable<LineState?>()
    /// Each subscriber loaded: their state, `nil` when the stream has no event yet.
    var subscribers = StateTable<SubscriberState?>()
    var versions: [StreamID: UInt64] = [:]
    /// The line of each event a complaint named (CMP-1) or an input's fact gave as its
    /// position (an export's): `""` for an event of no line.
    var eventLines: [UInt64: String] = [:]
    /// Whether the log may be read to learn an event's line (not within an append session,
    /// whose pass the first pass checked).
    var mayReadLog = true
    /// The editions known (POL-3) with the facts validated so far: loaded with the first
    /// stream, and grown by each `PolicyEditionAdopted` validated.
    var editions: PolicyEditions?
}

/// The events of one attempt to append, decided or validated against the streams as read,
/// and the versions they were read at: appended with those as expectations, a conflict means
/// another writer came first (read again, decide again).
struct PreparedAppend: Sendable {
    var events: [ProposedEvent]
    var expectations: [StreamID: ExpectedVersion]

    /// Appends through `append` (the store's synchronous or shared commit): a version
    /// conflict is `.conflicted`, any other error the ledger's.
    func attempt(
        while action: String, _ append: ([ProposedEvent], [StreamID: ExpectedVersion]) throws -> AppendResult
    ) throws(LedgerError) -> ConflictRetry.Attempt<AppendResult> {
        do {
            return .finished(try append(events, expectations))
        } catch let error as EventStoreError where error.code == .versionConflict {
            return .conflicted
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: action)))
        }
    }

    /// Appends through `append`, asynchronously, as ``attempt(while:_:)`` does.
    func attempt(
        while action: String,
        _ append: ([ProposedEvent], [StreamID: ExpectedVersion]) async throws -> AppendResult
    ) async throws(LedgerError) -> ConflictRetry.Attempt<AppendResult> {
        do {
            return .finished(try await append(events, expectations))
        } catch let error as EventStoreError where error.code == .versionConflict {
            return .conflicted
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: action)))
        }
    }
}

extension Ledger {
    /// Loads the current state of `streams` (each read in one short transaction).
    /// With `editions`, also the editions known now (``knownEditions()``).
    func loadStates(_ streams: some Sequence<LedgerStream>, editions: Bool = true) throws(LedgerError) -> LoadedStates {
        var loaded = LoadedStates()
        if editions { loaded.editions = try knownEditions() }
        for stream in streams where loaded.versions[stream.streamID] == nil {
            if try loadStored(stream, into: &loaded) { continue }
            let facts = try recordedFacts(of: stream)
            loaded.versions[stream.streamID] = facts.last?.streamVersion ?? 0
            do {
                switch stream {
                case .policy:
                    // The editions as of the version loaded, so that an adoption is checked
                    // against exactly the stream it is appended to.
                    loaded.editions = try Self.editions(baseEditions, adoptedIn: facts)
                case .line(let number): loaded.lines[number] = try LineHistory.fold(facts)
                case .subscriber(let id):
                    var state: SubscriberState?
                    for fact in facts { state = try SubscriberState.checkedEvolve(state, fact.fact) }
                    loaded.subscribers[id] = state
                }
            } catch {
                throw LedgerError(
                    .badFact(FactError(field: "", reason: "the stored history of \(stream) does not fold: \(error)")))
            }
        }
        return loaded
    }

    /// Loads `stream` from the stored projection; `false` when it is not current.
    private func loadStored(_ stream: LedgerStream, into loaded: inout LoadedStates) throws(LedgerError) -> Bool {
        switch stream {
        case .line(let number):
            return Self.adopt(
                try storedLine(number), into: &loaded.lines[number], version: &loaded.versions[stream.streamID])
        case .subscriber(let id):
            return Self.adopt(
                try storedSubscriber(id), into: &loaded.subscribers[id], version: &loaded.versions[stream.streamID])
        case .policy:
            return false  // not projected: the few editions are read from the stream
        }
    }

    /// Puts what the projection said into the loaded states; `false` when it said nothing.
    private static func adopt<State>(_ lookup: StoredLookup<State>, into slot: inout State??, version: inout UInt64?)
        -> Bool
    {
        switch lookup {
        case .found(let stored):
            slot = .some(stored.state)
            version = stored.version
        case .absent:
            slot = .some(nil)
            version = 0
        case .unavailable:
            return false
        }
        return true
    }

    /// The recorded facts of one stream, in order: read in chunks of
    /// ``StoreLimits/streamReadChunkEvents``, each its own short read transaction.
    func recordedFacts(of stream: LedgerStream) throws(LedgerError) -> [RecordedFact] {
        do {
            var events: [RecordedEvent] = []
            try store.forEachEvent(in: stream.streamID) { events.append($0) }
            return try RecordedFact.decode(events)
        } catch let error as EventStoreError {
            throw LedgerError(.store(error))
        } catch let error as FactError {
            throw LedgerError(.badFact(error))
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "reading \(stream)")))
        }
    }

    /// Validates `facts` against the streams they touch and appends them in one batch with
    /// the versions they were validated against; retried when another writer got there first.
    /// Each stream of `expected` must be at its version (``checkExpected(_:in:)``) unless every
    /// fact is an idempotent retry.
    func append(
        _ facts: [LedgerFact], judging: Bool, expecting expected: [StreamID: UInt64] = [:]
    ) throws(LedgerError) -> AppendResult {
        try ConflictRetry.run(exhausted: Self.streamsKeptChanging) { () throws(LedgerError) in
            let prepared = try prepareAppend(facts, judging: judging, expecting: expected)
            return try prepared.attempt(while: "appending") { try store.append($0, expecting: $1) }
        }
    }

    /// What a batch's attempts throw when every one conflicted.
    static func streamsKeptChanging() -> LedgerError {
        LedgerError(.store(EventStoreError(.versionConflict, "the streams kept changing while the facts were validated")))
    }

    /// One attempt's batch: `facts` validated against the streams as they are now, with the
    /// versions they were validated against (the expectations of the append). Each stream of
    /// `expected` must be at its version unless every fact is an idempotent retry.
    func prepareAppend(
        _ facts: [LedgerFact], judging: Bool, expecting expected: [StreamID: UInt64] = [:]
    ) throws(LedgerError) -> PreparedAppend {
        var streams: [LedgerStream] = []
        for fact in facts {
            streams.append(fact.stream)
            if case .lineActivated(let activated) = fact.event {
                streams.append(.subscriber(activated.subscriberID))
            }
        }
        var loaded = try loadStates(streams)
        let lineOwners = try owners(of: loaded)
        loaded.subscribers.add(missingFrom: lineOwners)
        var proposed: [ProposedEvent] = []
        var retries = 0
        for (index, fact) in facts.enumerated() {
            if let retry = try retry(fact, index: index) {
                proposed.append(retry)
                retries += 1
                continue
            }
            proposed.append(try validate(fact, index: index, into: &loaded, judging: judging))
        }
        var expectations = loaded.versions.mapValues { ExpectedVersion.exactly($0) }
        // A request whose facts are all recorded already is answered as the first was,
        // whatever the stream's version now: the caller's retry records nothing twice.
        if retries < facts.count {
            try checkExpected(expected, in: loaded)
            for (stream, version) in expected { expectations[stream] = .exactly(version) }
        }
        return PreparedAppend(events: proposed, expectations: expectations)
    }

    /// The event to append again when `fact` carries the id of an event the store holds
    /// with the same content (an idempotent retry, not folded twice); `nil` when it is new.
    func retry(_ fact: LedgerFact, index: Int) throws(LedgerError) -> ProposedEvent? {
        guard let id = fact.eventID else { return nil }
        let recorded: RecordedEvent?
        do { recorded = try store.event(withID: id) } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "looking up \(id)")), index: index)
        }
        guard let recorded else { return nil }
        let retried: ProposedEvent?
        do { retried = try FactStreamValidator.retry(of: recorded, by: fact, in: store) } catch {
            throw LedgerError(
                .store(EventStoreError.storage(error, while: "comparing \(id) with the event recorded")), index: index)
        }
        guard let proposed = retried else {
            throw LedgerError(
                .badFact(
                    FactError(
                        field: "eventId",
                        reason: "\(id) is already recorded at position \(recorded.position) with other content")),
                index: index)
        }
        return proposed
    }

    private func owners(of loaded: LoadedStates) throws(LedgerError) -> StateTable<SubscriberState?> {
        let ids = loaded.lines.values.compactMap { $0?.subscriberID }.filter { loaded.subscribers[$0] == nil }
        return try loadStates(ids.map { LedgerStream.subscriber($0) }).subscribers
    }

    /// Checks `fact` on its own (``LedgerFact/checkContent()``, and that it is not dated
    /// after the store's present), then against the states in `loaded` (which must hold its
    /// streams and the line's owner), judges it by the rules when `judging`, and folds it
    /// into `loaded`. Shared by ``record(_:)``, ``apply(_:)`` and the streaming
    /// ``FactStreamValidator``: one validation for the library and the CLI.
    func validate(
        _ fact: LedgerFact, index: Int, into loaded: inout LoadedStates,
        judging: Bool
    ) throws(LedgerError) -> ProposedEvent {
        var fact = fact
        do {
            try fact.checkContent()
            try FactCheck.occurredAt(fact.occurredAt, notAfter: clock.now())
            switch fact.stream {
            case .subscriber(let id):
                let state = loaded.subscribers[id] ?? nil
                try SubscriberState.admit(fact, to: state)
                loaded.subscribers[id] = SubscriberState.evolve(state, fact)
            case .policy:
                guard case .policyEditionAdopted(let adopted) = fact.event else {
                    throw FactCheck.wrongStream(fact.event.type)
                }
                let known = try loaded.editions ?? knownEditions()
                do {
                    loaded.editions = try known.adopting(adopted, at: fact.occurredAt, position: 0)
                } catch {
                    throw error.asFactError(prefix: "data.edition")
                }
            case .line(let number):
                if case .complaintFiled(let complaint) = fact.event, let about = complaint.position {
                    try checkComplaintPosition(about, line: number, in: &loaded)
                }
                try check(&fact, index: index, line: number, in: loaded, judging: judging)
                // Admission (issue 12 item 2): the one place the line's state refuses a fact;
                // the fold after it is total.
                try LineState.admit(fact, to: loaded.lines[number] ?? nil, position: 0)
                // Fold in place, where the state lies, so the line's arrays are not copied at every fact.
                if let place = loaded.lines.place(of: number) {
                    LineState.evolve(&loaded.lines[place: place], fact, position: 0)
                } else {
                    loaded.lines.add(LineState.evolve(nil, fact, position: 0), for: number)
                }
                if let position = fact.assigned?.position { loaded.eventLines[position] = number }
            }
        } catch let error as FactError {
            throw LedgerError(.badFact(error), index: index)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.badFact(FactError(field: "", reason: "\(error)")), index: index)
        }
        return fact.proposedEvent()
    }

    /// CMP-1: the event a complaint names is an event of the same line recorded before it:
    /// in the log already, or earlier in the same input with its position given (an
    /// export's line). A position of another line's event, of a subscriber's, or of no
    /// event recorded yet is refused.
    private func checkComplaintPosition(_ about: UInt64, line number: String, in loaded: inout LoadedStates) throws {
        if loaded.eventLines[about] == nil, loaded.mayReadLog {
            let recorded: RecordedEvent?
            do { recorded = try store.events(from: about, limit: 1).first } catch {
                throw LedgerError(
                    .store(EventStoreError.storage(error, while: "reading the event at position \(about)")))
            }
            if let recorded, recorded.position == about {
                if case .line(let owner) = LedgerStream(recorded.stream) {
                    loaded.eventLines[about] = owner
                } else {
                    loaded.eventLines[about] = ""
                }
            }
        }
        guard let owner = loaded.eventLines[about] else {
            guard loaded.mayReadLog else { return }  // the first pass found it in the log
            throw FactError(
                field: "data.position",
                reason:
                    "names position \(about), where no event is recorded before the complaint: a complaint is about an earlier event of its line (CMP-1)"
            )
        }
        guard owner == number else {
            let whose = owner.isEmpty ? "a subscriber's event" : "an event of line \(owner)"
            throw FactError(
                field: "data.position",
                reason:
                    "names position \(about), \(whose), not one of line \(number): a complaint is about an event of its own line (CMP-1)"
            )
        }
    }

    /// The checks of a line's fact before it is folded: its owner exists (an activation),
    /// and, when `judging`, no rule forbids it; the allowing rules go into its metadata.
    private func check(
        _ fact: inout LedgerFact, index: Int, line number: String, in loaded: LoadedStates,
        judging: Bool
    ) throws {
        let before = loaded.lines[number] ?? nil
        var owner: SubscriberState?
        if case .lineActivated(let activated) = fact.event {
            guard let registered = loaded.subscribers[activated.subscriberID] ?? nil else {
                throw FactError(
                    field: "data.subscriberId", reason: "subscriber \(activated.subscriberID) is not registered")
            }
            owner = registered
        } else if let before {
            owner = loaded.subscribers[before.subscriberID] ?? nil
        }
        if judging {
            // The editions known when the action is recorded, now (POL-3).
            let editions = try (loaded.editions ?? knownEditions()).known(at: clock.now())
            let context = RuleContext(line: before, subscriber: owner, editions: editions, calendar: calendar)
            let judgements = Rulebook.judge(fact, context: context)
            if let refusal = RuleViolation(every: judgements) {
                throw LedgerError(.ruleViolation(refusal), index: index)
            }
            if !judgements.isEmpty {
                fact.metadata.merge(RuleJudgement.metadata(of: judgements)) { _, judged in judged }
                fact.metadata["policyEdition"] = editions.edition(at: fact.occurredAt).id
            }
        }
    }
}

extension RecordedFact {
    /// Histories at least this long are decoded on two cores (the store reads a stream
    /// that long on two cores too).
    static var parallelDecodeThreshold: Int { 512 }

    /// The facts of `events`, decoded on two cores when there are many (a long line's history).
    static func decode(_ events: [RecordedEvent]) throws(FactError) -> [RecordedFact] {
        guard events.count >= parallelDecodeThreshold else {
            return try events.map { recorded throws(FactError) in try RecordedFact(recorded) }
        }
        let middle = events.count / 2
        let halves = [events[..<middle], events[middle...]]
        let decoded = Mutex<[Int: Result<[RecordedFact], FactError>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let result = Result { () throws(FactError) in
                try halves[half].map { recorded throws(FactError) in try RecordedFact(recorded) }
            }
            decoded.withLock { $0[half] = result }
        }
        let results = decoded.withLock { $0 }
        guard let first = results[0], let second = results[1] else {
            preconditionFailure("a half of the facts was not decoded")
        }
        return try first.get() + second.get()
    }
}
