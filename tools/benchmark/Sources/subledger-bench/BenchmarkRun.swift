/// One run of the whole benchmark: every engine, every batch size, the reads, the sizes.
struct BenchmarkRun {
    let options: BenchmarkOptions
    let eventSet: EventSet
    var measurements: [Measurement] = []
    var sizes: [StoreSize] = []
    /// Lines for the section after the tables: sub-steps and settings.
    var details: [String] = []
    /// The rows of the concurrent single-event appenders (``runConcurrentAppends()``).
    var concurrentMeasurements: [ConcurrentMeasurement] = []
    /// The mean size of subledger's encoded record, measured before the timed runs.
    var recordSize = 0
    /// The machine's load when the run started.
    private(set) var loadAtRunStart = MachineLoad.now()
    /// The scale part's results (``runScale()``), `nil` when it did not run.
    var scale: ScaleResults?
    /// The follow part's results (``runFollow()``), `nil` when it did not run.
    var follow: FollowResults?
    /// The proof part's results (``runProof()``), `nil` when it did not run.
    var proof: ProofResults?

    init(options: BenchmarkOptions) {
        self.options = options
        var stopwatch = Stopwatch()
        let count = options.parts.contains(.appends) ? options.eventCount : 1
        eventSet = stopwatch.measure { EventSet(count: count) }
        if options.parts.contains(.appends) {
            Self.progress(
                "made \(options.eventCount) events on \(eventSet.lines.count) lines in "
                    + String(format: "%.1f s", stopwatch.seconds))
        }
    }

    /// The batch size whose store is read back and measured: the largest.
    var fullBatchSize: Int { BenchmarkOptions.batchSizes.max() ?? 10_000 }

    func note(forBatchSize batchSize: Int) -> String {
        batchSize == 1
            ? "first \(ReportTable.grouped(options.count(forBatchSize: 1))) events only: one commit (fsync) each" : ""
    }

    mutating func record(_ measurement: Measurement) {
        measurements.append(measurement)
        let operation = measurement.batchSize.map { "append, batch \($0)" } ?? "read"
        Self.progress(
            "\(measurement.engine.rawValue) \(operation): \(measurement.eventCount) events in "
                + String(format: "%.3f s, %.0f events/s", measurement.seconds, measurement.eventsPerSecond))
    }

    /// Progress goes to standard error, so standard output holds only the report.
    static func progress(_ line: String) {
        printToStandardError("bench: \(line)")
    }

    /// Measures the record size, then appends at every batch size; then the scale part; then
    /// the follow part.
    mutating func runAll() throws {
        loadAtRunStart = MachineLoad.now()
        if options.parts.contains(.appends) {
            try calibrateRecordSize()
            for batchSize in BenchmarkOptions.batchSizes { try runAppends(batchSize: batchSize) }
            try runConcurrentAppends()
            if options.engines.contains(.subledger) {
                try runLedgerConcurrentRecords()
                try runLedgerBatchRecords()
            }
            if options.engines.contains(.subledger) { runSubSteps() }
        }
        if options.parts.contains(.scale) { try runScale() }
        if options.parts.contains(.follow) { try runFollow() }
        if options.parts.contains(.proof) { try runProof() }
    }
}
