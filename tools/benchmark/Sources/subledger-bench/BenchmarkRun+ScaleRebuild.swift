import Foundation

/// The scale part's memory of the import and its full rebuild of the stored projections.
extension BenchmarkRun {
    /// The import's peak RSS, beside the other processes' (issue 13: ≤ 1 GiB, flat).
    static func addImportMemoryRow(into results: inout ScaleResults) {
        guard let importing = results.process("import") else { return }
        let generated = results.generated
        let others = ["export", "verify FILE", "verify store", "generator"].compactMap { name in
            results.process(name).map { "\(name) \(mebibytes($0.peakResidentBytes))" }
        }
        results.rows.append(
            ScaleRow(
                figure: "Peak RSS of `subledger import`", value: Double(importing.peakResidentBytes),
                measured: mebibytes(importing.peakResidentBytes), goal: .report, goalText: "report",
                comparator:
                    "\(ReportTable.grouped(generated.events)) events, \(ReportTable.grouped(generated.bytes)) B of input",
                notes:
                    "the child's own `VmHWM` (/proc, read every 5 ms), mapped store pages included; of which anonymous (`RssAnon`) at most \(mebibytes(importing.peakAnonymousBytes)); "
                    + others.joined(separator: ", ")
            ))
        results.rows.append(
            anonymousMemoryRow(
                "`subledger import`", importing, goalMebibytes: 1024, goalText: "≤ 1 GiB, flat",
                comparator: "\(ReportTable.grouped(generated.events)) events"))
    }

    /// A process's peak anonymous memory (`RssAnon`) against a goal: the memory that is the
    /// process's own. Its `VmHWM` also counts the pages of the store's file that LMDB maps,
    /// which are the kernel's page cache (shared with every reader of the file, evicted as
    /// memory is needed), and a command that reads a 4.8 GB store touches all of them.
    static func anonymousMemoryRow(
        _ command: String, _ process: ChildProcess, goalMebibytes: Double, goalText: String, comparator: String
    ) -> ScaleRow {
        ScaleRow(
            figure: "Peak anonymous memory (`RssAnon`) of \(command)",
            value: Double(process.peakAnonymousBytes) / 1_048_576, measured: mebibytes(process.peakAnonymousBytes),
            goal: .atMost(goalMebibytes), goalText: goalText, comparator: comparator,
            notes: "read every 5 ms from /proc; the mapped store pages, which `VmHWM` counts, left out (\(mebibytes(process.peakResidentBytes)) with them)")
    }

    /// `subledger rebuild --db STORE --json` as a whole process, required to reproduce the
    /// stored projections byte for byte: its rate and peak memory (the goals are LMDB's,
    /// issue 13; with `engine` naming PostgreSQL they are reported).
    static func timeRebuild(
        _ files: ScaleFiles, store: String? = nil, engine: String = "", into results: inout ScaleResults
    ) throws {
        let events = results.generated.events
        let name = engine.isEmpty ? "rebuild" : "rebuild-postgres"
        progress("scale\(engine): subledger rebuild")
        let rebuilding = try runChecked(
            [files.binary, "rebuild", "--db", store ?? files.store, "--json"], in: files.folder, name: name)
        let report = try jsonObject(files.folder.appending("\(name).out"))
        guard report["identicalToPrevious"] as? Bool == true, report["eventsFolded"] as? Int == events else {
            throw BenchmarkError("the rebuild\(engine) did not reproduce the stored projections: \(report)")
        }
        results.timed("`subledger rebuild`\(engine)", "rebuild\(engine)", rebuilding)
        let rate = Double(events) / max(rebuilding.seconds, 1e-9)
        let records = report["recordsWritten"] as? Int ?? 0
        results.rows.append(
            ScaleRow(
                figure: "Full rebuild of every projection (`subledger rebuild`)\(engine), whole process", value: rate,
                measured: "\(ReportTable.grouped(Int(rate.rounded()))) events/s",
                goal: engine.isEmpty ? .atLeast(1_000_000) : .report,
                goalText: engine.isEmpty ? "≥ 1,000,000 events/s" : "report",
                comparator: String(
                    format: "%@ events into %@ records in %.2f s; byte-identical to the stored ones",
                    ReportTable.grouped(events), ReportTable.grouped(records), rebuilding.seconds),
                notes: String(
                    format: "CPU %.1f s user + %.1f s system", rebuilding.userSeconds, rebuilding.systemSeconds)
                    + ScaleRow.disturbance(rebuilding.otherCPUSeconds, seconds: rebuilding.seconds)))
        results.rows.append(
            ScaleRow(
                figure: "Peak memory of the full rebuild\(engine)", value: Double(rebuilding.peakResidentBytes) / 1_048_576,
                measured: mebibytes(rebuilding.peakResidentBytes), goal: engine.isEmpty ? .atMost(2048) : .report,
                goalText: engine.isEmpty ? "≤ 2 GiB for 10 M events" : "report", comparator: "\(ReportTable.grouped(events)) events",
                notes:
                    "the child's own `VmHWM`, mapped store pages included; anonymous (`RssAnon`) at most \(mebibytes(rebuilding.peakAnonymousBytes))"
            ))
        if engine.isEmpty {
            results.rows.append(
                anonymousMemoryRow(
                    "the full rebuild", rebuilding, goalMebibytes: 2048, goalText: "≤ 2 GiB for 10 M events",
                    comparator: "\(ReportTable.grouped(events)) events"))
        }
    }
}
