import SubledgerStore

/// subledger's own path: `EventStore.append` (encoding, hash chain, checks, the same
/// puts) and `EventStore.forEachEvent` (decoding, checksums and chain links checked; a
/// second read also recomputes every hash).
final class SubledgerEngine: BenchmarkEngine {
    let kind = Measurement.Engine.subledger
    let folder: TemporaryFolder
    private let events: SubledgerEvents
    /// `nil` once closed (releasing it closes its LMDB environment).
    private var store: EventStore?

    init(eventSet: EventSet) throws {
        folder = try TemporaryFolder(prefix: "subledger")
        events = SubledgerEvents(eventSet: eventSet)
        store = try EventStore.open(at: folder.path)
    }

    /// The open store (for the concurrent run), `nil` once closed.
    var openStore: EventStore? { store }

    /// Only the `append` calls are timed: making the `ProposedEvent`s is the caller's work.
    func append(_ batches: ArraySlice<ArraySlice<BenchmarkEvent>>, timing stopwatch: inout Stopwatch) throws {
        guard let store else { throw BenchmarkError("the subledger store is closed") }
        for batch in batches {
            let proposed = batch.map(events.proposedEvent)
            let result = try stopwatch.measure { try store.append(proposed) }
            guard result.appendedCount == batch.count else {
                throw BenchmarkError("subledger appended \(result.appendedCount) of \(batch.count) events")
            }
        }
    }

    func readAll() throws -> Int {
        try readAll(verifyingHashes: false)
    }

    /// The same read recomputing every event's SHA-256 (what `verify` and `export` do).
    func readAll(verifyingHashes: Bool) throws -> Int {
        guard let store else { throw BenchmarkError("the subledger store is closed") }
        var count = 0
        var amounts: Int64 = 0
        try store.forEachEvent(verifyingHashes: verifyingHashes) { event in
            count += 1
            amounts &+= event.data["amount"]?.integerValue ?? 0
        }
        guard amounts != 0 || count == 0 else { throw BenchmarkError("the read saw no amounts") }
        return count
    }

    let readNote = "`forEachEvent`: decoded, every record's CRC-32C and every chain link checked"
    let hashedReadNote =
        "`forEachEvent(verifyingHashes: true)`: as above, and every SHA-256 recomputed (what verify and export do)"

    /// Closes the store, then reads its records' sizes and its tables' pages through the C API.
    func close(eventCount: Int) throws -> StoreSize {
        store = nil
        let (walk, tables) = try RawLMDBReader.recordSize(ofStoreIn: folder.path)
        guard walk.count == eventCount else {
            throw BenchmarkError("the store holds \(walk.count) events, not \(eventCount)")
        }
        return StoreSize(
            engine: kind, file: "data.mdb", bytes: TemporaryFolder.fileSize(folder.appending("data.mdb")),
            eventCount: eventCount,
            note: String(format: "records %.2f bytes on average; pages per table, bytes/event: ", walk.meanValueBytes)
                + tables + " (+ symbols, meta)")
    }
}
