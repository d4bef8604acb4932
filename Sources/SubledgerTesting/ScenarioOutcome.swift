public import SubledgerLedger
import SubledgerStore

extension LedgerScenario {
    /// What a `when` did: the facts it recorded, or why it recorded nothing.
    public struct Outcome: Sendable {
        /// Why a `when` recorded nothing.
        public enum Failure: Error, Sendable {
            /// The ledger refused (``LedgerError/code`` says how).
            case ledger(LedgerError)
            /// ``LedgerScenario/when(_:at:)`` needs the given facts to name exactly one line.
            case noSoleLine
        }

        /// The log's head before the `when`.
        public let start: UInt64
        /// The facts recorded, or why none was.
        public let result: Result<[RecordedFact], Failure>
        let ledger: Ledger

        /// The facts the `when` recorded.
        ///
        /// - Returns: the recorded facts, in log order.
        /// - Throws: ``ScenarioFailure`` when it recorded nothing, with the ledger's refusal.
        public func recorded() throws(ScenarioFailure) -> [RecordedFact] {
            switch result {
            case .success(let facts): return facts
            case .failure(.ledger(let error)): throw ScenarioFailure("expected facts to be recorded, got: \(error)")
            case .failure(.noSoleLine): throw ScenarioFailure("the given facts name no line, or more than one")
            }
        }

        /// Then the `when` recorded exactly `events`, in this order, and nothing else.
        ///
        /// - Parameters:
        ///   - events: the events expected, as the ledger decided them.
        /// - Throws: ``ScenarioFailure`` naming the first event that differs, or the refusal.
        public func then(_ events: [LedgerEvent]) throws(ScenarioFailure) {
            let actual = try recorded().map(\.event)
            guard actual != events else { return }
            let common = min(actual.count, events.count)
            let index = (0..<common).first { actual[$0] != events[$0] } ?? common
            throw ScenarioFailure(
                "expected \(events.count) events, got \(actual.count); they differ at event \(index + 1): "
                    + "expected \(events.dropFirst(index).first.map { "\($0)" } ?? "none"), "
                    + "got \(actual.dropFirst(index).first.map { "\($0)" } ?? "none")")
        }

        /// Then the `when` was refused by `rule` (the first rule it breaks) and recorded nothing.
        ///
        /// - Parameters:
        ///   - rule: the rule id expected to refuse, such as `"CUT-1"`.
        ///   - edition: the rule's edition expected, or `nil` for any.
        /// - Throws: ``ScenarioFailure`` when the `when` succeeded, failed otherwise, was
        ///   refused by another rule or edition, or the log grew.
        public func thenRefused(by rule: RuleID, edition: String? = nil) throws(ScenarioFailure) {
            let error = try refusal()
            guard let violation = error.violation else {
                throw ScenarioFailure("expected a refusal by \(rule), got: \(error)")
            }
            guard violation.rule == rule, edition.map({ $0 == violation.edition }) ?? true else {
                throw ScenarioFailure(
                    "expected a refusal by \(rule)\(edition.map { " (edition \($0))" } ?? ""), got: \(violation)")
            }
            try expectNothingRecorded()
        }

        /// Then the `when` was refused as bad input about `field` and recorded nothing.
        ///
        /// - Parameters:
        ///   - field: the field expected at fault, in the interchange format (`data.amount`).
        /// - Throws: ``ScenarioFailure`` when the `when` succeeded, failed otherwise, named
        ///   another field, or the log grew.
        public func thenBadFact(field: String) throws(ScenarioFailure) {
            let error = try refusal()
            guard let problem = error.factError, problem.field == field else {
                throw ScenarioFailure("expected bad input in \(field), got: \(error)")
            }
            try expectNothingRecorded()
        }

        private func refusal() throws(ScenarioFailure) -> LedgerError {
            switch result {
            case .success(let facts):
                throw ScenarioFailure("expected a refusal, got \(facts.count) facts recorded: \(facts.map(\.event))")
            case .failure(.noSoleLine): throw ScenarioFailure("the given facts name no line, or more than one")
            case .failure(.ledger(let error)): return error
            }
        }

        private func expectNothingRecorded() throws(ScenarioFailure) {
            let now = (try? ledger.store.head().position) ?? 0
            guard now == start else {
                throw ScenarioFailure("refused, yet the log grew from position \(start) to \(now)")
            }
        }
    }
}

/// A `then` of ``LedgerScenario`` that did not hold: what was expected and what happened.
public struct ScenarioFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was expected and what happened, for a person.
    public var message: String

    /// A failure with its message.
    ///
    /// - Parameters:
    ///   - message: what was expected and what happened.
    public init(_ message: String) { self.message = message }

    /// The ``message``, as a test framework prints it.
    public var description: String { message }
}
