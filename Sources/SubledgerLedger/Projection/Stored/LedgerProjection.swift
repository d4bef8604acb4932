public import SubledgerStore

/// The ledger's stored projection: each line's state and each subscriber's, with the
/// version of its stream, kept in the store and folded in the transaction of every append.
/// `status` reads one record; a rebuild folds the whole log again, byte for byte the same.
///
/// Keys: `L` + the line's number, `S` + the subscriber's id (UTF-8). Values: a format
/// byte, the stream's version (varint), then the state (``StateWriter``).
public struct LedgerProjection: StoredProjection {
    public init() {}

    /// Changes whenever the encoding or the fold changes: a store written under another
    /// identity is rebuilt when it opens.
    public var identity: String { "subledger.ledger-projection.1" }

    public func fold(_ events: [RecordedEvent], into records: some ProjectionRecords) throws {
        var fold = LedgerProjectionFold()
        for recorded in events {
            try fold.apply(recorded) { key in try records.value(for: key) }
        }
        for (key, value) in fold.changedRecords() { try records.setValue(value, for: key) }
    }

    public func makeRebuild() -> LedgerProjectionRebuild { LedgerProjectionRebuild() }
}

/// The whole log folded in memory, for ``EventStore/rebuildProjection()``.
public struct LedgerProjectionRebuild: ProjectionRebuild, Sendable {
    var fold = LedgerProjectionFold()

    public mutating func fold(_ events: [RecordedEvent]) throws {
        for recorded in events { try fold.apply(recorded) { _ in nil } }
    }

    public func records(_ write: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) throws {
        for (key, value) in fold.changedRecords().sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            try write(key, value)
        }
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
    static let formatByte: UInt8 = 1
    private(set) var lines: [String: StoredState<LineState>?] = [:]
    private(set) var subscribers: [String: StoredState<SubscriberState>?] = [:]

    mutating func apply(_ recorded: RecordedEvent, load: ([UInt8]) throws -> [UInt8]?) throws {
        let fact = try RecordedFact(recorded)
        switch fact.stream {
        case .subscriber(let id):
            let stored = try subscriber(id, load: load)
            subscribers[id] = StoredState(state: try SubscriberState.evolve(stored?.state, fact.fact), version: fact.streamVersion)
        case .line(let number):
            // Taken out of the dictionary, so that the fold mutates the line's arrays in place.
            var stored = try line(number, load: load)
            lines[number] = nil
            let state = try LineState.evolve(stored.take()?.state, fact.fact, position: fact.position)
            lines[number] = StoredState(state: state, version: fact.streamVersion)
            if case .lineActivated(let activated) = fact.event, var owner = try subscriber(activated.subscriberID, load: load),
               !owner.state.lines.contains(number) {
                owner.state.lines.append(number)
                subscribers[activated.subscriberID] = owner
            }
        }
    }

    private mutating func line(_ number: String, load: ([UInt8]) throws -> [UInt8]?) throws -> StoredState<LineState>? {
        if let known = lines[number] { return known }
        let stored = try load(Self.lineKey(number)).map { bytes in
            try Self.decode(bytes) { reader throws(StateBytesError) in try LineState.read(from: &reader) }
        }
        lines[number] = .some(stored)
        return stored
    }

    private mutating func subscriber(_ id: String, load: ([UInt8]) throws -> [UInt8]?) throws -> StoredState<SubscriberState>? {
        if let known = subscribers[id] { return known }
        let stored = try load(Self.subscriberKey(id)).map { bytes in
            try Self.decode(bytes) { reader throws(StateBytesError) in try SubscriberState.read(from: &reader) }
        }
        subscribers[id] = .some(stored)
        return stored
    }

    /// The records of every state folded so far (those only loaded are written again,
    /// unchanged), in no particular order.
    func changedRecords() -> [(key: [UInt8], value: [UInt8])] {
        var records: [(key: [UInt8], value: [UInt8])] = []
        records.reserveCapacity(lines.count + subscribers.count)
        for case let (number, stored?) in lines {
            records.append((Self.lineKey(number), Self.encode(stored) { stored.state.write(to: &$0) }))
        }
        for case let (id, stored?) in subscribers {
            records.append((Self.subscriberKey(id), Self.encode(stored) { stored.state.write(to: &$0) }))
        }
        return records
    }

    static func lineKey(_ number: String) -> [UInt8] { [UInt8(ascii: "L")] + Array(number.utf8) }
    static func subscriberKey(_ id: String) -> [UInt8] { [UInt8(ascii: "S")] + Array(id.utf8) }

    static func encode<State: Sendable>(_ stored: StoredState<State>, _ writeState: (inout StateWriter) -> Void) -> [UInt8] {
        var writer = StateWriter()
        writer.count(Int(formatByte))
        writer.unsigned(stored.version)
        writeState(&writer)
        return writer.bytes
    }

    static func decode<State: Sendable>(_ bytes: [UInt8], _ readState: (inout StateReader) throws(StateBytesError) -> State) throws(StateBytesError) -> StoredState<State> {
        var reader = StateReader(bytes)
        guard try reader.byte() == formatByte else { throw StateBytesError(reason: "its format byte is unknown") }
        let version = try reader.unsigned()
        let state = try readState(&reader)
        guard reader.isAtEnd else { throw StateBytesError(reason: "bytes are left after the state") }
        return StoredState(state: state, version: version)
    }
}
