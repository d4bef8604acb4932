/// One engine under test, open on its own fresh folder under /tmp.
///
/// The run keeps every engine open at once and hands them the same batches in turns
/// (see ``BenchmarkRun/runAppends(batchSize:)``), so that all meet the same disk.
protocol BenchmarkEngine: AnyObject {
    var kind: Measurement.Engine { get }
    var folder: TemporaryFolder { get }
    /// Appends `batches`, one transaction each, adding the time of the appends to `stopwatch`.
    func append(_ batches: ArraySlice<ArraySlice<BenchmarkEvent>>, timing stopwatch: inout Stopwatch) throws
    /// What to add to the append row's notes.
    func appendNote(total: Stopwatch) -> String
    /// Reads the whole store back; returns how many events it saw.
    func readAll() throws -> Int
    /// What the read row measures.
    var readNote: String { get }
    /// Closes the store and measures its size on disk.
    func close(eventCount: Int) throws -> StoreSize
}

extension BenchmarkEngine {
    func appendNote(total: Stopwatch) -> String { "" }
}

/// Opens each engine on a fresh folder; raw LMDB puts values of `recordSize` bytes.
func makeEngine(_ kind: Measurement.Engine, eventSet: EventSet, recordSize: Int, postgresURL: String?) throws
    -> any BenchmarkEngine
{
    switch kind {
    case .subledger: return try SubledgerEngine(eventSet: eventSet)
    case .subledgerPostgres:
        guard let postgresURL else { throw BenchmarkError("the postgres engine needs --postgres URL") }
        return try SubledgerEngine(eventSet: eventSet, postgresURL: postgresURL)
    case .rawLMDB: return try RawLMDBEngine(eventSet: eventSet, recordSize: recordSize)
    case .sqlite: return try SQLiteEngine(eventSet: eventSet)
    }
}
