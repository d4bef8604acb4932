public import SubledgerStore

/// An error of the ledger: bad input (which fact, which field), a rule that forbids an
/// action (which rule, which edition), or the store's own error.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Input that cannot be a fact.
        case badFact(FactError)
        /// An action a rule forbids.
        case ruleViolation(RuleViolation)
        /// The store failed.
        case store(EventStoreError)
        /// The line or subscriber is unknown.
        case unknownStream(String)
    }

    public var kind: Kind
    /// The 0-based index of the fact in the batch, when the error is about one.
    public var index: Int?

    public init(_ kind: Kind, index: Int? = nil) {
        self.kind = kind
        self.index = index
    }

    public var description: String {
        let prefix = index.map { "fact \($0 + 1): " } ?? ""
        switch kind {
        case .badFact(let error): return prefix + error.description
        case .ruleViolation(let violation): return prefix + "refused by \(violation)"
        case .store(let error): return prefix + error.message
        case .unknownStream(let stream): return prefix + "\(stream) does not exist"
        }
    }
}
