import SubledgerStore

extension Ledger {
    /// Calls `body` with every line's history, one line at a time, in the byte order of the
    /// line numbers (their UTF-8 text): the line streams are listed from the store's index in
    /// short chunked read transactions, and each line's history and its owners' subscriber
    /// streams are read with short reads of their own. Memory holds one chunk of line numbers
    /// and one line's history, whatever the size of the log; `body` runs outside every read.
    ///
    /// - Parameters:
    ///   - body: called with each line's history, the line's facts and its owners'.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/badFact`` when a stored event is not a
    ///   fact, the store's error, or what `body` throws.
    public func forEachLineHistory(_ body: (LineHistory) throws(LedgerError) -> Void) throws(LedgerError) {
        try forEachLine { line, facts throws(LedgerError) in try body(try lineHistory(line, facts: facts)) }
    }

    /// Calls `body` with every line's number and its own facts (not its owners'), as
    /// ``forEachLineHistory(_:)`` lists them: one read of the line's stream each.
    func forEachLine(_ body: (String, [RecordedFact]) throws(LedgerError) -> Void) throws(LedgerError) {
        var failure: LedgerError?
        do {
            try store.forEachStreamID(category: StreamID.lineCategory) { line in
                do throws(LedgerError) {
                    let facts = try recordedFacts(of: .line(line))
                    guard !facts.isEmpty else { return }
                    try body(line, facts)
                } catch {
                    failure = error
                    throw error
                }
            }
        } catch {
            if let failure { throw failure }
            throw LedgerError(.store(EventStoreError.storage(error, while: "listing the lines")))
        }
    }

    /// The history of `line` with its owners' facts, or `nil` when the line has no event.
    func lineHistory(_ line: String) throws(LedgerError) -> LineHistory? {
        let facts = try recordedFacts(of: .line(line))
        guard !facts.isEmpty else { return nil }
        return try lineHistory(line, facts: facts)
    }

    /// The history of `line` from its own `facts`: each owner's subscriber stream is read.
    private func lineHistory(_ line: String, facts: [RecordedFact]) throws(LedgerError) -> LineHistory {
        var owners: [String] = []
        for fact in facts {
            if case .lineActivated(let activated) = fact.event, !owners.contains(activated.subscriberID) {
                owners.append(activated.subscriberID)
            }
        }
        var subscriberFacts: [RecordedFact] = []
        for owner in owners { subscriberFacts += try recordedFacts(of: .subscriber(owner)) }
        return LineHistory(
            number: line, facts: facts, subscriberFacts: subscriberFacts.sorted { $0.position < $1.position })
    }
}
