#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The index entries of an import in progress, kept out of the store's indexes until the
/// import ends (issue 13): each transaction's entries of the `eventIds`, `streams`,
/// `streamTimes` and `disclosures` tables become one sorted run on disk (``IndexRunFile``),
/// and the runs of each table are merged into it once, in key order, before the import is
/// made visible (``EventLog/mergeImportIndexRuns(_:for:)``). Written at random keys one by
/// one, each of an import's bounded transactions rewrote nearly every page of indexes that
/// grow with the store (28 × the store's bytes written at 10 M events); merged in key
/// order, each page is written about once.
///
/// What the import's later transactions must know of its earlier ones is kept here: each
/// stream's head (version and hash), and the event ids (a filter, then the runs).
/// The runs live in `import-runs` in the store's folder; the store's import lock covers
/// them, and a rollback removes them (``removeLeftovers(in:)``).
final class ImportIndexRuns {
    /// The folder of a store's runs, beside its LMDB files.
    static func folder(ofStore storeFolder: String) -> String { storeFolder + "/import-runs" }

    let folder: String
    private var runs: [[IndexRunFile]] = Array(repeating: [], count: DeferredIndexEntries.tables.count)
    private let ids = ImportIDFilter()
    private var heads: [StreamID: StreamHeads.Head] = [:]
    private var runCount = 0
    /// Set when a transaction committed but its run could not be written: the import cannot
    /// go on (its index entries are lost) and must be rolled back.
    private var failure: EventStoreError?

    /// Runs in `folder`, made empty (what an earlier, interrupted import left is removed).
    /// - Throws: ``EventStoreError`` (`.storage`) when the folder cannot be made.
    init(folder: String) throws {
        self.folder = folder
        Self.removeLeftovers(in: folder)
        guard mkdir(folder, 0o700) == 0 else { throw IndexRunFile.failure("creating the folder of", folder) }
    }

    /// Removes the runs folder of an import that is over or never finished, and what it holds.
    static func removeLeftovers(in folder: String) {
        guard let directory = opendir(folder) else { return }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        closedir(directory)
        for name in names { unlink(folder + "/" + name) }
        rmdir(folder)
    }

    /// The head of `stream` after the import's committed transactions; `nil` when none touched it.
    func head(of stream: StreamID) -> StreamHeads.Head? { heads[stream] }

    /// The position the import's committed transactions gave the event `id`, or `nil`.
    /// - Throws: ``EventStoreError`` when a run cannot be read.
    func position(of id: EventID) throws -> UInt64? {
        guard ids.mayContain(id) else { return nil }
        let key = StoreKeys.eventID(id)
        for run in runs(of: .eventIDs) {
            if let value = try run.value(of: key) {
                guard let position = value.withUnsafeBytes({ ByteReader.bigEndian($0) }) else {
                    throw EventStoreError(.storage, "the import's index run \(run.path) holds a bad position")
                }
                return position
            }
        }
        return nil
    }

    /// Refuses to go on after a run was lost.
    func checkUsable() throws {
        if let failure { throw failure }
    }

    /// Keeps what a committed transaction deferred: one run per table, its ids, its heads.
    /// - Throws: ``EventStoreError`` (`.storage`) when a run cannot be written; the import
    ///   must then be rolled back (every later call refuses).
    func commit(_ entries: DeferredIndexEntries, heads touched: [StreamID: StreamHeads.Head]) throws {
        try checkUsable()
        do {
            for (index, builder) in entries.builders.enumerated() where !builder.isEmpty {
                let table = DeferredIndexEntries.tables[index]
                let path = "\(folder)/\(runCount)-\(table.name).run"
                runs[index].append(try IndexRunFile.write(builder, to: path, fenced: table == .eventIDs))
            }
            runCount += 1
        } catch let error as EventStoreError {
            failure = EventStoreError(
                .storage, "the import cannot go on: \(error.message); it is rolled back, nothing of it is visible")
            throw failure!
        }
        for id in entries.positionsByID.keys { ids.insert(id) }
        heads.merge(touched) { _, new in new }
    }

    /// The runs of each deferred table, for the merge.
    func runs(of table: Table) -> [IndexRunFile] {
        guard let index = DeferredIndexEntries.tables.firstIndex(of: table) else { return [] }
        return runs[index]
    }

    /// Removes every run and the folder.
    func remove() {
        for run in runs.joined() { run.remove() }
        runs = Array(repeating: [], count: DeferredIndexEntries.tables.count)
        Self.removeLeftovers(in: folder)
    }
}

/// The entries of several sorted runs, in one key order (a k-way merge, ``MergeHeap``).
struct MergedIndexRuns {
    private var readers: [IndexRunReader]
    /// Each reader's current entry; the heap orders the readers by it.
    private var current: [(key: [UInt8], value: [UInt8])?]
    private var heap: MergeHeap

    init(_ runs: [IndexRunFile]) throws {
        readers = try runs.map(IndexRunReader.init)
        var current: [(key: [UInt8], value: [UInt8])?] = []
        for index in readers.indices { current.append(try readers[index].next()) }
        heap = MergeHeap(current.indices.filter { current[$0] != nil }) { Self.precedes($0, $1, in: current) }
        self.current = current
    }

    func close() { for reader in readers { reader.close() } }

    /// The next entry of all the runs in key order, or `nil` after the last.
    /// - Throws: ``EventStoreError`` (`.storage`) when a run cannot be read.
    mutating func next() throws -> (key: [UInt8], value: [UInt8])? {
        guard let top = heap.first, let entry = current[top] else { return nil }
        current[top] = try readers[top].next()
        let current = self.current
        heap.firstAdvanced(hasMore: current[top] != nil) { Self.precedes($0, $1, in: current) }
        return entry
    }

    private static func precedes(_ left: Int, _ right: Int, in current: [(key: [UInt8], value: [UInt8])?]) -> Bool {
        guard let leftEntry = current[left], let rightEntry = current[right] else { return current[left] != nil }
        let order = IndexRunBuilder.compare(leftEntry.key, rightEntry.key)
        return order < 0 || (order == 0 && left < right)
    }
}
