public import SubledgerStore

/// The state of the whole ledger (or of the streams loaded into it): subscribers and lines.
public struct LedgerState: Hashable, Sendable {
    public var subscribers: [String: SubscriberState] = [:]
    public var lines: [String: LineState] = [:]

    public init() {}

    /// Folds one fact, refusing what cannot be a fact given what is already recorded.
    public mutating func apply(_ fact: LedgerFact, position: UInt64) throws(FactError) {
        switch fact.stream {
        case .subscriber(let id):
            subscribers[id] = try SubscriberState.evolve(subscribers[id], fact)
        case .line(let number):
            if case .lineActivated(let activated) = fact.event {
                guard subscribers[activated.subscriberID] != nil else {
                    throw FactError(field: "data.subscriberId", reason: "subscriber \(activated.subscriberID) is not registered")
                }
            }
            let next = try LineState.evolve(lines[number], fact, position: position)
            if case .lineActivated(let activated) = fact.event {
                subscribers[activated.subscriberID]?.lines.append(number)
            }
            lines[number] = next
        }
    }

    /// Folds a whole history.
    public static func fold(_ facts: some Sequence<RecordedFact>) throws(FactError) -> LedgerState {
        var state = LedgerState()
        for fact in facts { try state.apply(fact.fact, position: fact.position) }
        return state
    }
}
