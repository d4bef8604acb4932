public import SubledgerStore
public import Logging
package import Dispatch
import Foundation
import Synchronization

/// The ledger as a library: record facts, apply actions through the rules, ask a line's
/// state, the work list, the audit and the netting, and follow the committed events.
///
/// ```swift
/// let ledger = try Ledger.open(at: "ledger-store")
/// try ledger.record([fact])
/// let status = try ledger.status(of: "+989121234567")
/// ```
///
/// ## Topics
/// ### Opening
/// - ``open(at:editions:calendar:clock:readOnly:keyFile:logger:)``
/// - ``inMemory(editions:calendar:clock:logger:)``
/// ### Recording and acting
/// - ``record(_:)``
/// - ``apply(_:)``
/// - ``apply(_:to:at:metadata:)``
/// ### Asking
/// - ``state(of:view:)``
/// - ``status(of:view:)``
/// - ``history(of:)``
/// - ``due(at:)``
/// - ``audit(line:)``
/// - ``settlement(of:view:)``
/// - ``follow(from:pollInterval:)``
/// ### Editions (POL-3)
/// - ``baseEditions``
/// - ``editions``
/// - ``knownEditions()``
/// ### Stored projections
/// - ``rebuildProjections()``
public final class Ledger: Sendable {
    /// The event store the ledger records into and reads from (its log, key file and projections).
    public let store: EventStore
    /// The editions given in code (built in by default), known at every time; the editions
    /// adopted as facts (POL-3) are added to them (``editions``).
    public let baseEditions: PolicyEditions
    /// The Tehran calendar the rules count days and months in (TIME-1).
    public let calendar: TehranCalendar
    let clock: any StoreClock
    /// The editions with those adopted in the policy stream, at the stream's version: read
    /// again only when the stream has grown (editions are few; one version read per use).
    private let adoptedEditions = Mutex<(version: UInt64, editions: PolicyEditions)?>(nil)
    /// Where the ledger reports the facts and actions it refuses (``StoreLogging``:
    /// `info`, `ledger.refusal`); silent by default.
    let logger: Logger
    /// The concurrent queue the `async` ``record(_:)`` and `apply` read and validate on
    /// (threads of its own, never Swift's cooperative pool); their commits are the store's
    /// group commits.
    package let preparationQueue = DispatchQueue(
        label: "subledger.ledger-preparation", qos: .userInitiated, attributes: .concurrent)
    /// The turns the `async` calls take on the streams of their facts (``StreamTurns``).
    let streamTurns = StreamTurns()

    /// A ledger over a store already open (``open(at:editions:calendar:clock:readOnly:keyFile:logger:)``
    /// opens one with the ledger's projection).
    /// - Parameters:
    ///   - store: the event store, opened with the projection `LedgerProjection` for the stored states.
    ///   - editions: the editions given in code, known at every time; built in by default.
    ///   - calendar: the Tehran calendar the rules count days in.
    ///   - clock: the ledger's present: views as of now, the audit's omissions, the bound on `occurredAt`.
    ///   - logger: where refusals are logged; ``StoreLogging/silent`` by default. The
    ///     store logs through its own (``EventStore/Options/logger``).
    public init(
        store: EventStore, editions: PolicyEditions = .builtIn, calendar: TehranCalendar = .standard,
        clock: any StoreClock = SystemClock(), logger: Logger = StoreLogging.silent
    ) {
        self.store = store
        self.baseEditions = editions
        self.calendar = calendar
        self.clock = clock
        self.logger = logger
    }

    /// The editions the ledger knows now: ``baseEditions`` and every edition adopted in the
    /// policy stream (POL-3), each with its adoption. ``baseEditions`` alone when the policy
    /// stream cannot be read (the operations that need the editions throw then).
    public var editions: PolicyEditions {
        (try? knownEditions()) ?? baseEditions
    }

    /// ``baseEditions`` with the editions adopted in the policy stream, in log order, each
    /// `basedOn` resolved against those before it (POL-3).
    /// - Returns: the editions, each from its adoption; read from the policy stream only when the
    ///   stream has grown since the last call.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/store`` when the policy stream cannot be read,
    ///   ``LedgerError/Code/badFact`` when a stored edition does not resolve.
    public func knownEditions() throws(LedgerError) -> PolicyEditions {
        let stream = LedgerStream.debtorSubscribersPolicy
        let version: UInt64
        do { version = try store.version(of: stream.streamID) } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "reading the policy stream's version")))
        }
        if let cached = adoptedEditions.withLock({ $0 }), cached.version == version { return cached.editions }
        let facts = try recordedFacts(of: stream)
        let editions = try Self.editions(baseEditions, adoptedIn: facts)
        adoptedEditions.withLock { $0 = (facts.last?.streamVersion ?? 0, editions) }
        return editions
    }

    /// `base` with the editions `facts` (the policy stream, in order) adopt.
    static func editions(_ base: PolicyEditions, adoptedIn facts: [RecordedFact]) throws(LedgerError) -> PolicyEditions
    {
        var editions = base
        for fact in facts {
            guard case .policyEditionAdopted(let adopted) = fact.event else { continue }
            do {
                editions = try editions.adopting(adopted, at: fact.occurredAt, position: fact.position)
            } catch {
                throw LedgerError(
                    .badFact(
                        FactError(
                            field: error.asFactError(prefix: "data.edition").field,
                            reason: "\(error.reason) (the stored edition adopted at position \(fact.position))")))
            }
        }
        return editions
    }

    /// Opens (or creates) the ledger's store in the folder `path`, with the stored line and
    /// subscriber projections (``LedgerProjection``), caught up with the log if behind.
    ///
    /// With `readOnly`, the store must exist and is opened without writing anything to it
    /// (``EventStore/Options/readOnly``): a copy on read-only media or another user's folder
    /// can be asked; stored projections behind the log are folded in memory, and
    /// recording throws. `keyFile` names the store's key file (default: `<folder>.keys` beside it).
    /// `logger` gets the store's reports (map growth, slow commits, projection rebuilds,
    /// refused appends) and the ledger's refusals; silent by default (``StoreLogging``).
    /// - Parameters:
    ///   - path: the store's folder.
    ///   - editions: the editions given in code, known at every time; built in by default.
    ///   - calendar: the Tehran calendar the rules count days in.
    ///   - clock: the store's clock (`recordedAt`) and the ledger's present.
    ///   - readOnly: whether to open the store only to read.
    ///   - keyFilePath: the store's key file; `nil` for `<folder>.keys` beside the folder.
    ///   - logger: where the store's reports and the ledger's refusals go.
    /// - Returns: the ledger, its projections caught up with the log.
    /// - Throws: `EventStoreError` when the store cannot be opened (with `readOnly`, one that does
    ///   not exist), `StoreKeyFileError` when its key file cannot be used.
    public static func open(
        at path: String, editions: PolicyEditions = .builtIn, calendar: TehranCalendar = .standard,
        clock: any StoreClock = SystemClock(), readOnly: Bool = false, keyFile keyFilePath: String? = nil,
        logger: Logger = StoreLogging.silent
    ) throws -> Ledger {
        let options = EventStore.Options(
            clock: clock, projection: LedgerProjection(), readOnly: readOnly, logger: logger)
        let store = try EventStore.open(at: path, options: options)
        // The key file seals the subscribers' personal data (RET-1): beside the folder by
        // default, created by a writer, only read (when there) by a reader.
        let keyFile = keyFilePath ?? StoreKeyFile.defaultPath(forStoreAt: path)
        if !readOnly {
            try store.openKeyFile(at: keyFile, creatingBesideStoreAt: path)
        } else if FileManager.default.fileExists(atPath: keyFile) {
            try store.openKeyFile(at: keyFile)
        }
        return Ledger(store: store, editions: editions, calendar: calendar, clock: clock, logger: logger)
    }

    /// A ledger in memory, with the same behaviour (its key file is held in memory).
    /// - Parameters:
    ///   - editions: the editions given in code, known at every time; built in by default.
    ///   - calendar: the Tehran calendar the rules count days in.
    ///   - clock: the store's clock (`recordedAt`) and the ledger's present.
    ///   - logger: where the store's reports and the ledger's refusals go.
    /// - Returns: an empty ledger, gone when it is released.
    public static func inMemory(
        editions: PolicyEditions = .builtIn, calendar: TehranCalendar = .standard,
        clock: any StoreClock = SystemClock(), logger: Logger = StoreLogging.silent
    ) -> Ledger {
        Ledger(
            store: .inMemory(clock: clock, projection: LedgerProjection(), logger: logger), editions: editions,
            calendar: calendar,
            clock: clock, logger: logger)
    }

    /// Records `facts` as they are, lawful or not (`import`): all in one transaction, or
    /// none when one cannot be a fact. Rule-breaking facts are recorded for the audit.
    /// A fact that carries the `eventId` of an event recorded with the same content is an idempotent
    /// retry: it keeps its position and is not recorded again.
    /// - Parameter facts: the facts, in the order to record them.
    /// - Returns: the position of each fact, how many were new, and the log's head.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/badFact`` (with the fact's ``LedgerError/index``)
    ///   for a fact that cannot be recorded, ``LedgerError/Code/readOnly``, or another store error;
    ///   nothing is recorded then.
    @discardableResult
    public func record(_ facts: [LedgerFact]) throws(LedgerError) -> AppendResult {
        try loggingRefusal("recording \(facts.count) facts") { () throws(LedgerError) in
            try append(facts, judging: false)
        }
    }

    /// Records `facts` as the operator's actions (`apply`): each is first judged by the
    /// rules in force at its time; one forbidden, nothing is recorded. Recorded actions
    /// carry `rule` and `policyEdition` (POL-2).
    /// - Parameter facts: the actions, in the order to record them.
    /// - Returns: the position of each fact, how many were new, and the log's head.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/ruleViolation`` naming the rule and edition that
    ///   forbid an action, ``LedgerError/Code/badFact`` for a fact that cannot be recorded (each with the
    ///   fact's ``LedgerError/index``), or the store's error; nothing is recorded then.
    @discardableResult
    public func apply(_ facts: [LedgerFact]) throws(LedgerError) -> AppendResult {
        try loggingRefusal("applying \(facts.count) actions") { () throws(LedgerError) in
            try append(facts, judging: true)
        }
    }

    /// Runs `body`; a refusal it throws is logged (``StoreLogging``: `info`, `ledger.refusal`)
    /// with `what` and the error, then thrown as it was.
    func loggingRefusal<Value>(_ what: @autoclosure () -> String, _ body: () throws(LedgerError) -> Value)
        throws(LedgerError) -> Value
    {
        do {
            return try body()
        } catch {
            logger.info("refused \(what()): \(error)", metadata: [StoreLogging.eventKey: "ledger.refusal"])
            throw error
        }
    }

    /// Decides `action` on `line` at `time` and records its events; refuses with the rule.
    ///
    /// Its facts pass the checks every recorded fact passes (``LedgerFact/checkContent()``,
    /// and `time` no later than 5 minutes after the store's present).
    ///
    /// - Returns: the events recorded, as the store recorded them: each with its position,
    ///   stream version, `eventId` and `recordedAt` (a debt cut records its cut notice
    ///   first, GEN-5).
    /// - Throws: ``LedgerError``: a ``LedgerError/Code/ruleViolation`` naming the rule
    ///   and edition that forbid the action, or the store's error; nothing is recorded then.
    /// - Parameters:
    ///   - action: what the operator does.
    ///   - line: the line it is done to.
    ///   - time: when it is done (the time the rules judge).
    ///   - metadata: the caller's notes (`actor`, `source`), kept with each event.
    @discardableResult
    public func apply(
        _ action: OperatorAction, to line: LineNumber, at time: Timestamp,
        metadata: [String: String] = [:]
    ) throws(LedgerError) -> [RecordedFact] {
        try loggingRefusal("\(action) on line \(line)") { () throws(LedgerError) in
            try decideAndAppend(action, to: line, at: time, metadata: metadata)
        }
    }

    private func decideAndAppend(
        _ action: OperatorAction, to number: LineNumber, at time: Timestamp,
        metadata: [String: String]
    ) throws(LedgerError) -> [RecordedFact] {
        try checkActionTime(time)
        let appended: AppendResult = try ConflictRetry.run(exhausted: { Self.lineKeptChanging(number) }) {
            () throws(LedgerError) in
            let prepared = try decide(action, on: number, at: time, metadata: metadata)
            return try prepared.attempt(while: "recording the action") { try store.append($0, expecting: $1) }
        }
        return try recordedFacts(at: appended.positions)
    }

    /// Refuses an action's time later than 5 minutes after the store's present.
    func checkActionTime(_ time: Timestamp) throws(LedgerError) {
        do throws(FactError) {
            try FactCheck.occurredAt(time, notAfter: clock.now())
        } catch {
            throw LedgerError(.badFact(error))
        }
    }

    /// What an action's attempts throw when every one conflicted.
    static func lineKeptChanging(_ number: LineNumber) -> LedgerError {
        LedgerError(
            .store(EventStoreError(.versionConflict, "line \(number.text) kept changing while the action was decided")))
    }

    /// One attempt of an action: `decide` on the line and its owner as they are now, the
    /// facts checked, expecting the line at the version decided on.
    func decide(
        _ action: OperatorAction, on number: LineNumber, at time: Timestamp, metadata: [String: String]
    ) throws(LedgerError) -> PreparedAppend {
        let line = number.text
        let loaded = try loadStates([.line(line)])
        guard let state = loaded.lines[line] ?? nil else { throw LedgerError(.unknownStream("line \(line)")) }
        let owner = try loadStates([.subscriber(state.subscriberID)]).subscribers[state.subscriberID] ?? nil
        let editions = try knownEditions().known(at: clock.now())
        switch Decider.decide(
            action, line: state, subscriber: owner, at: time, editions: editions, calendar: calendar,
            metadata: metadata)
        {
        case .failure(let violation):
            throw LedgerError(.ruleViolation(violation))
        case .success(let decision):
            for fact in decision.facts {
                do throws(FactError) { try fact.checkContent() } catch { throw LedgerError(.badFact(error)) }
            }
            return PreparedAppend(
                events: decision.facts.map { $0.proposedEvent() },
                expectations: [.line(line): .exactly(loaded.versions[.line(line)] ?? 0)])
        }
    }

    /// The facts at `positions`, read back as the store recorded them (positions of one
    /// append are consecutive; the events there are immutable, so the read is exact).
    func recordedFacts(at positions: [UInt64]) throws(LedgerError) -> [RecordedFact] {
        guard let first = positions.first else { return [] }
        do {
            let events = try store.events(from: first, limit: positions.count)
            guard events.map(\.position) == positions else {
                throw EventStoreError(
                    .corrupted,
                    "positions \(positions) were appended but reading them back gave \(events.map(\.position))")
            }
            return try events.map { recorded throws(FactError) in try RecordedFact(recorded) }
        } catch let error as EventStoreError {
            throw LedgerError(.store(error))
        } catch let error as FactError {
            throw LedgerError(.badFact(error))
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "reading the recorded action back")))
        }
    }
}
