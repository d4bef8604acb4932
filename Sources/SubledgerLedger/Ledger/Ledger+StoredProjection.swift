public import SubledgerStore

/// What the stored projection says of one stream.
enum StoredLookup<State: Sendable> {
    /// The projection is current and holds the stream's state.
    case found(StoredState<State>)
    /// The projection is current and the stream has no event.
    case absent
    /// The projection is not current (or this store keeps none): fold the log instead.
    case unavailable
}

extension Ledger {
    /// Folds the whole log into the stored line and subscriber projections again and
    /// replaces them in one transaction; the report says whether they came out byte for
    /// byte as they were.
    /// - Returns: the rebuild's report: the events folded, the records written, and whether they are byte for
    ///   byte those replaced.
    /// - Throws: ``LedgerError``: ``LedgerError/Code/badFact`` when a stored event is not a ledger fact,
    ///   ``LedgerError/Code/readOnly`` on a store opened only to read, or the store's error; the
    ///   projections stay as they were then.
    public func rebuildProjections() throws(LedgerError) -> ProjectionRebuildReport {
        do {
            return try store.rebuildProjection()
        } catch let error as EventStoreError {
            throw LedgerError(.store(error))
        } catch let error as FactError {
            throw LedgerError(.badFact(error))
        } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "rebuilding the projections")))
        }
    }

    /// The line's stored state; `.unavailable` when the projection folded a fact of the line
    /// after one that occurred later (``LineState/foldedOutOfOrder``): the projection folds
    /// in recording order, a line's state is the fold in the order of occurrence, so such a
    /// line is folded afresh from its history, which costs one read of the line's stream.
    func storedLine(_ number: String) throws(LedgerError) -> StoredLookup<LineState> {
        let lookup = try stored(LedgerProjectionFold.lineKey(number), "line \(number)") {
            reader throws(StateBytesError) in
            try LineState.read(from: &reader)
        }
        if case .found(let stored) = lookup, stored.state.foldedOutOfOrder { return .unavailable }
        return lookup
    }

    func storedSubscriber(_ id: String) throws(LedgerError) -> StoredLookup<SubscriberState> {
        try stored(LedgerProjectionFold.subscriberKey(id), "subscriber \(id)") { reader throws(StateBytesError) in
            try SubscriberState.read(from: &reader)
        }
    }

    private func stored<State: Sendable>(
        _ key: [UInt8], _ name: String,
        _ read: (inout StateReader) throws(StateBytesError) -> State
    ) throws(LedgerError) -> StoredLookup<State> {
        let lookup: ProjectionValue
        do { lookup = try store.projectionValue(for: key) } catch {
            throw LedgerError(.store(EventStoreError.storage(error, while: "reading the stored state of \(name)")))
        }
        guard lookup.isCurrent else { return .unavailable }
        guard let bytes = lookup.value else { return .absent }
        do {
            return .found(try LedgerProjectionFold.decode(bytes, read))
        } catch {
            throw LedgerError(
                .store(
                    EventStoreError(
                        .corrupted,
                        "the stored state of \(name) does not decode (\(error.reason)): rebuild the projections (`subledger rebuild`)"
                    )))
        }
    }
}
