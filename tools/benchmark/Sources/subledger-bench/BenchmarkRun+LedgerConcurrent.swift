import Foundation
import SubledgerLedger
import SubledgerStore

extension BenchmarkRun {
    /// The concurrent row one level up: `writers` tasks, each on a line of its own, calling the
    /// ledger's `async` `record` with one usage fact at a time (validated, then the store's
    /// group commit: the calls share write transactions and fsyncs), for as long as the
    /// store's row and with at most as many events, on an LMDB store in a temporary folder.
    mutating func runLedgerConcurrentRecords() throws {
        let writers = options.concurrentWriters
        let count = min(options.concurrentEventCount, eventSet.events.count)
        guard writers > 0, count >= writers else { return }
        let folder = try TemporaryFolder(prefix: "ledger-concurrent")
        defer { folder.remove() }
        let ledger = try Ledger.open(at: folder.appending("store"))
        let lines = (0..<writers).map { LineNumber(stringLiteral: "+98912" + String(1_000_000 + $0)) }
        try ledger.record(Self.signUp(lines))
        let perWriter = count / writers
        sync()
        let before = MachineLoad.now()
        var stopwatch = Stopwatch()
        let budget = ConcurrentBudget(seconds: options.concurrentSeconds)
        try stopwatch.measure {
            try Self.recordConcurrently(ledger, lines: lines, perWriter: perWriter, budget: budget)
        }
        let recorded = budget.appendedEvents
        let measurement = ConcurrentMeasurement(
            engine: .subledger, writers: writers, eventCount: recorded, seconds: stopwatch.seconds,
            cpuSeconds: stopwatch.cpuSeconds, otherCPUSeconds: MachineLoad.otherCPUSeconds(from: before, to: .now()),
            note: "`Ledger.record` (async), \(writers) tasks, a line each: validated, then group commit"
                + Self.ranOutNote(
                    appended: recorded, of: perWriter * writers, seconds: stopwatch.seconds, options: options),
            label: "subledger Ledger.record")
        concurrentMeasurements.append(measurement)
        Self.progress(
            "ledger \(writers) concurrent single-fact records: \(recorded) events in "
                + String(format: "%.3f s, %.0f events/s", measurement.seconds, measurement.eventsPerSecond))
    }

    /// The batch row one level up, the shape of the service's batch row (issue 14 item 6):
    /// 4 tasks, each calling `Ledger.record` with batches of 1,000 usage facts spread over 64
    /// lines, for as long as the concurrent rows and with at most as many events.
    mutating func runLedgerBatchRecords() throws {
        let (tasks, batchSize, lineCount) = (4, 1_000, 64)
        let batches = min(options.concurrentEventCount, eventSet.events.count) / batchSize
        guard batches >= tasks else { return }
        let folder = try TemporaryFolder(prefix: "ledger-batches")
        defer { folder.remove() }
        let ledger = try Ledger.open(at: folder.appending("store"))
        let lines = (0..<lineCount).map { LineNumber(stringLiteral: "+98912" + String(1_000_000 + $0)) }
        try ledger.record(Self.signUp(lines))
        let at = Timestamp(millisecondsSinceEpoch: 1_735_804_800_000)  // 2025-01-02T08:00:00Z
        let batch = (0..<batchSize).map { index in
            LedgerFact.line(lines[index % lineCount], at, .usageRecorded(UsageRecorded(amount: 1, description: "u")))
        }
        let perTask = batches / tasks
        sync()
        let before = MachineLoad.now()
        var stopwatch = Stopwatch()
        let budget = ConcurrentBudget(seconds: options.concurrentSeconds)
        try stopwatch.measure {
            try Self.runConcurrently(
                (0..<tasks).map { _ in
                    {
                        for _ in 0..<perTask {
                            guard budget.allowsAnother else { return }
                            try await ledger.record(batch)
                            budget.count(batch.count)
                        }
                    }
                })
        }
        let recorded = budget.appendedEvents
        let measurement = ConcurrentMeasurement(
            engine: .subledger, writers: tasks, eventCount: recorded, seconds: stopwatch.seconds,
            cpuSeconds: stopwatch.cpuSeconds, otherCPUSeconds: MachineLoad.otherCPUSeconds(from: before, to: .now()),
            note: "`Ledger.record` (async), \(tasks) tasks, batches of \(batchSize) facts over \(lineCount) lines"
                + Self.ranOutNote(
                    appended: recorded, of: perTask * tasks * batchSize, seconds: stopwatch.seconds, options: options),
            label: "subledger Ledger.record, batches")
        concurrentMeasurements.append(measurement)
        Self.progress(
            "ledger batches of \(batchSize): \(measurement.eventCount) events in "
                + String(format: "%.3f s, %.0f events/s", measurement.seconds, measurement.eventsPerSecond))
    }

    /// A subscriber and `lines`, each activated (a post-paid plan, no deposit to keep).
    private static func signUp(_ lines: [LineNumber]) -> [LedgerFact] {
        let at = Timestamp(millisecondsSinceEpoch: 1_735_718_400_000)  // 2025-01-01T08:00:00Z
        let registered = LedgerFact.subscriber(
            "S-BENCH", at,
            .subscriberRegistered(
                SubscriberRegistered(
                    subscriberID: "S-BENCH", kind: .individual, governmental: false, name: "Bench",
                    nationalID: "0012345678")))
        let activations = lines.map { line in
            LedgerFact.line(
                line, at,
                .lineActivated(
                    LineActivated(
                        subscriberID: "S-BENCH", service: .mobile, plan: .noDeposit, connectionFee: 0,
                        vanityPremium: 0)))
        }
        return [registered] + activations
    }

    /// One task per line, each awaiting up to `perWriter` records of one usage fact until
    /// `budget`'s deadline; blocks until all are done.
    private static func recordConcurrently(
        _ ledger: Ledger, lines: [LineNumber], perWriter: Int, budget: ConcurrentBudget
    ) throws {
        let start = Timestamp(millisecondsSinceEpoch: 1_735_804_800_000)  // 2025-01-02T08:00:00Z
        try runConcurrently(
            lines.map { line in
                {
                    for index in 0..<perWriter {
                        guard budget.allowsAnother else { return }
                        let usage = UsageRecorded(amount: 10, description: "bench \(index)")
                        let at = start.adding(seconds: Int64(index))
                        try await ledger.record([.line(line, at, .usageRecorded(usage))])
                        budget.count(1)
                    }
                }
            })
    }
}
