/// The limit: raw LMDB through the C API (see ``RawLMDBWriter``), read with a cursor walk.
// Unchecked: the concurrent run's threads share it through `appendShared`, which reads
// only constants and uses its own scratch; LMDB serialises the write transactions.
final class RawLMDBEngine: BenchmarkEngine, @unchecked Sendable {
    let kind = Measurement.Engine.rawLMDB
    let folder: TemporaryFolder
    /// `nil` once closed.
    private var environment: RawLMDBEnvironment?
    private let writer: RawLMDBWriter
    private var scratch = KeyScratch()
    /// The time of the commits (where the fsyncs are), within the appends.
    private var commits = Stopwatch()

    init(eventSet: EventSet, recordSize: Int) throws {
        folder = try TemporaryFolder(prefix: "raw-lmdb")
        let environment = try RawLMDBEnvironment(path: folder.path, create: true)
        self.environment = environment
        writer = RawLMDBWriter(eventSet: eventSet, recordSize: recordSize)
    }

    func append(_ batches: ArraySlice<ArraySlice<BenchmarkEvent>>, timing stopwatch: inout Stopwatch) throws {
        guard let environment else { throw BenchmarkError("the raw LMDB environment is closed") }
        for batch in batches {
            try stopwatch.measure { try writer.append(batch, to: environment, scratch: &scratch, commits: &commits) }
        }
    }

    /// `batch` in its own write transaction, from any of the concurrent run's threads.
    func appendShared(_ batch: ArraySlice<BenchmarkEvent>, timing stopwatch: inout Stopwatch) throws {
        guard let environment else { throw BenchmarkError("the raw LMDB environment is closed") }
        var scratch = KeyScratch()
        var commits = Stopwatch()
        try stopwatch.measure { try writer.append(batch, to: environment, scratch: &scratch, commits: &commits) }
    }

    func appendNote(total: Stopwatch) -> String {
        String(format: "commits %.0f%% of the time", commits.seconds / max(total.seconds, 1e-9) * 100)
    }

    func readAll() throws -> Int {
        guard let environment else { throw BenchmarkError("the raw LMDB environment is closed") }
        return try RawLMDBReader.walkEvents(environment).count
    }

    let readNote = "cursor walk of `events`, one read transaction, no decoding"

    func close(eventCount: Int) throws -> StoreSize {
        let tables = try environment?.tableBytesPerEvent(eventCount) ?? ""
        environment = nil
        return StoreSize(
            engine: kind, file: "data.mdb", bytes: TemporaryFolder.fileSize(folder.appending("data.mdb")),
            eventCount: eventCount, note: "pages per table, bytes/event: \(tables)")
    }
}
