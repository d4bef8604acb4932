#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension BenchmarkRun {
    /// Appends the events at `batchSize` to every engine, each on a fresh store, in turns:
    /// the batches are cut into rounds, and in each round every engine appends that
    /// round's batches (the order rotating from round to round), so that all meet the
    /// same disk and the same neighbours. For the largest batch size, each store is then
    /// read back whole, and its size measured.
    mutating func runAppends(batchSize: Int) throws {
        let count = options.count(forBatchSize: batchSize)
        let engines = try options.engines.map {
            try makeEngine($0, eventSet: eventSet, recordSize: recordSize, postgresURL: options.postgresURL)
        }
        defer { engines.forEach { $0.folder.remove() } }
        if batchSize == BenchmarkOptions.batchSizes.first,
            let sqlite = engines.compactMap({ $0 as? SQLiteEngine }).first
        {
            details.append(
                "- SQLite settings as it reports them: \(sqlite.settings); one `BEGIN IMMEDIATE` transaction per batch."
            )
        }
        let batches = eventSet.batches(of: batchSize, count: count)
        let rounds = Self.rounds(batches.count, into: options.rounds)
        var stopwatches = Array(repeating: Stopwatch(), count: engines.count)
        var otherCPU = Array(repeating: 0.0, count: engines.count)
        for (roundIndex, round) in rounds.enumerated() {
            for turn in engines.indices {
                let index = (turn + roundIndex) % engines.count
                // Untimed: flush every dirty page, so no engine pays for another's writeback.
                sync()
                let before = MachineLoad.now()
                try engines[index].append(batches[round], timing: &stopwatches[index])
                otherCPU[index] += MachineLoad.otherCPUSeconds(from: before, to: .now())
            }
            Self.progress("batch \(batchSize): round \(roundIndex + 1) of \(rounds.count) done")
        }
        for (index, engine) in engines.enumerated() {
            var notes = [note(forBatchSize: batchSize), engine.appendNote(total: stopwatches[index])]
            notes.removeAll { $0.isEmpty }
            record(
                Measurement(
                    engine: engine.kind, operation: .append(batchSize: batchSize), eventCount: count,
                    seconds: stopwatches[index].seconds, cpuSeconds: stopwatches[index].cpuSeconds,
                    otherCPUSeconds: otherCPU[index], note: notes.joined(separator: "; ")))
        }
        guard batchSize == fullBatchSize else {
            for engine in engines { _ = try engine.close(eventCount: count) }
            return
        }
        try readBack(engines, count: count)
        for engine in engines { sizes.append(try engine.close(eventCount: count)) }
    }

    /// Reads each engine's store back whole (and subledger's again, recomputing every hash),
    /// recording each read; the count read must be `count`.
    mutating func readBack(_ engines: [any BenchmarkEngine], count: Int) throws {
        for engine in engines {
            var stopwatch = Stopwatch()
            let before = MachineLoad.now()
            let readCount = try stopwatch.measure { try engine.readAll() }
            guard readCount == count else {
                throw BenchmarkError("\(engine.kind.rawValue) read \(readCount) of \(count) events")
            }
            record(
                Measurement(
                    engine: engine.kind, operation: .read, eventCount: readCount, seconds: stopwatch.seconds,
                    cpuSeconds: stopwatch.cpuSeconds,
                    otherCPUSeconds: MachineLoad.otherCPUSeconds(from: before, to: .now()),
                    note: engine.readNote))
            if let subledger = engine as? SubledgerEngine {
                var hashed = Stopwatch()
                let hashedBefore = MachineLoad.now()
                let hashedCount = try hashed.measure { try subledger.readAll(verifyingHashes: true) }
                guard hashedCount == count else {
                    throw BenchmarkError("subledger read \(hashedCount) of \(count) events")
                }
                record(
                    Measurement(
                        engine: engine.kind, operation: .read, eventCount: hashedCount, seconds: hashed.seconds,
                        cpuSeconds: hashed.cpuSeconds,
                        otherCPUSeconds: MachineLoad.otherCPUSeconds(from: hashedBefore, to: .now()),
                        note: subledger.hashedReadNote))
            }
        }
    }

    /// `batchCount` batch indexes cut into at most `rounds` contiguous ranges.
    static func rounds(_ batchCount: Int, into rounds: Int) -> [Range<Int>] {
        let perRound = max(1, (batchCount + rounds - 1) / max(rounds, 1))
        return stride(from: 0, to: batchCount, by: perRound).map { $0..<min($0 + perRound, batchCount) }
    }
}
