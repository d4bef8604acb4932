public import SubledgerLedger
public import SubledgerStore

/// Given/when/then on a ledger in memory, for a service's tests (issue 12 item 6):
/// given the facts of the past, when the operator acts (or applies facts), then exactly
/// these events were recorded, or the action was refused by this rule and nothing was.
///
/// ```swift
/// let scenario = try LedgerScenario.given(pastFacts, now: signedUp)
/// try scenario.when(.cut(direction: .oneWay, reason: .threshold), at: later)
///     .thenRefused(by: "CUT-1")
/// ```
///
/// The `then` checks throw a ``ScenarioFailure`` naming what differs, so they work under
/// any test framework (`#expect(throws: Never.self)`, `XCTAssertNoThrow`, or plain `try`).
public struct LedgerScenario: Sendable {
    /// The ledger, in memory, holding the given facts (and what a `when` recorded).
    public let ledger: Ledger
    /// The ledger's clock: a `when` at a later time moves it there first.
    public let clock: ManualClock

    /// A scenario over a ledger that holds `facts`, recorded as they are (as `import` does),
    /// lawful or not.
    ///
    /// - Parameters:
    ///   - facts: the facts of the past, in the order they happened.
    ///   - now: the ledger clock's present; a fact may not occur more than 5 minutes after it.
    ///   - editions: the rule editions the ledger starts with.
    /// - Returns: the scenario, its ledger holding `facts` and its clock at `now`.
    /// - Throws: ``LedgerError`` when one of `facts` cannot be recorded (bad input); nothing
    ///   is recorded then.
    public static func given(
        _ facts: [LedgerFact], now: Timestamp, editions: PolicyEditions = .builtIn
    ) throws(LedgerError) -> LedgerScenario {
        let clock = ManualClock(now)
        let scenario = LedgerScenario(ledger: .inMemory(editions: editions, clock: clock), clock: clock)
        if !facts.isEmpty { try scenario.ledger.record(facts) }
        return scenario
    }

    /// The operator's `action` on the given facts' line, decided and recorded at `time`
    /// (``Ledger/apply(_:to:at:metadata:)``).
    ///
    /// - Parameters:
    ///   - action: what the operator does.
    ///   - time: when; the clock moves there first when it is later than the clock.
    /// - Returns: the outcome, for a `then`; a scenario whose facts name no line, or more
    ///   than one, gives an outcome that fails every `then` with that reason.
    public func when(_ action: OperatorAction, at time: Timestamp) -> Outcome {
        guard case .line(let number)? = soleLine() else {
            return Outcome(start: head(), result: .failure(.noSoleLine), ledger: ledger)
        }
        let line = LineNumber(stored: number)  // a stream of the ledger's own facts
        return when(at: time) { ledger throws(LedgerError) in try ledger.apply(action, to: line, at: time) }
    }

    /// `facts` applied as the operator's actions (``Ledger/apply(_:)``): judged by the rules
    /// in force at their times, all recorded or none.
    ///
    /// - Parameters:
    ///   - facts: the actions, as facts.
    ///   - time: the clock's present for the apply; it moves there when it is later.
    /// - Returns: the outcome, for a `then`.
    public func when(applying facts: [LedgerFact], at time: Timestamp) -> Outcome {
        when(at: time) { ledger throws(LedgerError) in
            let appended = try ledger.apply(facts)
            return try Self.recorded(appended.positions, in: ledger)
        }
    }

    /// Whatever `body` does to the ledger at `time`, for a `then` (a call of a service's own).
    ///
    /// - Parameters:
    ///   - time: the clock's present for `body`; it moves there when it is later.
    ///   - body: the action, given the ledger; it answers with the facts it recorded.
    /// - Returns: the outcome, for a `then`.
    public func when(
        at time: Timestamp, _ body: (Ledger) throws(LedgerError) -> [RecordedFact]
    ) -> Outcome {
        if time > clock.now() { clock.set(time) }
        let start = head()
        do throws(LedgerError) {
            return Outcome(start: start, result: .success(try body(ledger)), ledger: ledger)
        } catch {
            return Outcome(start: start, result: .failure(.ledger(error)), ledger: ledger)
        }
    }

    /// The stream of the one line the ledger holds facts of, or `nil` when it holds none or several.
    private func soleLine() -> LedgerStream? {
        var lines: Set<LedgerStream> = []
        for fact in allFacts() { if case .line = fact.stream { lines.insert(fact.stream) } }
        return lines.count == 1 ? lines.first : nil
    }

    private func allFacts() -> [LedgerFact] {
        let count = head()
        guard count > 0, let events = try? ledger.store.events(from: 1, limit: Int(count)) else { return [] }
        return events.compactMap { try? RecordedFact($0).fact }
    }

    private func head() -> UInt64 { (try? ledger.store.head().position) ?? 0 }

    private static func recorded(_ positions: [UInt64], in ledger: Ledger) throws(LedgerError) -> [RecordedFact] {
        guard let first = positions.first else { return [] }
        do {
            return try ledger.store.events(from: first, limit: positions.count).map { event throws(FactError) in
                try RecordedFact(event)
            }
        } catch let error as FactError {
            throw .badFact(error)
        } catch let error as EventStoreError {
            throw .store(error)
        } catch {
            throw .store(EventStoreError(.storage, "reading the applied facts back: \(error)"))
        }
    }
}
