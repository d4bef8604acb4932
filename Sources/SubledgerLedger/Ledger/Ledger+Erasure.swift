public import SubledgerStore

extension Ledger {
    /// Erases the personal data of each subscriber of `subjects` (RET-1), in one transaction:
    /// appends `PersonalDataErased` on each one's stream at `time` and destroys their key
    /// (``EventStore/erase(_:)``); their events keep their commitments, so every hash,
    /// verification and audit stays as it was. The store needs its key file.
    /// - Parameters:
    ///   - subjects: the subscribers, each once.
    ///   - time: when the erasure occurs (`occurredAt` of each `PersonalDataErased`).
    ///   - metadata: the caller's notes, kept with each event.
    /// - Throws: ``LedgerError`` for an unknown subscriber, one already erased, or the
    ///   store's refusal; nothing is written then.
    /// - Returns: the append's result: the position of each `PersonalDataErased`, in the order of `subjects`.
    @discardableResult
    public func erase(subscribers subjects: [SubscriberID], at time: Timestamp, metadata: [String: String] = [:])
        throws(LedgerError) -> AppendResult
    {
        var erasures: [(subject: StreamID, erasure: ProposedEvent)] = []
        for (index, subject) in subjects.enumerated() {
            let id = subject.text
            let state = try subscriber(subject)
            if let erasedAt = state.erasedAt {
                throw LedgerError(
                    .badFact(
                        FactError(
                            field: "subscriber",
                            reason: "the personal data of \(id) was erased already (\(erasedAt.rfc3339))")),
                    index: index)
            }
            guard !erasures.contains(where: { $0.subject == .subscriber(id) }) else {
                throw LedgerError(
                    .badFact(FactError(field: "subscriber", reason: "\(id) is named twice")), index: index)
            }
            let fact = LedgerFact(
                stream: .subscriber(id), occurredAt: time,
                event: .personalDataErased(PersonalDataErased(subscriberID: id)), metadata: metadata)
            erasures.append((.subscriber(id), fact.proposedEvent()))
        }
        guard !erasures.isEmpty else {
            throw LedgerError(.badFact(FactError(field: "subscriber", reason: "no subscriber to erase was named")))
        }
        do {
            return try store.erase(erasures)
        } catch let error as EventStoreError {
            throw LedgerError(.store(error))
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "erasing personal data")))
        }
    }

    /// Erases one subscriber's personal data (RET-1). See ``erase(subscribers:at:metadata:)``.
    /// - Parameters:
    ///   - id: the subscriber.
    ///   - time: when the erasure occurs.
    /// - Throws: ``LedgerError``, as ``erase(subscribers:at:metadata:)`` does.
    /// - Returns: the append's result: the position of the `PersonalDataErased`.
    @discardableResult
    public func erase(subscriber id: SubscriberID, at time: Timestamp) throws(LedgerError) -> AppendResult {
        try erase(subscribers: [id], at: time)
    }

    /// The erasures RET-1 makes due at `time` (``due(at:)``'s `erase` entries), carried
    /// out in one transaction, each recorded with `rule` RET-1; returns the subscribers.
    /// - Parameters:
    ///   - time: the time the work list is judged at, and the erasures' `occurredAt`.
    ///   - metadata: the caller's notes (an `actor`), kept with each event beside `rule`.
    /// - Throws: ``LedgerError``, as ``erase(subscribers:at:metadata:)`` does.
    /// - Returns: the ids of the subscribers erased, in the work list's order; empty when none was due.
    public func eraseDue(at time: Timestamp, metadata: [String: String] = [:]) throws(LedgerError) -> [String] {
        let due = try self.due(at: time).compactMap { $0.action == .erase ? $0.subscriber : nil }
        guard !due.isEmpty else { return [] }
        let noted = metadata.merging(["rule": "RET-1"]) { _, rule in rule }
        try erase(subscribers: due.map(SubscriberID.init(stored:)), at: time, metadata: noted)
        return due
    }
}
