public import SubledgerStore

/// The recorded facts of one line with its owner's, from which any view of the line is
/// folded: as it happened (by occurrence), as it was known (by recording), or both.
public struct LineHistory: Sendable {
    /// The line's E.164 number.
    public var number: String
    /// ``number`` as the ledger's queries take it (a history is read from the ledger's own streams).
    public var line: LineNumber { LineNumber(stored: number) }
    /// The line's facts in position order.
    public var facts: [RecordedFact]
    /// The owner's facts (registration, verification) in position order.
    public var subscriberFacts: [RecordedFact]

    /// - Parameters:
    ///   - number: the line's E.164 number.
    ///   - facts: the line's facts, in position order.
    ///   - subscriberFacts: the owner's facts, in position order.
    public init(number: String, facts: [RecordedFact], subscriberFacts: [RecordedFact]) {
        self.number = number
        self.facts = facts
        self.subscriberFacts = subscriberFacts
    }

    /// Which facts a view counts.
    public struct View: Hashable, Sendable {
        /// Count facts that occurred at or before this instant.
        public var asOf: Timestamp?
        /// Count facts recorded at or before this instant.
        public var knownAt: Timestamp?

        /// - Parameters:
        ///   - asOf: count only facts that occurred at or before it; `nil` for every fact.
        ///   - knownAt: count only facts recorded at or before it; `nil` for every fact.
        public init(asOf: Timestamp? = nil, knownAt: Timestamp? = nil) {
            self.asOf = asOf
            self.knownAt = knownAt
        }

        func includes(_ fact: RecordedFact) -> Bool {
            (asOf.map { fact.occurredAt <= $0 } ?? true) && (knownAt.map { fact.recordedAt <= $0 } ?? true)
        }
    }

    /// The line's state in `view`; `nil` when the line did not exist in it.
    /// - Parameter view: the facts counted; by default all.
    /// - Returns: the fold of the facts counted, in the order they occurred.
    /// - Throws: ``FactError`` when admission refuses one of them (a history the ledger's
    ///   validation would have refused).
    public func state(_ view: View = View()) throws(FactError) -> LineState? {
        try Self.fold(facts.filter(view.includes))
    }

    /// The owner's state in `view`.
    /// - Parameter view: the facts counted; by default all.
    /// - Returns: the fold of the owner's facts counted; `nil` when none is a registration.
    /// - Throws: ``FactError`` when admission refuses one of them.
    public func subscriber(_ view: View = View()) throws(FactError) -> SubscriberState? {
        var state: SubscriberState?
        for fact in subscriberFacts where view.includes(fact) {
            state = try SubscriberState.checkedEvolve(state, fact.fact)
        }
        return state
    }

    /// Folds `facts` in the order they occurred, ties by position (section 9's settled
    /// reading): a payment recorded late takes its place before the usage that followed it,
    /// whatever view asks. Facts already in that order (the usual case) are folded as given.
    static func fold(_ facts: some Collection<RecordedFact>) throws(FactError) -> LineState? {
        var state: LineState?
        for fact in occurrenceOrder(facts) {
            state = try LineState.checkedEvolve(consume state, fact.fact, position: fact.position)
        }
        return state
    }

    /// `facts` (in position order) sorted by (`occurredAt`, position).
    static func occurrenceOrder(_ facts: some Collection<RecordedFact>) -> [RecordedFact] {
        let inOrder = zip(facts, facts.dropFirst()).allSatisfy { $0.occurredAt <= $1.occurredAt }
        return inOrder ? Array(facts) : facts.sorted { ($0.occurredAt, $0.position) < ($1.occurredAt, $1.position) }
    }
}
