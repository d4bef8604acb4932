import Foundation
import SubledgerLedger
import SubledgerStore

/// What `subledger demo --facts-out FILE --json` says of the file it wrote.
struct GeneratedFacts: Decodable {
    var lines: Int
    var subscribers: Int
    var events: Int
    var bytes: Int
    var windowDays: Int
    var firstRecordedAt: String
    var lastRecordedAt: String
    var longLine: String
    var longLineEvents: Int
    var longLineFirstOccurredAt: String
    var longLineLastOccurredAt: String
    var anomalies: Int
    var runs: Int
    var milliseconds: Int
    var sampleLines: [String]
}

/// The scale part's results: the rows of its table, the wall time of each phase, details.
struct ScaleResults {
    var generated: GeneratedFacts
    var rows: [ScaleRow] = []
    var phases: [(name: String, seconds: Double)] = []
    var details: [String] = []
}

extension BenchmarkRun {
    /// The figures at scale, each from a measurement of this run: generates the demo's
    /// population as JSON Lines (`subledger demo --facts-out`), then times the release
    /// `subledger` binary as whole processes (import into a fresh store, export, verify of the
    /// export and of the store, status of random lines) and the library in this process
    /// (`Ledger.status(of:)`, the as-of replay of the 1,000-event line). Everything lives in
    /// one folder under /tmp, removed at the end.
    mutating func runScale() throws {
        guard let binary = options.subledgerBinary else {
            throw BenchmarkError(
                "the scale part times the release subledger binary: run it through bash tools/bench.sh, or pass --subledger PATH (or --parts appends)"
            )
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchmarkError("\(binary) is not an executable")
        }
        let folder = try TemporaryFolder(prefix: "scale")
        defer { folder.remove() }
        let factsPath = folder.appending("facts.jsonl")
        let storePath = folder.appending("store")
        let exportPath = folder.appending("export.jsonl")
        var phases: [(name: String, seconds: Double)] = []
        var rows: [ScaleRow] = []
        var details: [String] = []

        // 1. The facts: the demo's generator at scale.
        Self.progress(
            "scale: generating about \(ReportTable.grouped(options.scaleEvents)) events over \(ReportTable.grouped(options.scaleLines)) lines"
        )
        let generation = try Self.runChecked(
            [
                binary, "demo", "--facts-out", factsPath, "--lines", "\(options.scaleLines)",
                "--events", "\(options.scaleEvents)", "--seed", "\(options.scaleSeed)", "--json",
            ],
            in: folder, name: "generate")
        let generated = try JSONDecoder().decode(
            GeneratedFacts.self, from: Data(contentsOf: URL(fileURLWithPath: folder.appending("generate.out"))))
        let events = generated.events
        phases.append(("generate the facts (`subledger demo --facts-out`)", generation.seconds))
        Self.progress(
            String(
                format: "scale: %@ events, %@ bytes of JSON Lines in %.1f s", ReportTable.grouped(events),
                ReportTable.grouped(generated.bytes), generation.seconds))
        guard generated.anomalies == 0 else {
            throw BenchmarkError("the generator reported \(generated.anomalies) refused actions")
        }

        // 2. Import into a fresh store, the whole process.
        sync()
        Self.progress("scale: subledger import")
        let importing = try Self.runChecked(
            [binary, "import", factsPath, "--db", storePath, "--json"], in: folder, name: "import")
        let importSummary = try Self.jsonObject(folder.appending("import.out"))
        guard importSummary["imported"] as? Int == events else {
            throw BenchmarkError("import recorded \(importSummary["imported"] ?? "?") events, not \(events)")
        }
        phases.append(("`subledger import`", importing.seconds))
        rows.append(
            .throughput(
                "`subledger import` of the JSON Lines into a fresh store, whole process", events: events,
                process: importing,
                bytes: generated.bytes, bytesLabel: "read"))

        // 3. Export to JSON Lines, the whole process.
        sync()
        Self.progress("scale: subledger export")
        let exporting = try Self.runChecked(
            [binary, "export", "--db", storePath, "--output", exportPath], in: folder, name: "export")
        let exportBytes = TemporaryFolder.fileSize(exportPath)
        phases.append(("`subledger export`", exporting.seconds))
        rows.append(
            .throughput(
                "`subledger export` to JSON Lines (`--output`), whole process", events: events, process: exporting,
                bytes: exportBytes, bytesLabel: "written"))

        // 4. Verify the export file, then the store, each a whole process.
        sync()
        Self.progress("scale: subledger verify FILE")
        let verifyingFile = try Self.runChecked(
            [binary, "verify", exportPath, "--json"], in: folder, name: "verify-file")
        let fileVerdict = try Self.jsonObject(folder.appending("verify-file.out"))
        guard fileVerdict["ok"] as? Bool == true, fileVerdict["events"] as? Int == events else {
            throw BenchmarkError("verify of the export did not pass: \(fileVerdict)")
        }
        phases.append(("`subledger verify FILE`", verifyingFile.seconds))
        rows.append(
            .throughput(
                "`subledger verify` of the export file, whole process", events: events, process: verifyingFile,
                bytes: exportBytes, bytesLabel: "read"))
        Self.progress("scale: subledger verify (the store)")
        let verifyingStore = try Self.runChecked(
            [binary, "verify", "--db", storePath, "--json"], in: folder, name: "verify-store")
        let storeVerdict = try Self.jsonObject(folder.appending("verify-store.out"))
        guard storeVerdict["ok"] as? Bool == true, storeVerdict["verified"] as? Int == events else {
            throw BenchmarkError("verify of the store did not pass: \(storeVerdict)")
        }
        phases.append(("`subledger verify` (store)", verifyingStore.seconds))
        let dataPath = storePath + "/data.mdb"
        let storeBytes = TemporaryFolder.fileSize(dataPath)
        rows.append(
            .throughput(
                "`subledger verify` of the store, whole process", events: events, process: verifyingStore,
                bytes: storeBytes, bytesLabel: "of data.mdb"))

        rows.append(.bytesWritten("Bytes written by `subledger import`", process: importing, storeBytes: storeBytes))

        // 5. The store's size against the same events as compact JSON Lines (the export).
        let allocated = TemporaryFolder.allocatedSize(dataPath)
        let ratio = Double(storeBytes) / Double(max(exportBytes, 1))
        rows.append(
            ScaleRow(
                figure: "Store size (data.mdb) vs the same events as compact JSON Lines (the export)", value: ratio,
                measured: String(format: "%.2f×", ratio), goal: .atMost(1.5), goalText: "≤ 1.5×",
                comparator:
                    "data.mdb \(ReportTable.grouped(storeBytes)) B (\(Self.perEvent(storeBytes, events))); export \(ReportTable.grouped(exportBytes)) B (\(Self.perEvent(exportBytes, events))); input \(ReportTable.grouped(generated.bytes)) B",
                notes:
                    "file size; \(ReportTable.grouped(allocated)) B allocated on disk (\(String(format: "%.2f×", Double(allocated) / Double(max(exportBytes, 1)))) the export)"
            ))

        // 6. `subledger status LINE` as a whole process, on the warm store.
        var random = SplitMix64(seed: options.scaleSeed ^ 0x57A7_05)
        let sample = generated.sampleLines
        guard !sample.isEmpty else { throw BenchmarkError("the generator named no lines") }
        Self.progress("scale: \(options.statusProcessRuns) runs of subledger status LINE")
        var statusClock = Stopwatch()
        var processTimes: [Double] = []
        var statusOthers = 0.0
        try statusClock.measure {
            for run in 0..<(5 + options.statusProcessRuns) {
                let line = sample[Int(random.next() % UInt64(sample.count))]
                let process = try Self.runChecked(
                    [binary, "status", line, "--db", storePath], in: folder, name: "status")
                if run >= 5 {
                    processTimes.append(process.seconds)
                    statusOthers += process.otherCPUSeconds
                }
            }
        }
        phases.append(("`subledger status` × \(5 + options.statusProcessRuns) (5 untimed)", statusClock.seconds))
        let processStats = Percentiles(processTimes)
        let statusNote =
            "\(options.statusProcessRuns) runs over random lines of the \(ReportTable.grouped(sample.count)) sampled, after 5 untimed; spawn to exit"
        rows.append(
            ScaleRow(
                figure: "`subledger status LINE`, whole process, warm store: median", value: processStats.median * 1e3,
                measured: String(format: "%.1f ms", processStats.median * 1e3), goal: .atMost(10), goalText: "≤ 10 ms",
                comparator: "–",
                notes: statusNote + ScaleRow.disturbance(statusOthers, seconds: processTimes.reduce(0, +))))
        rows.append(
            ScaleRow(
                figure: "`subledger status LINE`, whole process, warm store: p99", value: processStats.p99 * 1e3,
                measured: String(format: "%.1f ms", processStats.p99 * 1e3), goal: .atMost(20), goalText: "≤ 20 ms",
                comparator: "–", notes: String(format: "max %.1f ms", processStats.maximum * 1e3)))

        // 7. In this process, through the library: status of random lines, as-of replay of the long line.
        let ledger = try Ledger.open(at: storePath)
        Self.progress("scale: \(options.statusCalls) in-process Ledger.status(of:) calls")
        var libraryClock = Stopwatch()
        var callTimes: [Double] = []
        let before = MachineLoad.now()
        try libraryClock.measure {
            let clock = ContinuousClock()
            let warmUp = max(1, options.statusCalls / 10)
            callTimes.reserveCapacity(options.statusCalls)
            var debts: Int64 = 0
            // A warm store, as for the whole-process row: every sampled line read once, untimed
            // (its records' pages mapped into this process), before the timed calls.
            let sampleNumbers = try sample.map { try LineNumber($0) }
            for line in sampleNumbers { debts &+= try ledger.status(of: line).debt }
            for call in 0..<(warmUp + options.statusCalls) {
                let line = sampleNumbers[Int(random.next() % UInt64(sampleNumbers.count))]
                let start = clock.now
                let report = try ledger.status(of: line)
                let elapsed = clock.now - start
                debts &+= report.debt
                if call >= warmUp { callTimes.append(elapsed.seconds) }
            }
            precondition(debts >= 0)
        }
        let libraryOthers = MachineLoad.otherCPUSeconds(from: before, to: .now())
        phases.append(
            (
                "in-process `Ledger.status(of:)` × \(options.statusCalls + max(1, options.statusCalls / 10))",
                libraryClock.seconds
            ))
        let callStats = Percentiles(callTimes)
        rows.append(
            ScaleRow(
                figure: "`Ledger.status(of:)` of one line, in-process: p99", value: callStats.p99 * 1e6,
                measured: String(format: "%.1f µs", callStats.p99 * 1e6), goal: .atMost(50), goalText: "p99 ≤ 50 µs",
                comparator: "–",
                notes: String(
                    format:
                        "median %.1f µs, max %.1f µs; %@ calls over random lines, after every sampled line once and %@ calls untimed",
                    callStats.median * 1e6, callStats.maximum * 1e6, ReportTable.grouped(options.statusCalls),
                    ReportTable.grouped(max(1, options.statusCalls / 10)))
                    + ScaleRow.disturbance(libraryOthers, seconds: libraryClock.seconds)))

        Self.progress("scale: \(options.replayRuns) as-of replays of \(generated.longLine)")
        let first = try Timestamp(rfc3339: generated.longLineFirstOccurredAt)
        let last = try Timestamp(rfc3339: generated.longLineLastOccurredAt)
        let longLine = try LineNumber(generated.longLine)
        var replayClock = Stopwatch()
        var replayTimes: [Double] = []
        var readTimes: [Double] = []
        var foldedFacts = 0
        let replayBefore = MachineLoad.now()
        try replayClock.measure {
            let clock = ContinuousClock()
            let warmUp = max(1, options.replayRuns / 10)
            let span = UInt64(last.millisecondsSinceEpoch - first.millisecondsSinceEpoch + 1)
            for run in 0..<(warmUp + options.replayRuns) {
                let asOf = Timestamp(millisecondsSinceEpoch: first.millisecondsSinceEpoch + Int64(random.next() % span))
                let start = clock.now
                let history = try ledger.history(of: longLine)
                let read = clock.now
                let state = try history.state(.init(asOf: asOf))
                let elapsed = clock.now - start
                guard state != nil, history.facts.count == generated.longLineEvents else {
                    throw BenchmarkError(
                        "the long line has \(history.facts.count) events, not \(generated.longLineEvents)")
                }
                if run >= warmUp {
                    replayTimes.append(elapsed.seconds)
                    readTimes.append((read - start).seconds)
                    foldedFacts = history.facts.count
                }
            }
        }
        let replayOthers = MachineLoad.otherCPUSeconds(from: replayBefore, to: .now())
        phases.append(("as-of replay × \(options.replayRuns + max(1, options.replayRuns / 10))", replayClock.seconds))
        let replayStats = Percentiles(replayTimes)
        let readStats = Percentiles(readTimes)
        let replayNote =
            "`Ledger.history(of:)` then `history.state(.init(asOf:))` at a random instant of the line's life, \(options.replayRuns) runs after \(max(1, options.replayRuns / 10)) untimed; "
            + String(format: "of which reading the history: median %.2f ms", readStats.median * 1e3)
        rows.append(
            ScaleRow(
                figure: "As-of replay of one line with \(ReportTable.grouped(foldedFacts)) events, in-process: median",
                value: replayStats.median * 1e3,
                measured: String(format: "%.2f ms", replayStats.median * 1e3), goal: .atMost(2), goalText: "≤ 2 ms",
                comparator: "–", notes: replayNote + ScaleRow.disturbance(replayOthers, seconds: replayClock.seconds)))
        rows.append(
            ScaleRow(
                figure: "As-of replay of one line with \(ReportTable.grouped(foldedFacts)) events, in-process: p99",
                value: replayStats.p99 * 1e3,
                measured: String(format: "%.2f ms", replayStats.p99 * 1e3), goal: .atMost(2), goalText: "≤ 2 ms",
                comparator: "–",
                notes: String(
                    format: "max %.2f ms; reading the history p99 %.2f ms", replayStats.maximum * 1e3,
                    readStats.p99 * 1e3)))

        // 8. Peak memory of the import.
        rows.append(
            ScaleRow(
                figure: "Peak RSS of `subledger import`", value: Double(importing.peakResidentBytes),
                measured: Self.mebibytes(importing.peakResidentBytes), goal: .report, goalText: "report",
                comparator: "\(ReportTable.grouped(events)) events, \(ReportTable.grouped(generated.bytes)) B of input",
                notes:
                    "the child's own `VmHWM` (/proc, read every 5 ms), mapped store pages included; of which anonymous (`RssAnon`) at most \(Self.mebibytes(importing.peakAnonymousBytes)); export \(Self.mebibytes(exporting.peakResidentBytes)), verify FILE \(Self.mebibytes(verifyingFile.peakResidentBytes)), verify store \(Self.mebibytes(verifyingStore.peakResidentBytes)), generator \(Self.mebibytes(generation.peakResidentBytes))"
            ))

        // 9. The full rebuild of every stored projection, as a whole process (`subledger rebuild`).
        Self.progress("scale: subledger rebuild")
        let rebuilding = try Self.runChecked(
            [binary, "rebuild", "--db", storePath, "--json"], in: folder, name: "rebuild")
        let rebuildReport = try Self.jsonObject(folder.appending("rebuild.out"))
        guard rebuildReport["identicalToPrevious"] as? Bool == true, rebuildReport["eventsFolded"] as? Int == events
        else {
            throw BenchmarkError("the rebuild did not reproduce the stored projections: \(rebuildReport)")
        }
        phases.append(("`subledger rebuild`", rebuilding.seconds))
        let rebuildRate = Double(events) / max(rebuilding.seconds, 1e-9)
        let records = rebuildReport["recordsWritten"] as? Int ?? 0
        rows.append(
            ScaleRow(
                figure: "Full rebuild of every projection (`subledger rebuild`), whole process", value: rebuildRate,
                measured: "\(ReportTable.grouped(Int(rebuildRate.rounded()))) events/s", goal: .atLeast(1_000_000),
                goalText: "≥ 1,000,000 events/s",
                comparator: String(
                    format: "%@ events into %@ records in %.2f s; byte-identical to the stored ones",
                    ReportTable.grouped(events),
                    ReportTable.grouped(records), rebuilding.seconds),
                notes: String(
                    format: "CPU %.1f s user + %.1f s system (two reader threads and the fold)", rebuilding.userSeconds,
                    rebuilding.systemSeconds)
                    + ScaleRow.disturbance(rebuilding.otherCPUSeconds, seconds: rebuilding.seconds)))
        rows.append(
            ScaleRow(
                figure: "Peak memory of the full rebuild", value: Double(rebuilding.peakResidentBytes) / 1_048_576,
                measured: Self.mebibytes(rebuilding.peakResidentBytes), goal: .atMost(2048),
                goalText: "≤ 2 GiB for 10 M events",
                comparator: "\(ReportTable.grouped(events)) events",
                notes:
                    "the child's own `VmHWM`, mapped store pages included; anonymous (`RssAnon`) at most \(Self.mebibytes(rebuilding.peakAnonymousBytes))"
            ))

        // 10. The queries over every line, streamed: `subledger due` and `subledger audit`.
        let queries = try Self.queryRows(binary: binary, storePath: storePath, folder: folder, generated: generated)
        (rows, phases) = (rows + queries.rows, phases + queries.phases)
        details.append(
            "- The generated facts: \(ReportTable.grouped(events)) events of \(ReportTable.grouped(generated.lines)) lines and \(ReportTable.grouped(generated.subscribers)) subscribers, seed \(options.scaleSeed), \(ReportTable.grouped(generated.bytes)) bytes (\(Self.perEvent(generated.bytes, events))); lines activate over the last \(generated.windowDays) days of the demo's timeline and live to its end; recorded \(generated.firstRecordedAt) to \(generated.lastRecordedAt); \(generated.runs) sorted runs merged."
        )
        details.append(
            "- The long-lived line \(generated.longLine): \(generated.longLineEvents) events, occurred \(generated.longLineFirstOccurredAt) to \(generated.longLineLastOccurredAt)."
        )
        details.append(
            "- CPU of the processes (user + system): "
                + [
                    ("import", importing), ("rebuild", rebuilding), ("export", exporting),
                    ("verify FILE", verifyingFile), ("verify store", verifyingStore), ("generator", generation),
                ]
                .map { String(format: "%@ %.1f + %.1f s", $0.0, $0.1.userSeconds, $0.1.systemSeconds) }.joined(
                    separator: ", ") + ".")
        details.append(
            "- Phases of the scale part (wall time): "
                + phases.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }.joined(separator: "; ") + ".")
        scale = ScaleResults(generated: generated, rows: rows, phases: phases, details: details)
    }

    /// Runs a subledger command with its output in `folder` (`name.out`, `name.err`);
    /// a failure is the benchmark's, with the command's error output.
    static func runChecked(_ arguments: [String], in folder: TemporaryFolder, name: String) throws -> ChildProcess {
        let output = folder.appending("\(name).out")
        let errors = folder.appending("\(name).err")
        let process = try ChildProcess.run(
            arguments, standardOutput: output, standardError: name == "generate" ? nil : errors)
        guard process.succeeded else {
            let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw BenchmarkError("\(process.commandLine) exited with \(process.exitStatus): \(text.prefix(2_000))")
        }
        return process
    }

    static func jsonObject(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchmarkError("\(path) does not hold a JSON object")
        }
        return object
    }

    static func perEvent(_ bytes: Int, _ events: Int) -> String {
        String(format: "%.1f B/event", Double(bytes) / Double(max(events, 1)))
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}

/// The median, 99th percentile (nearest rank) and maximum of some durations.
struct Percentiles {
    var median: Double
    var p99: Double
    var maximum: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        func rank(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(index, 0), sorted.count - 1)]
        }
        median = rank(0.5)
        p99 = rank(0.99)
        maximum = sorted.last ?? .nan
    }
}
