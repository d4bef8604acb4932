public import SubledgerStore

/// Recording with the caller's expected stream versions (issue 14 item 2): optimistic
/// concurrency for a client that read a stream, decided, and writes only if nobody wrote
/// to the stream in between. A stream at another version refuses the whole batch with
/// ``LedgerError/Code/versionConflict`` and its ``LedgerError/currentVersion``; nothing is
/// recorded. A batch whose facts are all idempotent retries (their `eventId`s recorded with
/// the same content) is answered as the first time, whatever the versions now.
extension Ledger {
    /// Records `facts` as ``record(_:)`` does, if each stream of `expected` is at its version.
    ///
    /// - Parameters:
    ///   - facts: the facts, all recorded in one transaction or none.
    ///   - expected: each stream's version the caller expects (0: the stream has no event yet).
    /// - Returns: the positions the facts were recorded at, how many were new, the log's head.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/versionConflict`` (with
    ///   ``LedgerError/currentVersion``) when a stream is at another version, or as ``record(_:)``.
    @discardableResult
    public func record(_ facts: [LedgerFact], expecting expected: [StreamID: UInt64]) throws(LedgerError)
        -> AppendResult
    {
        try loggingRefusal("recording \(facts.count) facts") { () throws(LedgerError) in
            try append(facts, judging: false, expecting: expected)
        }
    }

    /// Records `facts` as the operator's actions, as ``apply(_:)`` does, if each stream of
    /// `expected` is at its version.
    ///
    /// - Parameters:
    ///   - facts: the actions, all recorded in one transaction or none.
    ///   - expected: each stream's version the caller expects (0: the stream has no event yet).
    /// - Returns: the positions the actions were recorded at, how many were new, the log's head.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/versionConflict`` (with
    ///   ``LedgerError/currentVersion``) when a stream is at another version, or as ``apply(_:)``.
    @discardableResult
    public func apply(_ facts: [LedgerFact], expecting expected: [StreamID: UInt64]) throws(LedgerError)
        -> AppendResult
    {
        try loggingRefusal("applying \(facts.count) actions") { () throws(LedgerError) in
            try append(facts, judging: true, expecting: expected)
        }
    }

    /// Records `facts` as ``record(_:expecting:)`` does, sharing the commit with other tasks
    /// (as the `async` ``record(_:)``).
    ///
    /// - Parameters:
    ///   - facts: the facts, all recorded in one transaction or none.
    ///   - expected: each stream's version the caller expects.
    /// - Returns: the positions the facts were recorded at, durable when the call returns.
    /// - Throws: ``LedgerError``: as ``record(_:expecting:)``, or ``LedgerError/Code/cancelled``.
    @discardableResult
    public func record(_ facts: [LedgerFact], expecting expected: [StreamID: UInt64]) async throws(LedgerError)
        -> AppendResult
    {
        try await sharingCommits(
            "recording \(facts.count) facts", on: facts.map(\.stream.streamID), exhausted: Self.streamsKeptChanging
        ) {
            ledger throws(LedgerError) in try ledger.prepareAppend(facts, judging: false, expecting: expected)
        }
    }

    /// Records `facts` as ``apply(_:expecting:)`` does, sharing the commit with other tasks
    /// (as the `async` ``apply(_:)``).
    ///
    /// - Parameters:
    ///   - facts: the actions, all recorded in one transaction or none.
    ///   - expected: each stream's version the caller expects.
    /// - Returns: the positions the actions were recorded at, durable when the call returns.
    /// - Throws: ``LedgerError``: as ``apply(_:expecting:)``, or ``LedgerError/Code/cancelled``.
    @discardableResult
    public func apply(_ facts: [LedgerFact], expecting expected: [StreamID: UInt64]) async throws(LedgerError)
        -> AppendResult
    {
        try await sharingCommits(
            "applying \(facts.count) actions", on: facts.map(\.stream.streamID), exhausted: Self.streamsKeptChanging
        ) {
            ledger throws(LedgerError) in try ledger.prepareAppend(facts, judging: true, expecting: expected)
        }
    }

    /// Throws the version conflict of the first stream of `expected` (in stream order) that is
    /// not at its version; the versions of streams the batch did not load are read.
    func checkExpected(_ expected: [StreamID: UInt64], in loaded: LoadedStates) throws(LedgerError) {
        for (stream, version) in expected.sorted(by: { $0.key.description < $1.key.description }) {
            let current: UInt64
            if let known = loaded.versions[stream] {
                current = known
            } else {
                do { current = try store.version(of: stream) } catch {
                    throw LedgerError(.store(EventStoreError.storage(error, while: "reading \(stream)'s version")))
                }
            }
            guard current != version else { continue }
            throw LedgerError(
                .store(
                    EventStoreError(
                        .versionConflict,
                        "version conflict on \(stream): expected version \(version), found version \(current); "
                            + "nothing was recorded",
                        stream: stream, expectedVersion: .exactly(version), actualVersion: current)))
        }
    }
}
