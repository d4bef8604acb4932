extension BenchmarkRun {
    /// Measures subledger's encoded record on a small store of the first events, before
    /// any timed run, so that raw LMDB puts values of that size.
    mutating func calibrateRecordSize() throws {
        let count = min(options.eventCount, 10_000)
        let engine = try SubledgerEngine(eventSet: eventSet)
        defer { engine.folder.remove() }
        var stopwatch = Stopwatch()
        try engine.append(eventSet.batches(of: 10_000, count: count)[...], timing: &stopwatch)
        _ = try engine.close(eventCount: count)
        let (walk, _) = try RawLMDBReader.recordSize(ofStoreIn: engine.folder.path)
        recordSize = Int(walk.meanValueBytes.rounded())
        details.append(
            String(
                format:
                    "- Encoded record (value in `events`), measured before the runs on a subledger store of the first %ld events: mean %.2f bytes; the raw LMDB run puts %ld-byte values.",
                walk.count, walk.meanValueBytes, recordSize))
    }
}
