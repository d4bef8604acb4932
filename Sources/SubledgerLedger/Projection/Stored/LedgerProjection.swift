package import SubledgerStore

/// The ledger's stored projection: each line's state and each subscriber's, with the
/// version of its stream, kept in the store and folded in the transaction of every append.
/// `status` reads one record; a rebuild folds the whole log again, byte for byte the same.
///
/// Keys: `L` + the line's number, `S` + the subscriber's id (UTF-8). Values: a format
/// byte, the stream's version (varint), then the state (``StateWriter``).
package struct LedgerProjection: StoredProjection {
    /// The projection; it holds nothing: its records are the store's.
    package init() {}

    /// Changes whenever the encoding or the fold changes: a store written under another
    /// identity is rebuilt when it opens.
    package var identity: String { "subledger.ledger-projection.5" }

    /// Folds events newly appended, in position order, into the records, inside the append's write
    /// transaction: each touched state is read once, folded and written once.
    /// - Parameters:
    ///   - events: the events appended.
    ///   - records: the projection's records in the transaction.
    /// - Throws: ``FactError`` for an event that is not a ledger fact, ``StateBytesError`` for a stored
    ///   record that does not decode, or the error of `records`; the append is then aborted.
    package func fold(_ events: [RecordedEvent], into records: some ProjectionRecords) throws {
        var fold = LedgerProjectionFold()
        try fold.apply(events, records: records)
        try fold.handOutEachRecord { key, value in try records.setValue(value, for: key) }
    }

    /// A fresh in-memory fold of the whole log, for a rebuild.
    /// - Returns: an empty rebuild.
    package func makeRebuild() -> LedgerProjectionRebuild { LedgerProjectionRebuild() }

    /// A fresh fold of one write transaction (an append's, or an import's many batches).
    /// - Returns: an empty transaction fold.
    package func makeTransactionFold() -> LedgerTransactionFold { LedgerTransactionFold() }
}

/// The ledger's fold over one write transaction: each touched line's and subscriber's
/// state is read and decoded once, folded through every batch of the transaction (an
/// import's), and written once, in key order, when the transaction ends, or when it holds
/// more than ``statesKept`` states.
package struct LedgerTransactionFold: ProjectionTransactionFold, Sendable {
    /// The states held before they are written early (memory stays bounded in a large import).
    package static var statesKept: Int { 100_000 }

    var fold = LedgerProjectionFold()

    /// Folds the next batch of the transaction, writing early once more than ``statesKept`` states are held.
    /// - Parameters:
    ///   - events: the batch's events, newly appended.
    ///   - records: the projection's records in the transaction.
    /// - Throws: ``FactError`` for an event that is not a ledger fact, ``StateBytesError`` for a stored
    ///   record that does not decode, or the error of `records`.
    package mutating func fold(_ events: [RecordedEvent], records: some ProjectionRecords) throws {
        try fold.apply(events, records: records)
        if fold.lines.count + fold.subscribers.count > Self.statesKept { try flush(records: records) }
    }

    /// Writes the states folded so far, in key order, and starts afresh.
    /// - Parameter records: the projection's records in the transaction.
    /// - Throws: the error of `records`.
    package mutating func flush(records: some ProjectionRecords) throws {
        try fold.handOutEachRecord { key, value in try records.setValue(value, for: key) }
        fold = LedgerProjectionFold()
    }
}

/// The whole log folded in memory, for ``EventStore/rebuildProjection()``.
package struct LedgerProjectionRebuild: ProjectionRebuild, Sendable {
    var fold = LedgerProjectionFold()

    /// Decodes the chunk's facts (the costly half of the fold, run on other cores).
    /// - Parameter events: a chunk of the log.
    /// - Returns: the chunk's facts, typed.
    /// - Throws: ``FactError`` for an event that is not a ledger fact.
    package static func prepare(_ events: [RecordedEvent]) throws -> [RecordedFact] {
        try events.map { recorded throws(FactError) in try RecordedFact(recorded) }
    }

    /// Folds the next chunk of the log, in position order, into the states held in memory.
    /// - Parameter facts: the chunk's facts, as ``prepare(_:)`` made them.
    /// - Throws: nothing in practice: a rebuild loads no stored record.
    package mutating func fold(_ facts: [RecordedFact]) throws {
        for fact in facts { try fold.apply(fact) { _ in nil } }
    }

    /// Hands out the record of every state folded, keys strictly ascending, letting go of
    /// each state once its record is out (``LedgerProjectionFold/handOutEachRecord(_:)``).
    /// - Parameter write: called with each key and value.
    /// - Throws: the error of `write`.
    package mutating func records(_ write: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) throws {
        try fold.handOutEachRecord(write)
    }
}

/// A line's or a subscriber's stored state with its stream's version.
struct StoredState<State: Sendable>: Sendable {
    var state: State
    var version: UInt64
}

/// The fold shared by appends (records loaded from the store as they are needed) and
/// rebuilds (from nothing): the states touched, then their records.
struct LedgerProjectionFold {
    static let formatByte: UInt8 = 2

    /// A stream's state as folded so far; `state` is `nil` for a stream loaded and found
    /// absent.
    struct Entry<State: Sendable> {
        var state: State?
        var version: UInt64 = 0
    }

    private(set) var lines = StateTable<Entry<LineState>>()
    private(set) var subscribers = StateTable<Entry<SubscriberState>>()

    mutating func apply(_ recorded: RecordedEvent, load: ([UInt8]) throws -> [UInt8]?) throws {
        try apply(try RecordedFact(recorded), load: load)
    }

    /// Folds a batch of newly appended events, loading the records it needs from `records`:
    /// where a read is a round trip, all of the batch's records first, in one.
    mutating func apply(_ events: [RecordedEvent], records: some ProjectionRecords) throws {
        guard records.readsAreRoundTrips else {
            for recorded in events { try apply(recorded) { key in try records.value(for: key) } }
            return
        }
        let facts = try events.map { recorded throws(FactError) in try RecordedFact(recorded) }
        try records.prefetch(keysToLoad(for: facts))
        for fact in facts { try apply(fact) { key in try records.value(for: key) } }
    }

    /// The records that folding `facts` loads: each stream's not folded yet, and the owner
    /// each activation names.
    private func keysToLoad(for facts: [RecordedFact]) -> [[UInt8]] {
        var keys: Set<[UInt8]> = []
        for fact in facts {
            switch fact.stream {
            case .line(let number):
                if lines[number] == nil { keys.insert(Self.lineKey(number)) }
                if case .lineActivated(let activated) = fact.event, subscribers[activated.subscriberID] == nil {
                    keys.insert(Self.subscriberKey(activated.subscriberID))
                }
            case .subscriber(let id):
                if subscribers[id] == nil { keys.insert(Self.subscriberKey(id)) }
            case .policy:
                break
            }
        }
        return Array(keys)
    }

    /// Folds one recorded fact with the total `evolve` (issue 12 item 2): the ledger admitted
    /// it before the append, so the projection does not judge it again. Only the stored
    /// bytes can fail here (a record that does not decode, or a state whose totals leave 64
    /// bits, which ``LineState`` refuses when it is read). Each stream's entry is found once
    /// and folded where it lies in the dictionary (issue 13: the rebuild's fold is one
    /// thread; the key was hashed again for each field it changed).
    mutating func apply(_ fact: RecordedFact, load: ([UInt8]) throws -> [UInt8]?) throws {
        switch fact.stream {
        case .subscriber(let id):
            let index = try subscriberIndex(id, load: load)
            // Taken out and put back: the state's arrays stay uniquely referenced, never copied.
            let state = subscribers[place: index].state.take()
            subscribers[place: index] = Entry(
                state: SubscriberState.evolve(state, fact.fact), version: fact.streamVersion)
        case .line(let number):
            let index = try lineIndex(number, load: load)
            LineState.evolve(&lines[place: index].state, fact.fact, position: fact.position)
            lines[place: index].version = fact.streamVersion
            if case .lineActivated(let activated) = fact.event {
                let owner = try subscriberIndex(activated.subscriberID, load: load)
                if subscribers[place: owner].state?.lines.contains(number) == false {
                    subscribers[place: owner].state?.lines.append(number)
                }
            }
        case .policy:
            break  // the editions (POL-3) are not projected: the ledger reads the few from their stream
        }
    }

    /// Where the line's entry is, loaded from the store (or found absent) the first time.
    private mutating func lineIndex(
        _ number: String, load: ([UInt8]) throws -> [UInt8]?
    ) throws -> Int {
        if let index = lines.place(of: number) { return index }
        let stored = try load(Self.lineKey(number)).map { bytes in
            try Self.decode(bytes) { reader throws(StateBytesError) in try LineState.read(from: &reader) }
        }
        return lines.add(Entry(state: stored?.state, version: stored?.version ?? 0), for: number)
    }

    /// Where the subscriber's entry is, loaded from the store (or found absent) the first time.
    private mutating func subscriberIndex(
        _ id: String, load: ([UInt8]) throws -> [UInt8]?
    ) throws -> Int {
        if let index = subscribers.place(of: id) { return index }
        let stored = try load(Self.subscriberKey(id)).map { bytes in
            try Self.decode(bytes) { reader throws(StateBytesError) in try SubscriberState.read(from: &reader) }
        }
        return subscribers.add(Entry(state: stored?.state, version: stored?.version ?? 0), for: id)
    }

    /// Calls `body` with the record of every state folded so far (those only loaded are
    /// written again, unchanged), in ascending key order: LMDB writes them with the least
    /// page churn, and a rebuild must hand them out so. Every line key (`L`...) sorts before
    /// every subscriber key (`S`...), so each table's names are sorted on their own, as UTF-8
    /// bytes, and the states are encoded in that order.
    ///
    /// Each record is encoded only when it is handed out, and each state is taken out of its
    /// table once it is: its arrays and strings are freed while the records are written
    /// (issue 13: a rebuild of a million lines held every record's bytes at once, then, at
    /// its end, the states and the write transaction's dirty pages, which LMDB keeps in
    /// memory up to 512 MiB, at their largest together). The fold is spent afterwards: the
    /// tables keep their names and versions, and every state is `nil`.
    mutating func handOutEachRecord(_ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) rethrows {
        try Self.handOut(&lines, key: Self.lineKey, write: { $0.write(to: &$1) }, body)
        try Self.handOut(&subscribers, key: Self.subscriberKey, write: { $0.write(to: &$1) }, body)
    }

    /// ``handOutEachRecord(_:)`` for one table: its records in key order, each state taken out.
    private static func handOut<State: Sendable>(
        _ table: inout StateTable<Entry<State>>, key: (String) -> [UInt8],
        write: (State, inout StateWriter) -> Void, _ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Void
    ) rethrows {
        for index in placesInKeyOrder(table) {
            guard let state = table[place: index].state.take() else { continue }
            let stored = StoredState(state: state, version: table.values[index].version)
            try body(key(table.names[index]), encode(stored) { write(state, &$0) })
        }
    }

    /// The places of a table's entries in the order of their names' UTF-8 bytes, which is
    /// their record keys' order (one prefix byte before each name). Only the places are
    /// sorted: a key is made when its record is handed out (issue 13: a key array per entry,
    /// made up front, was 64 bytes a line held through the whole write).
    private static func placesInKeyOrder<Value>(_ entries: StateTable<Value>) -> [Int] {
        let names = entries.names
        return names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
    }

    static func lineKey(_ number: String) -> [UInt8] { [UInt8(ascii: "L")] + Array(number.utf8) }
    static func subscriberKey(_ id: String) -> [UInt8] { [UInt8(ascii: "S")] + Array(id.utf8) }

    static func encode<State: Sendable>(_ stored: StoredState<State>, _ writeState: (inout StateWriter) -> Void)
        -> [UInt8]
    {
        var writer = StateWriter()
        writer.count(Int(formatByte))
        writer.unsigned(stored.version)
        writeState(&writer)
        return writer.bytes
    }

    static func decode<State: Sendable>(
        _ bytes: [UInt8], _ readState: (inout StateReader) throws(StateBytesError) -> State
    ) throws(StateBytesError) -> StoredState<State> {
        var reader = StateReader(bytes)
        guard try reader.byte() == formatByte else { throw StateBytesError(reason: "its format byte is unknown") }
        let version = try reader.unsigned()
        let state = try readState(&reader)
        guard reader.isAtEnd else { throw StateBytesError(reason: "bytes are left after the state") }
        return StoredState(state: state, version: version)
    }
}
