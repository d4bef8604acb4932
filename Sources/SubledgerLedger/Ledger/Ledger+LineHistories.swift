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
        var failure: LedgerError?
        do {
            try store.forEachStreamID(category: StreamID.lineCategory) { line in
                do throws(LedgerError) {
                    guard let history = try lineHistory(line) else { return }
                    try body(history)
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
