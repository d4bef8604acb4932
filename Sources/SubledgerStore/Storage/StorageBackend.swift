/// The storage seam: the few key-value operations the event log needs, so that one log
/// runs on LMDB, in memory, or on a backend that injects faults.
///
/// Keys and values are bytes; keys sort by their bytes. Values returned are valid until
/// the transaction ends.
///
/// `package`, not internal, so that a backend in another target of this package can stand
/// behind the log (PostgreSQL, `SubledgerPostgres`, issue 15): with
/// ``EventStore/open(backend:describedAs:options:)``, the one other seam it uses.
package protocol StorageTransaction {
    /// The value of `key`, or `nil`.
    func get(_ table: Table, key: [UInt8]) throws -> UnsafeRawBufferPointer?
    /// Stores `value` under `key`. With ``PutMode/insertOnly`` an existing key is left
    /// alone and its value returned; otherwise returns `nil`.
    @discardableResult
    func put(_ table: Table, key: [UInt8], value: [UInt8], mode: PutMode) throws -> UnsafeRawBufferPointer?
    /// The entry with the greatest key, or with the greatest key at or before `key`.
    func last(_ table: Table, atOrBefore key: [UInt8]?) throws -> StorageEntry?
    /// Calls `body` with the entries from `key` on, in key order, while it returns `true`.
    func scan(_ table: Table, from key: [UInt8], _ body: (StorageEntry) throws -> Bool) throws
    /// How many entries `table` holds.
    func count(_ table: Table) throws -> Int
    /// Removes every entry of `table` (a projection being rebuilt).
    func removeAll(_ table: Table) throws
    /// Removes the entry of `key`, if any (an erased subject's keys and disclosures).
    func delete(_ table: Table, key: [UInt8]) throws
    /// Says that ``get(_:key:)`` is about to be asked for each of `keys` (a batch's event ids):
    /// a backend that pays a round trip per get (PostgreSQL) fetches them in one. Nothing else
    /// changes: the gets still answer as they would have. LMDB and memory do nothing.
    func prefetch(_ table: Table, keys: [[UInt8]]) throws
    /// Says that ``last(_:atOrBefore:)`` is about to be asked for each of `bounds` (the heads
    /// of a batch's streams), as ``prefetch(_:keys:)`` does for gets.
    func prefetchLast(_ table: Table, atOrBefore bounds: [[UInt8]]) throws
    /// Whether each read is a round trip to a server (PostgreSQL), so that a caller should
    /// say what it is about to read (``prefetch(_:keys:)``); `false` for LMDB and memory, where
    /// working out what to prefetch costs more than the reads.
    var readsAreRoundTrips: Bool { get }
    /// Says that this write transaction makes `position` the log's visible head, for the
    /// backend to tell other processes once it commits (PostgreSQL: `pg_notify`, delivered
    /// at the commit, issue 15 item 3). LMDB and memory do nothing: their in-process readers
    /// are woken by the log itself (``HeadSignal``).
    func announceHead(_ position: UInt64) throws
}

extension StorageTransaction {
    /// Does nothing: a get is a memory read here.
    /// - Parameters:
    ///   - table: The table.
    ///   - keys: The keys about to be read.
    /// - Throws: Nothing here; a backend's own, when its read fails.
    package func prefetch(_ table: Table, keys: [[UInt8]]) throws {}

    /// Does nothing: a range read is a memory read here.
    /// - Parameters:
    ///   - table: The table.
    ///   - bounds: The bounds about to be asked for.
    /// - Throws: Nothing here; a backend's own, when its read fails.
    package func prefetchLast(_ table: Table, atOrBefore bounds: [[UInt8]]) throws {}

    /// `false`: a read is a memory read here.
    package var readsAreRoundTrips: Bool { false }

    /// Does nothing: only this process reads a store in memory, and LMDB has no channel
    /// between processes (their readers find other processes' commits by their backstop).
    /// - Parameter position: The head this transaction makes visible.
    /// - Throws: Nothing here; a backend's own, when the announcement fails.
    package func announceHead(_ position: UInt64) throws {}
}

/// A backend: transactions scoped by closures; a write commits when its closure returns
/// and writes nothing when it throws.
package protocol StorageBackend: AnyObject, Sendable {
    associatedtype Transaction: StorageTransaction
    func read<R>(_ body: (Transaction) throws -> R) throws -> R
    func write<R>(_ body: (Transaction) throws -> R) throws -> R
    /// Takes the store's import lock without waiting (``ImportLock``); `nil` when another holds it.
    func takeImportLock() throws -> ImportLock?
    /// Starts, once, whatever wakes `signal` on other processes' commits (PostgreSQL: a
    /// `LISTEN` connection); called at a reader's first wait, never blocks.
    func watchCommits(into signal: HeadSignal)
    /// Whether ``watchCommits(into:)`` hears other processes' commits: `false` for LMDB and
    /// memory, whose readers see them only when they read again.
    var hearsOtherProcessesCommits: Bool { get }
    /// The store's folder, where an import keeps its index entries in sorted runs until it
    /// ends (``ImportIndexRuns``, issue 13); `nil` (memory, PostgreSQL) has an import write
    /// its index entries into the tables at once.
    var importRunFolder: String? { get }
}

extension StorageBackend {
    /// Does nothing: LMDB and memory hear no other process.
    /// - Parameter signal: The signal of the log's readers.
    package func watchCommits(into signal: HeadSignal) {}

    /// `false`: LMDB and memory hear no other process.
    package var hearsOtherProcessesCommits: Bool { false }

    /// `nil`: an import writes its index entries into the tables at once.
    package var importRunFolder: String? { nil }
}

/// How a put treats an existing key.
package enum PutMode: Equatable {
    /// Replace it.
    case upsert
    /// The key is greater than every key of the table (LMDB's `MDB_APPEND`, fast).
    case append
    /// Keep it and report its value.
    case insertOnly
}

/// One key and value, valid until the transaction ends.
package struct StorageEntry {
    /// The entry's key.
    package var key: UnsafeRawBufferPointer
    /// The entry's value.
    package var value: UnsafeRawBufferPointer

    /// An entry of `key` and `value`, both valid until the transaction ends.
    /// - Parameters:
    ///   - key: The key's bytes.
    ///   - value: The value's bytes.
    package init(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        self.key = key
        self.value = value
    }
}

/// The tables of a store.
package enum Table: Int, CaseIterable, Hashable, Sendable {
    /// Store-wide facts: the format version, the kind of store.
    case meta
    /// Interned strings of the binary encoding: big-endian `UInt32` id to UTF-8.
    case symbols
    /// The log: big-endian position to encoded event.
    case events
    /// Stream index: stream key prefix + big-endian version to big-endian position.
    case streams
    /// Idempotency index: the 16 bytes of the event id to big-endian position.
    case eventIDs
    /// Time index: stream key prefix + biased big-endian occurredAt + big-endian version
    /// to big-endian position.
    case streamTimes
    /// Stored projections: keys and values of the store's ``StoredProjection``, current up
    /// to the checkpoint position kept in `meta`.
    case projections
    /// The log's Merkle tree: level byte + big-endian index to the 32-byte root of that
    /// complete subtree, for subtrees of 16 leaves and more (``MerkleNodes``).
    case merkleNodes
    /// Signed checkpoints: big-endian tree size to the checkpoint's JSON (``SignedCheckpoint``).
    case checkpoints
    /// Personal data (RET-1): stream key prefix to the generation of the master key
    /// (big-endian `UInt64`) and the subject's 32-byte key sealed under it (AES-GCM).
    case subjectKeys
    /// Personal data (RET-1): stream key prefix + big-endian position to the event's
    /// disclosures (salts and clear values) sealed under the subject's key (AES-GCM).
    case disclosures

    /// The table's name in LMDB (and, in snake case, in PostgreSQL).
    package var name: String {
        switch self {
        case .meta: "meta"
        case .symbols: "symbols"
        case .events: "events"
        case .streams: "streams"
        case .eventIDs: "eventIds"
        case .streamTimes: "streamTimes"
        case .projections: "projections"
        case .merkleNodes: "merkleNodes"
        case .checkpoints: "checkpoints"
        case .subjectKeys: "subjectKeys"
        case .disclosures: "disclosures"
        }
    }

    /// Whether opening a store made before this table existed creates it (empty), and a
    /// read-only open of such a store reads it as empty: the projections, and format 2's
    /// tables, which `migrate` must be able to do without when it reads a store of format 1.
    var isAddedToExistingStores: Bool {
        switch self {
        case .projections, .merkleNodes, .checkpoints, .subjectKeys, .disclosures: true
        case .meta, .symbols, .events, .streams, .eventIDs, .streamTimes: false
        }
    }
}
