import Foundation

/// The scale part's first steps, each a whole process of the release binary: the facts
/// generated, imported into a fresh LMDB store, exported, and both verified.
extension BenchmarkRun {
    /// Generates the demo's population at scale as JSON Lines (`subledger demo --facts-out`).
    /// - Returns: the results so far, with what the generator wrote.
    static func generateFacts(_ files: ScaleFiles, options: BenchmarkOptions) throws -> ScaleResults {
        progress(
            "scale: generating about \(ReportTable.grouped(options.scaleEvents)) events over \(ReportTable.grouped(options.scaleLines)) lines"
        )
        let generation = try runChecked(
            [
                files.binary, "demo", "--facts-out", files.facts, "--lines", "\(options.scaleLines)",
                "--events", "\(options.scaleEvents)", "--seed", "\(options.scaleSeed)", "--json",
            ],
            in: files.folder, name: "generate")
        let generated = try JSONDecoder().decode(
            GeneratedFacts.self, from: Data(contentsOf: URL(fileURLWithPath: files.folder.appending("generate.out"))))
        var results = ScaleResults(generated: generated)
        results.timed("generate the facts (`subledger demo --facts-out`)", "generator", generation)
        progress(
            String(
                format: "scale: %@ events, %@ bytes of JSON Lines in %.1f s", ReportTable.grouped(generated.events),
                ReportTable.grouped(generated.bytes), generation.seconds))
        guard generated.anomalies == 0 else {
            throw BenchmarkError("the generator reported \(generated.anomalies) refused actions")
        }
        return results
    }

    /// `subledger import` of the facts into a fresh store, the whole process.
    static func timeImport(_ files: ScaleFiles, into results: inout ScaleResults) throws {
        let generated = results.generated
        sync()
        progress("scale: subledger import")
        let importing = try runChecked(
            [files.binary, "import", files.facts, "--db", files.store, "--json"], in: files.folder, name: "import")
        try checkImported(files.folder.appending("import.out"), events: generated.events)
        results.timed("`subledger import`", "import", importing)
        results.rows.append(
            .throughput(
                "`subledger import` of the JSON Lines into a fresh store, whole process", events: generated.events,
                process: importing, bytes: generated.bytes, bytesLabel: "read"))
    }

    /// Fails unless the import's `--json` summary at `path` says it recorded `events`.
    static func checkImported(_ path: String, events: Int) throws {
        let summary = try jsonObject(path)
        guard summary["imported"] as? Int == events else {
            throw BenchmarkError("import recorded \(summary["imported"] ?? "?") events, not \(events)")
        }
    }

    /// `subledger export` to JSON Lines, `subledger verify` of the export and of the store,
    /// each a whole process; then the bytes the import wrote and the store's size, against
    /// the export.
    static func timeExportAndVerify(_ files: ScaleFiles, into results: inout ScaleResults) throws {
        let events = results.generated.events
        sync()
        progress("scale: subledger export")
        let exporting = try runChecked(
            [files.binary, "export", "--db", files.store, "--output", files.export], in: files.folder, name: "export")
        let exportBytes = TemporaryFolder.fileSize(files.export)
        results.timed("`subledger export`", "export", exporting)
        results.rows.append(
            .throughput(
                "`subledger export` to JSON Lines (`--output`), whole process", events: events, process: exporting,
                bytes: exportBytes, bytesLabel: "written"))

        sync()
        progress("scale: subledger verify FILE")
        let verifyingFile = try runChecked(
            [files.binary, "verify", files.export, "--json"], in: files.folder, name: "verify-file")
        let fileVerdict = try jsonObject(files.folder.appending("verify-file.out"))
        guard fileVerdict["ok"] as? Bool == true, fileVerdict["events"] as? Int == events else {
            throw BenchmarkError("verify of the export did not pass: \(fileVerdict)")
        }
        results.timed("`subledger verify FILE`", "verify FILE", verifyingFile)
        results.rows.append(
            .throughput(
                "`subledger verify` of the export file, whole process", events: events, process: verifyingFile,
                bytes: exportBytes, bytesLabel: "read"))

        progress("scale: subledger verify (the store)")
        let verifyingStore = try verifyStore(files, at: files.store, name: "verify-store", events: events)
        results.timed("`subledger verify` (store)", "verify store", verifyingStore)
        let storeBytes = TemporaryFolder.fileSize(files.data)
        results.rows.append(
            .throughput(
                "`subledger verify` of the store, whole process", events: events, process: verifyingStore,
                bytes: storeBytes, bytesLabel: "of data.mdb"))
        if let importing = results.process("import") {
            results.rows.append(
                .bytesWritten("Bytes written by `subledger import`", process: importing, storeBytes: storeBytes))
        }
        results.rows.append(
            storeSizeRow(files, events: events, exportBytes: exportBytes, inputBytes: results.generated.bytes))
    }

    /// `subledger verify --db STORE --json`, a whole process, required to pass over `events`.
    static func verifyStore(_ files: ScaleFiles, at store: String, name: String, events: Int) throws -> ChildProcess {
        let process = try runChecked(
            [files.binary, "verify", "--db", store, "--json"], in: files.folder, name: name)
        let verdict = try jsonObject(files.folder.appending("\(name).out"))
        guard verdict["ok"] as? Bool == true, verdict["verified"] as? Int == events else {
            throw BenchmarkError("verify of the store \(store) did not pass: \(verdict)")
        }
        return process
    }

    /// The store's size against the same events as compact JSON Lines (the export).
    static func storeSizeRow(_ files: ScaleFiles, events: Int, exportBytes: Int, inputBytes: Int) -> ScaleRow {
        let storeBytes = TemporaryFolder.fileSize(files.data)
        let allocated = TemporaryFolder.allocatedSize(files.data)
        let ratio = Double(storeBytes) / Double(max(exportBytes, 1))
        return ScaleRow(
            figure: "Store size (data.mdb) vs the same events as compact JSON Lines (the export)", value: ratio,
            measured: String(format: "%.2f×", ratio), goal: .atMost(1.5), goalText: "≤ 1.5×",
            comparator:
                "data.mdb \(ReportTable.grouped(storeBytes)) B (\(perEvent(storeBytes, events))); export \(ReportTable.grouped(exportBytes)) B (\(perEvent(exportBytes, events))); input \(ReportTable.grouped(inputBytes)) B",
            notes:
                "file size; \(ReportTable.grouped(allocated)) B allocated on disk (\(String(format: "%.2f×", Double(allocated) / Double(max(exportBytes, 1)))) the export)"
        )
    }
}
