import SubledgerPostgres
import SubledgerStore

/// What a store written by `stress-append` holds, batch by batch, read back through the
/// library after its writers died or finished.
struct StressStoreContents {
    /// One batch as found in the store.
    struct Batch {
        var size: Int
        /// Position, index in the batch, stream and stream version of each of its events.
        var events: [(position: UInt64, index: Int, stream: String, version: UInt64)] = []

        /// Every event of the batch is there, once, at consecutive positions, in order.
        var isWhole: Bool {
            guard events.count == size else { return false }
            let positions = events.map(\.position)
            return events.map(\.index) == Array(0..<size)
                && positions == Array(positions[0]...positions[0] + UInt64(size) - 1)
        }
    }

    var head: (position: UInt64, hash: ChainHash)
    var verification: VerificationReport
    var batches: [String: Batch] = [:]
    /// The versions of each stream, in log order.
    var streamVersions: [String: [UInt64]] = [:]
    var eventCount: UInt64 = 0
    /// Events that are not `stress-append`'s, or whose marks are unreadable.
    var unmarked: [UInt64] = []
    /// Event ids found more than once.
    var duplicateIDs: [EventID] = []

    /// Opens the store in `folder` (as any process would, with no repair) and reads it all.
    init(folder: String) throws {
        try self.init(store: try EventStore.open(at: folder))
    }

    /// Opens the store in PostgreSQL at `url`, read-only, and reads it all.
    init(postgres url: String) throws {
        try self.init(store: try EventStore.open(postgres: url, options: .init(readOnly: true)))
    }

    /// Reads all of `store`.
    init(store: EventStore) throws {
        head = try store.head()
        verification = try store.verify()
        var batches: [String: Batch] = [:]
        var streamVersions: [String: [UInt64]] = [:]
        var count: UInt64 = 0
        var unmarked: [UInt64] = []
        var ids = Set<EventID>()
        var duplicateIDs: [EventID] = []
        try store.forEachEvent { event in
            count += 1
            if !ids.insert(event.eventID).inserted { duplicateIDs.append(event.eventID) }
            streamVersions[event.stream.id, default: []].append(event.streamVersion)
            guard case .string(let name)? = event.data["batch"], case .integer(let index)? = event.data["index"],
                case .integer(let size)? = event.data["size"]
            else {
                unmarked.append(event.position)
                return
            }
            batches[name, default: Batch(size: Int(size))].events.append(
                (event.position, Int(index), event.stream.id, event.streamVersion))
        }
        self.batches = batches
        self.streamVersions = streamVersions
        self.unmarked = unmarked
        self.duplicateIDs = duplicateIDs
        eventCount = count
    }

    /// The batches that are there in part only.
    var partialBatches: [String] { batches.filter { !$0.value.isWhole }.map(\.key).sorted() }

    /// The hash stored at `position`.
    static func hash(at position: UInt64, folder: String) throws -> ChainHash? {
        try EventStore.open(at: folder).events(from: position, limit: 1).first?.hash
    }
}
