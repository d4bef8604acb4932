import Foundation
import SubledgerLedger
import SubledgerStore

/// The scale part's reads of one line: `subledger status LINE` as a whole process, and in
/// this process through the library `Ledger.status(of:)` and the as-of replay of the long line.
extension BenchmarkRun {
    /// `subledger status LINE` of random sampled lines, each a whole process, on the warm
    /// store at `store` (the LMDB folder, or a PostgreSQL URL with `engine` naming it in the
    /// rows): the median and p99 rows.
    static func timeStatusProcesses(
        _ files: ScaleFiles, options: BenchmarkOptions, store: String? = nil, engine: String = "",
        into results: inout ScaleResults
    ) throws {
        var random = SplitMix64(seed: options.scaleSeed ^ 0x57A7_05)
        let sample = results.generated.sampleLines
        guard !sample.isEmpty else { throw BenchmarkError("the generator named no lines") }
        progress("scale\(engine): \(options.statusProcessRuns) runs of subledger status LINE")
        var statusClock = Stopwatch()
        var processTimes: [Double] = []
        var others = 0.0
        try statusClock.measure {
            for run in 0..<(5 + options.statusProcessRuns) {
                let line = sample[Int(random.next() % UInt64(sample.count))]
                let process = try runChecked(
                    [files.binary, "status", line, "--db", store ?? files.store], in: files.folder, name: "status")
                if run >= 5 {
                    processTimes.append(process.seconds)
                    others += process.otherCPUSeconds
                }
            }
        }
        results.phases.append(
            ("`subledger status`\(engine) × \(5 + options.statusProcessRuns) (5 untimed)", statusClock.seconds))
        let stats = Percentiles(processTimes)
        let note =
            "\(options.statusProcessRuns) runs over random lines of the \(ReportTable.grouped(sample.count)) sampled, after 5 untimed; spawn to exit"
        // The goals are LMDB's (issue 13); PostgreSQL's figures are reported.
        func row(_ which: String, _ seconds: Double, atMost milliseconds: Int, notes: String) -> ScaleRow {
            ScaleRow(
                figure: "`subledger status LINE`\(engine), whole process, warm store: \(which)",
                value: seconds * 1e3, measured: String(format: "%.1f ms", seconds * 1e3),
                goal: engine.isEmpty ? .atMost(Double(milliseconds)) : .report,
                goalText: engine.isEmpty ? "≤ \(milliseconds) ms" : "report", comparator: "–", notes: notes)
        }
        results.rows.append(
            row("median", stats.median, atMost: 10,
                notes: note + ScaleRow.disturbance(others, seconds: processTimes.reduce(0, +))))
        results.rows.append(row("p99", stats.p99, atMost: 20, notes: String(format: "max %.1f ms", stats.maximum * 1e3)))
    }

    /// In this process, through the library: status of random lines, then the as-of
    /// replay of the long line.
    static func timeLibrary(_ files: ScaleFiles, options: BenchmarkOptions, into results: inout ScaleResults) throws {
        let ledger = try Ledger.open(at: files.store)
        var random = SplitMix64(seed: options.scaleSeed ^ 0x1B_5747)
        try timeLibraryStatus(ledger, options: options, random: &random, into: &results)
        try timeReplay(ledger, options: options, random: &random, into: &results)
    }

    /// `Ledger.status(of:)` of random sampled lines, after every sampled line once, untimed.
    static func timeLibraryStatus(
        _ ledger: Ledger, options: BenchmarkOptions, random: inout SplitMix64, into results: inout ScaleResults
    ) throws {
        progress("scale: \(options.statusCalls) in-process Ledger.status(of:) calls")
        let warmUp = max(1, options.statusCalls / 10)
        var clock = Stopwatch()
        var callTimes: [Double] = []
        let before = MachineLoad.now()
        try clock.measure {
            let now = ContinuousClock()
            callTimes.reserveCapacity(options.statusCalls)
            var debts: Int64 = 0
            // A warm store, as for the whole-process row: every sampled line read once, untimed
            // (its records' pages mapped into this process), before the timed calls.
            let lines = try results.generated.sampleLines.map { try LineNumber($0) }
            for line in lines { debts &+= try ledger.status(of: line).debt }
            for call in 0..<(warmUp + options.statusCalls) {
                let line = lines[Int(random.next() % UInt64(lines.count))]
                let start = now.now
                let report = try ledger.status(of: line)
                let elapsed = now.now - start
                debts &+= report.debt
                if call >= warmUp { callTimes.append(elapsed.seconds) }
            }
            guard debts >= 0 else { throw BenchmarkError("the sampled lines' debts summed below zero") }
        }
        let others = MachineLoad.otherCPUSeconds(from: before, to: .now())
        results.phases.append(("in-process `Ledger.status(of:)` × \(options.statusCalls + warmUp)", clock.seconds))
        let stats = Percentiles(callTimes)
        results.rows.append(
            ScaleRow(
                figure: "`Ledger.status(of:)` of one line, in-process: p99", value: stats.p99 * 1e6,
                measured: String(format: "%.1f µs", stats.p99 * 1e6), goal: .atMost(50), goalText: "p99 ≤ 50 µs",
                comparator: "–",
                notes: String(
                    format:
                        "median %.1f µs, max %.1f µs; %@ calls over random lines, after every sampled line once and %@ calls untimed",
                    stats.median * 1e6, stats.maximum * 1e6, ReportTable.grouped(options.statusCalls),
                    ReportTable.grouped(warmUp))
                    + ScaleRow.disturbance(others, seconds: clock.seconds)))
    }

    /// The as-of replay of the long line at random instants of its life: the median and p99.
    static func timeReplay(
        _ ledger: Ledger, options: BenchmarkOptions, random: inout SplitMix64, into results: inout ScaleResults
    ) throws {
        let generated = results.generated
        progress("scale: \(options.replayRuns) as-of replays of \(generated.longLine)")
        let first = try Timestamp(rfc3339: generated.longLineFirstOccurredAt)
        let last = try Timestamp(rfc3339: generated.longLineLastOccurredAt)
        let longLine = try LineNumber(generated.longLine)
        let warmUp = max(1, options.replayRuns / 10)
        var clock = Stopwatch()
        var replayTimes: [Double] = []
        var readTimes: [Double] = []
        var folded = 0
        let before = MachineLoad.now()
        try clock.measure {
            let now = ContinuousClock()
            let span = UInt64(last.millisecondsSinceEpoch - first.millisecondsSinceEpoch + 1)
            for run in 0..<(warmUp + options.replayRuns) {
                let asOf = Timestamp(millisecondsSinceEpoch: first.millisecondsSinceEpoch + Int64(random.next() % span))
                let start = now.now
                let history = try ledger.history(of: longLine)
                let read = now.now
                let state = try history.state(.init(asOf: asOf))
                let elapsed = now.now - start
                guard state != nil, history.facts.count == generated.longLineEvents else {
                    throw BenchmarkError(
                        "the long line has \(history.facts.count) events, not \(generated.longLineEvents)")
                }
                if run >= warmUp {
                    replayTimes.append(elapsed.seconds)
                    readTimes.append((read - start).seconds)
                    folded = history.facts.count
                }
            }
        }
        let others = MachineLoad.otherCPUSeconds(from: before, to: .now())
        results.phases.append(("as-of replay × \(options.replayRuns + warmUp)", clock.seconds))
        let stats = Percentiles(replayTimes)
        let reads = Percentiles(readTimes)
        let note =
            "`Ledger.history(of:)` then `history.state(.init(asOf:))` at a random instant of the line's life, \(options.replayRuns) runs after \(warmUp) untimed; "
            + String(format: "of which reading the history: median %.2f ms", reads.median * 1e3)
        let figure = "As-of replay of one line with \(ReportTable.grouped(folded)) events, in-process"
        results.rows.append(
            ScaleRow(
                figure: figure + ": median", value: stats.median * 1e3,
                measured: String(format: "%.2f ms", stats.median * 1e3), goal: .atMost(2), goalText: "≤ 2 ms",
                comparator: "–", notes: note + ScaleRow.disturbance(others, seconds: clock.seconds)))
        results.rows.append(
            ScaleRow(
                figure: figure + ": p99", value: stats.p99 * 1e3,
                measured: String(format: "%.2f ms", stats.p99 * 1e3), goal: .atMost(2), goalText: "≤ 2 ms",
                comparator: "–",
                notes: String(
                    format: "max %.2f ms; reading the history p99 %.2f ms", stats.maximum * 1e3, reads.p99 * 1e3)))
    }
}
